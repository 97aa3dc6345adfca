package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// TextOptions shape the terminal output.
type TextOptions struct {
	Color bool // ANSI colours: the caller decides (a terminal, not a pipe)
}

const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

type textWriter struct {
	w     io.Writer
	color bool
	err   error
}

func (t *textWriter) printf(style, format string, args ...any) {
	if t.err != nil {
		return
	}
	s := fmt.Sprintf(format, args...)
	if t.color && style != "" {
		s = style + strings.TrimSuffix(s, "\n") + ansiReset + suffixNewline(s)
	}
	_, t.err = io.WriteString(t.w, s)
}

func suffixNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return "\n"
	}
	return ""
}

// WriteText prints the report for a terminal: header, diagnostics, summary, file diffs and
// the terraform plan.
func WriteText(w io.Writer, r Report, opts TextOptions) error {
	t := &textWriter{w: w, color: opts.Color}
	t.printf(ansiBold, "runnerfleet plan: %s → %s\n", sideLabel(r.Base), sideLabel(r.Head))
	t.diagnostics(r)
	if r.Invalid() {
		t.printf(ansiRed, "\nThe merge request's fleet spec is invalid: nothing can be planned until it is fixed.\n")
		if len(r.Summary) > 0 {
			t.summary(r)
		}
		return t.err
	}
	if !r.Changed {
		t.printf("", "\nNo changes: the fleet and every rendered file stay as they are.\n")
		return t.err
	}
	t.summary(r)
	t.files(r)
	t.terraform(r.Terraform)
	return t.err
}

func (t *textWriter) diagnostics(r Report) {
	for _, side := range []string{"head", "base"} {
		var ds []Diagnostic
		for _, d := range r.Diagnostics {
			if d.Side == side {
				ds = append(ds, d)
			}
		}
		if len(ds) == 0 {
			continue
		}
		t.printf(ansiRed, "\n%s:\n", diagnosticsTitle(side, len(ds)))
		for _, d := range ds {
			t.printf("", "  %s\n", d)
		}
	}
}

func diagnosticsTitle(side string, n int) string {
	if side == "head" {
		return fmt.Sprintf("Problems in the merge request's fleet spec (%d)", n)
	}
	return fmt.Sprintf("Problems in the base branch's fleet spec (%d; it is compared as an empty fleet)", n)
}

func (t *textWriter) summary(r Report) {
	t.printf(ansiBold, "\nSummary (%d):\n", len(r.Summary))
	for _, c := range r.Summary {
		switch {
		case c.Destructive:
			t.printf(ansiRed, "  ! %s\n", c.Text)
		case c.Kind == KindAdded:
			t.printf(ansiGreen, "  + %s\n", c.Text)
		case c.Kind == KindRemoved:
			t.printf(ansiRed, "  - %s\n", c.Text)
		default:
			t.printf(ansiYellow, "  ~ %s\n", c.Text)
		}
	}
	if len(r.Summary) == 0 {
		t.printf("", "  no change to the fleet itself; only rendered files differ\n")
	}
}

func (t *textWriter) files(r Report) {
	t.printf(ansiBold, "\nRendered files (%d changed, tokens redacted):\n", len(r.Files))
	for _, f := range r.Files {
		t.printf(ansiBold, "\n%s (%s)\n", f.Path, f.Status)
		for _, line := range strings.SplitAfter(f.Diff, "\n") {
			if line == "" {
				continue
			}
			t.printf(diffStyle(line), "%s", line)
		}
	}
}

func diffStyle(line string) string {
	switch {
	case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
		return ansiBold
	case strings.HasPrefix(line, "+"):
		return ansiGreen
	case strings.HasPrefix(line, "-"):
		return ansiRed
	case strings.HasPrefix(line, "@@"):
		return ansiCyan
	}
	return ""
}

func (t *textWriter) terraform(tf *Terraform) {
	if tf == nil {
		return
	}
	t.printf(ansiBold, "\nManager stack (terraform plan -lock=false):\n")
	if tf.Error != "" {
		t.printf(ansiRed, "  the plan failed: %s\n", tf.Error)
		return
	}
	t.printf("", "  %d to add, %d to change, %d to destroy\n", tf.Add, tf.Change, tf.Destroy)
	for _, res := range tf.Resources {
		style, mark := "", "~"
		switch {
		case res.Destructive():
			style, mark = ansiRed, "!"
		case res.Action == "create":
			style, mark = ansiGreen, "+"
		}
		t.printf(style, "  %s %-8s %s\n", mark, actionLabel(res), res.Address)
	}
}

// actionLabel shouts the actions that remove something.
func actionLabel(r Resource) string {
	if r.Destructive() {
		return strings.ToUpper(r.Action)
	}
	return r.Action
}

func sideLabel(s Side) string {
	label := s.Ref
	if s.Commit != "" {
		label += " (" + short(s.Commit) + ")"
	}
	if !s.Exists {
		label += " [no " + s.Path + "]"
	}
	return label
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// WriteJSON prints the report as one indented JSON document (schema in README.md).
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
