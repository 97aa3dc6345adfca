package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/internal/gitlabapi"
	"github.com/runnerfleet/runnerfleet/internal/report"
	"github.com/runnerfleet/runnerfleet/render"
	"github.com/spf13/cobra"
)

// planFlags are the flags of plan.
type planFlags struct {
	git              gitFlags
	sourceDir, base  string
	format           string
	terraform        bool
	tf               terraformFlags
	tfCacheDir       string
	gitlabNote       bool
	tokenFile        string
	noteLimit        int
	detailedExitcode bool
	logFormat        string
}

func newPlan() *cobra.Command {
	var f planFlags
	cmd := &cobra.Command{
		Use:   "plan (--source-dir DIR | --repo URL --ref REF) [--base REF]",
		Short: "Show what a merge request changes in the fleet (dry run)",
		Long: `Plan compares fleet.yaml of a merge request with the base branch's and prints, in order:
a fleet-semantic summary (one line per change), the rendered file diffs (tokens redacted,
worker template zips as the diffs of their files) and, with --terraform, the manager stack's
terraform plan (-lock=false, so it never blocks an apply).

  --source-dir DIR   a checkout (the MR pipeline): the work tree's fleet.yaml against --base,
                     read from the same repository (default origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
                     else origin/main)
  --repo URL         fetch --ref and --base (default $CI_MERGE_REQUEST_TARGET_BRANCH_NAME, else
                     main) into memory

--gitlab-note posts the markdown report as one sticky note on the merge request
(CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID; token in RUNNERFLEET_GITLAB_TOKEN or
--gitlab-token-file, api scope): the note is found by a hidden marker and edited in place,
split over several notes past GitLab's size limit. A failed post exits 1 after the report
is printed. An invalid spec on the merge request's side exits 3 with its diagnostics.`,
		Example: `  runnerfleet plan --source-dir . --base origin/main
  runnerfleet plan --source-dir . --format markdown --gitlab-note --detailed-exitcode
  runnerfleet plan --repo https://gitlab.example.com/platform/fleet.git --ref my-change --base main --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runPlan(cmd, &f) },
	}
	f.git.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.sourceDir, "source-dir", "", "a checkout of the config repository: plan its work tree's fleet.yaml")
	fl.StringVar(&f.base, "base", "", "the ref to compare with (see above for the default)")
	fl.StringVar(&f.format, "format", "text", "output: text, markdown or json")
	fl.BoolVar(&f.terraform, "terraform", false, "also plan the manager stack with terraform (-lock=false)")
	fl.StringVar(&f.tf.path, "terraform-path", "", "terraform binary (default: find or install terraform.version)")
	fl.StringVar(&f.tfCacheDir, "terraform-cache-dir", defaultCacheDir(), "where terraform binaries and providers are cached")
	fl.BoolVar(&f.gitlabNote, "gitlab-note", false, "post the report as the merge request's sticky note")
	fl.StringVar(&f.tokenFile, "gitlab-token-file", "", "file holding the GitLab token (else RUNNERFLEET_GITLAB_TOKEN)")
	fl.IntVar(&f.noteLimit, "gitlab-note-limit", report.GitLabNoteLimit, "most characters in one note")
	fl.BoolVar(&f.detailedExitcode, "detailed-exitcode", false, "exit 2 when the merge request changes something")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	_ = fl.MarkHidden("gitlab-note-limit")
	return cmd
}

func defaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return dir + "/runnerfleet"
}

func runPlan(cmd *cobra.Command, f *planFlags) error {
	log, err := newLogger(cmd.ErrOrStderr(), f.logFormat)
	if err != nil {
		return err
	}
	if f.format != "text" && f.format != "markdown" && f.format != "json" {
		return fmt.Errorf("unknown --format %q: use text, markdown or json", f.format)
	}
	notes, err := f.notes(log)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	base, head, err := f.sides(ctx, log)
	if err != nil {
		return err
	}
	in := buildInput(base, head)
	if f.terraform && in.HeadSpec != nil && len(in.HeadDiags) == 0 && in.HeadRenderErr == nil {
		in.Terraform = f.planStack(ctx, in.HeadSpec, log)
	}
	rep := report.Build(in)
	if err := writeReport(cmd.OutOrStdout(), rep, f.format); err != nil {
		return fmt.Errorf("unable to print the report: %w", err)
	}
	if notes != nil {
		if _, err := notes.Publish(ctx, report.Markdown(rep)); err != nil {
			return err
		}
	}
	return planExit(rep, f.detailedExitcode)
}

func planExit(rep report.Report, detailed bool) error {
	switch {
	case rep.Invalid():
		return exitError{code: exitInvalid, msg: "the merge request's fleet spec is invalid"}
	case rep.Terraform != nil && rep.Terraform.Error != "":
		return exitError{code: exitFailure, msg: "the manager stack's terraform plan failed"}
	case detailed && rep.Changed:
		return exitError{code: exitChanges}
	}
	return nil
}

func writeReport(w io.Writer, rep report.Report, format string) error {
	switch format {
	case "json":
		return report.WriteJSON(w, rep)
	case "markdown":
		_, err := io.WriteString(w, report.Markdown(rep))
		return err
	}
	return report.WriteText(w, rep, report.TextOptions{Color: isTerminal(w)})
}

// isTerminal reports whether w is a character device (a terminal, not a pipe or a file).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("NO_COLOR") == ""
}

// notes prepares the GitLab client before anything runs, so a missing setting fails fast.
func (f *planFlags) notes(log *slog.Logger) (*gitlabapi.Notes, error) {
	if !f.gitlabNote {
		return nil, nil
	}
	token := os.Getenv("RUNNERFLEET_GITLAB_TOKEN")
	if f.tokenFile != "" {
		b, err := os.ReadFile(f.tokenFile)
		if err != nil {
			return nil, fmt.Errorf("unable to read the GitLab token file: %w", errors.Unwrap(err))
		}
		token = trimNewline(string(b))
	}
	iid, err := strconv.ParseInt(os.Getenv("CI_MERGE_REQUEST_IID"), 10, 64)
	if err != nil {
		return nil, errors.New("unable to post the plan note: CI_MERGE_REQUEST_IID is not set (--gitlab-note runs in a merge request pipeline)")
	}
	return gitlabapi.New(gitlabapi.Config{APIURL: os.Getenv("CI_API_V4_URL"), Token: token,
		ProjectID: os.Getenv("CI_PROJECT_ID"), MRIID: iid, Limit: f.noteLimit, Logger: log})
}

func trimNewline(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// buildInput parses and renders both sides (all managers, tokens redacted).
func buildInput(base, head planSide) report.Input {
	in := report.Input{Base: base.side, Head: head.side}
	in.BaseSpec, in.BaseDiags, in.BaseFiles, in.BaseRenderErr = parseAndRender(base)
	in.HeadSpec, in.HeadDiags, in.HeadFiles, in.HeadRenderErr = parseAndRender(head)
	if !head.side.Exists {
		in.HeadDiags = fleet.Diagnostics{{File: head.side.Path, Path: "spec",
			Message: "the merge request has no " + head.side.Path + "; nothing to plan"}}
	}
	return in
}

func parseAndRender(s planSide) (*fleet.Spec, fleet.Diagnostics, render.Files, error) {
	if !s.side.Exists {
		return nil, nil, render.Files{}, nil
	}
	spec, diags := fleet.Parse(s.side.Path, s.content)
	if len(diags) > 0 {
		return spec, diags, render.Files{}, nil
	}
	files, err := render.Render(spec, render.Redacted{}, render.Options{})
	if err != nil {
		return spec, nil, render.Files{}, err
	}
	return spec, nil, files, nil
}
