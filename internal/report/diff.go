package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/runnerfleet/runnerfleet/render"
)

// FileDiff is the unified diff of one rendered file. A zip is expanded: each of its entries is
// compared on its own, as "<zip path>!/<entry>".
type FileDiff struct {
	Path   string `json:"path"`
	Status string `json:"status"` // added, removed or modified
	Diff   string `json:"diff"`   // unified diff, "--- a/…" / "+++ b/…" headers included
}

// File statuses.
const (
	StatusAdded    = "added"
	StatusRemoved  = "removed"
	StatusModified = "modified"
)

// contextLines is the context of each hunk, as in diff -u.
const contextLines = 3

// DiffFiles compares two rendered trees and returns the files that differ, sorted by path.
func DiffFiles(base, head render.Files) []FileDiff {
	a, b := expand(base), expand(head)
	out := []FileDiff{}
	for _, p := range unionPaths(a, b) {
		x, inA := a[p]
		y, inB := b[p]
		if inA && inB && bytes.Equal(x, y) {
			continue
		}
		status := StatusModified
		switch {
		case !inA:
			status = StatusAdded
		case !inB:
			status = StatusRemoved
		}
		out = append(out, FileDiff{Path: p, Status: status, Diff: unified(p, x, y, inA, inB)})
	}
	return out
}

// expand replaces each readable .zip by its entries.
func expand(files render.Files) map[string][]byte {
	out := map[string][]byte{}
	for p, b := range files {
		entries, ok := zipEntries(b)
		if !strings.HasSuffix(p, ".zip") || !ok {
			out[p] = b
			continue
		}
		for name, content := range entries {
			out[p+"!/"+name] = content
		}
	}
	return out
}

func zipEntries(b []byte) (map[string][]byte, bool) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, false
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, false
		}
		content, err := io.ReadAll(io.LimitReader(rc, 16<<20))
		rc.Close()
		if err != nil {
			return nil, false
		}
		out[f.Name] = content
	}
	return out, true
}

func unionPaths(a, b map[string][]byte) []string {
	var out []string
	for p := range a {
		out = append(out, p)
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// unified is the diff -u of one file; binary content is named, not shown.
func unified(path string, a, b []byte, inA, inB bool) string {
	from, to := "a/"+path, "b/"+path
	if !inA {
		from = "/dev/null"
	}
	if !inB {
		to = "/dev/null"
	}
	if !utf8.Valid(a) || !utf8.Valid(b) || bytes.IndexByte(a, 0) >= 0 || bytes.IndexByte(b, 0) >= 0 {
		return fmt.Sprintf("Binary files %s and %s differ (%d → %d bytes)\n", from, to, len(a), len(b))
	}
	s, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: lines(a), B: lines(b), FromFile: from, ToFile: to, Context: contextLines})
	if err != nil { // difflib only fails on a failing writer; a strings.Builder never fails
		return err.Error()
	}
	return s
}

// lines splits text into lines that keep their "\n"; a last line without one gets one and a
// marker line, as diff does.
func lines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	out := strings.SplitAfter(string(b), "\n")
	if out[len(out)-1] == "" {
		return out[:len(out)-1]
	}
	out[len(out)-1] += "\n\\ No newline at end of file\n"
	return out
}
