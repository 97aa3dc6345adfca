package report

import (
	"fmt"
	"html"
	"strings"
)

// Markdown renders the report as a GitLab note: a headline, the problems, the summary and the
// destructive actions first, then one collapsible <details> section per file, then the
// terraform plan. Every code fence is longer than any backtick run inside it.
func Markdown(r Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### runnerfleet plan: %s\n\n", headline(r))
	fmt.Fprintf(&b, "%s → %s\n", mdSide(r.Base), mdSide(r.Head))
	mdDiagnostics(&b, r)
	if r.Invalid() && len(r.Summary) > 0 {
		mdSummary(&b, r)
	}
	if r.Invalid() || !r.Changed {
		return b.String()
	}
	if bad := r.Destructive(); len(bad) > 0 {
		b.WriteString("\n> :warning: **Destructive changes**\n")
		for _, x := range bad {
			fmt.Fprintf(&b, "> - %s\n", mdEscape(x))
		}
	}
	mdSummary(&b, r)
	mdFiles(&b, r.Files)
	mdTerraform(&b, r.Terraform)
	return b.String()
}

func mdSummary(b *strings.Builder, r Report) {
	b.WriteString("\n#### Summary\n\n")
	for _, c := range r.Summary {
		fmt.Fprintf(b, "- %s%s\n", mdMark(c), mdEscape(c.Text))
	}
	if len(r.Summary) == 0 {
		b.WriteString("- no change to the fleet itself; only rendered files differ\n")
	}
}

func headline(r Report) string {
	switch {
	case r.Invalid():
		return ":x: invalid fleet spec"
	case !r.Changed:
		return "no changes"
	}
	return fmt.Sprintf("%d fleet change(s), %d file(s)", len(r.Summary), len(r.Files))
}

func mdSide(s Side) string {
	return "`" + strings.ReplaceAll(sideLabel(s), "`", "'") + "`"
}

func mdMark(c Change) string {
	switch {
	case c.Destructive:
		return ":warning: "
	case c.Kind == KindAdded:
		return ":heavy_plus_sign: "
	case c.Kind == KindRemoved:
		return ":heavy_minus_sign: "
	}
	return ""
}

func mdDiagnostics(b *strings.Builder, r Report) {
	for _, side := range []string{"head", "base"} {
		var lines []string
		for _, d := range r.Diagnostics {
			if d.Side == side {
				lines = append(lines, d.String())
			}
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n#### %s\n\n", diagnosticsTitle(side, len(lines)))
		body := strings.Join(lines, "\n") + "\n"
		fence := fenceFor(body)
		fmt.Fprintf(b, "%s\n%s%s\n", fence, body, fence)
	}
}

func mdFiles(b *strings.Builder, files []FileDiff) {
	fmt.Fprintf(b, "\n#### Rendered files (%d changed, tokens redacted)\n\n", len(files))
	for _, f := range files {
		fmt.Fprintf(b, "<details><summary>%s (%s)</summary>\n\n", html.EscapeString(f.Path), f.Status)
		fence := fenceFor(f.Diff)
		fmt.Fprintf(b, "%sdiff\n%s", fence, f.Diff)
		if !strings.HasSuffix(f.Diff, "\n") {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "%s\n\n</details>\n", fence)
	}
}

func mdTerraform(b *strings.Builder, tf *Terraform) {
	if tf == nil {
		return
	}
	b.WriteString("\n#### Manager stack (`terraform plan -lock=false`)\n\n")
	if tf.Error != "" {
		body := tf.Error + "\n"
		fence := fenceFor(body)
		fmt.Fprintf(b, ":x: the plan failed:\n\n%s\n%s%s\n", fence, body, fence)
		return
	}
	destroy := fmt.Sprintf("%d to destroy", tf.Destroy)
	if tf.Destroy > 0 {
		destroy = "**" + destroy + "**"
	}
	fmt.Fprintf(b, "%d to add, %d to change, %s\n", tf.Add, tf.Change, destroy)
	if len(tf.Resources) == 0 {
		return
	}
	b.WriteString("\n| action | resource |\n|---|---|\n")
	for _, res := range tf.Resources {
		action := res.Action
		if res.Destructive() {
			action = ":warning: **" + strings.ToUpper(action) + "**"
		}
		fmt.Fprintf(b, "| %s | `%s` |\n", action, strings.ReplaceAll(res.Address, "|", "\\|"))
	}
}

// fenceFor returns a backtick fence longer than any backtick run in body.
func fenceFor(body string) string {
	longest, run := 0, 0
	for _, c := range body {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// mdEscape keeps summary text literal: markdown and HTML specials are escaped.
func mdEscape(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "<", "&lt;", ">", "&gt;",
		"[", "\\[", "]", "\\]", "|", "\\|")
	return r.Replace(s)
}
