package fleet

import (
	"fmt"
	"sort"
	"strings"
)

// Diagnostic is one problem in a spec, positioned at the value (or key) that causes it.
type Diagnostic struct {
	File    string
	Line    int
	Col     int
	Path    string // field path such as pools[1].idle.count; "spec" for the document itself
	Message string // what is wrong and what to do
}

// String formats the diagnostic as file:line:col: path: message.
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", d.File, d.Line, d.Col, d.Path, d.Message)
}

// Diagnostics is every problem found in a spec, reported at once.
type Diagnostics []Diagnostic

// Error joins the diagnostics one a line, so Diagnostics can be returned as an error.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// Sort orders diagnostics by file, line, column, path and message.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Message < b.Message
	})
}
