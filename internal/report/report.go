// Package report builds the dry-run plan of a merge request and prints it as text (a
// terminal), markdown (the GitLab note) or JSON (other tools). It compares two fleet specs
// and their rendered files; it is pure: no files, no network, no clock, no environment.
package report

import (
	"errors"
	"strings"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/render"
)

// SchemaVersion is the version of the JSON document; it changes only on incompatible changes.
const SchemaVersion = 1

// Report is one plan: what the merge request changes, from the fleet's point of view first.
type Report struct {
	SchemaVersion int          `json:"schema_version"`
	Base          Side         `json:"base"`
	Head          Side         `json:"head"`
	Changed       bool         `json:"changed"`
	Summary       []Change     `json:"summary"`
	Diagnostics   []Diagnostic `json:"diagnostics"`
	Files         []FileDiff   `json:"files"`
	Terraform     *Terraform   `json:"terraform"`
}

// Side is one end of the comparison: the base branch or the merge request.
type Side struct {
	Ref    string `json:"ref"`    // as given: origin/main, a branch, "work tree"
	Commit string `json:"commit"` // full SHA; empty when unknown
	Path   string `json:"path"`   // fleet.yaml inside the repository
	Valid  bool   `json:"valid"`  // parsed and rendered without diagnostics
	Exists bool   `json:"exists"` // the file exists on this side
}

// Change is one meaningful difference between the specs, such as "pool spot: idle.count 1 → 4".
type Change struct {
	Subject     string `json:"subject"`     // "pool spot", "runner docker", "manager", "aws", …
	Kind        string `json:"kind"`        // added, removed, changed or migration
	Text        string `json:"text"`        // the whole line
	Destructive bool   `json:"destructive"` // machines, instances or data go away
}

// Change kinds.
const (
	KindAdded     = "added"
	KindRemoved   = "removed"
	KindChanged   = "changed"
	KindMigration = "migration"
)

// Diagnostic is a problem in one side's spec (or its rendering), with its position.
type Diagnostic struct {
	Side    string `json:"side"` // base or head
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

// String is file:line:col: path: message, or the message alone when it has no position.
func (d Diagnostic) String() string {
	if d.Line == 0 && d.File == "" {
		return d.Message
	}
	return fleet.Diagnostic{File: d.File, Line: d.Line, Col: d.Col, Path: d.Path, Message: d.Message}.String()
}

// Terraform is the manager stack's plan (terraform plan -lock=false, then show -json).
type Terraform struct {
	Add       int        `json:"add"`
	Change    int        `json:"change"`
	Destroy   int        `json:"destroy"`
	Resources []Resource `json:"resources"`
	Error     string     `json:"error,omitempty"` // the plan failed; the rest is empty
}

// Resource is one resource the plan touches.
type Resource struct {
	Address string `json:"address"`
	Action  string `json:"action"` // create, update, delete, replace or read
}

// Destructive reports whether the action removes a resource (delete or replace).
func (r Resource) Destructive() bool { return r.Action == "delete" || r.Action == "replace" }

// Input is everything a report is built from. A nil spec means the side is missing or invalid;
// its diagnostics say which.
type Input struct {
	Base, Head         Side
	BaseSpec, HeadSpec *fleet.Spec
	BaseDiags          fleet.Diagnostics
	HeadDiags          fleet.Diagnostics
	BaseFiles          render.Files
	HeadFiles          render.Files
	BaseRenderErr      error
	HeadRenderErr      error
	Terraform          *Terraform
}

// Build compares the two sides. The summary and the file diffs are left empty when the merge
// request's side is invalid: the diagnostics are the report then.
func Build(in Input) Report {
	r := Report{SchemaVersion: SchemaVersion, Base: in.Base, Head: in.Head,
		Summary: []Change{}, Diagnostics: []Diagnostic{}, Files: []FileDiff{}, Terraform: in.Terraform}
	r.Diagnostics = append(r.Diagnostics, diagnostics("base", in.BaseDiags, in.BaseRenderErr)...)
	r.Diagnostics = append(r.Diagnostics, diagnostics("head", in.HeadDiags, in.HeadRenderErr)...)
	r.Base.Valid = in.Base.Exists && in.BaseSpec != nil && len(in.BaseDiags) == 0 && in.BaseRenderErr == nil
	r.Head.Valid = in.Head.Exists && in.HeadSpec != nil && len(in.HeadDiags) == 0 && in.HeadRenderErr == nil
	if in.HeadSpec == nil || len(in.HeadDiags) > 0 {
		return r
	}
	base := in.BaseSpec
	if len(in.BaseDiags) > 0 {
		base = nil // an invalid base compares as an empty one
	}
	r.Summary = Compare(base, in.HeadSpec) // a spec that only fails to render still has a summary
	if !r.Head.Valid {
		return r
	}
	r.Files = DiffFiles(in.BaseFiles, in.HeadFiles)
	r.Changed = len(r.Summary) > 0 || len(r.Files) > 0 || in.Terraform.changes()
	return r
}

func (t *Terraform) changes() bool {
	return t != nil && t.Add+t.Change+t.Destroy > 0
}

// Invalid reports whether the merge request's spec has problems: the report is its diagnostics.
func (r Report) Invalid() bool { return !r.Head.Valid }

// Destructive lists what removes machines, instances or data, summary first.
func (r Report) Destructive() []string {
	var out []string
	for _, c := range r.Summary {
		if c.Destructive {
			out = append(out, c.Text)
		}
	}
	if r.Terraform != nil {
		for _, res := range r.Terraform.Resources {
			if res.Destructive() {
				out = append(out, "terraform will "+res.Action+" "+res.Address)
			}
		}
	}
	return out
}

// diagnostics turns a side's spec diagnostics and render error into report diagnostics.
func diagnostics(side string, diags fleet.Diagnostics, renderErr error) []Diagnostic {
	var out []Diagnostic
	add := func(ds fleet.Diagnostics) {
		for _, d := range ds {
			out = append(out, Diagnostic{Side: side, File: d.File, Line: d.Line, Col: d.Col, Path: d.Path, Message: d.Message})
		}
	}
	add(diags)
	if renderErr != nil {
		var ds fleet.Diagnostics
		if errors.As(renderErr, &ds) {
			add(ds)
		} else {
			out = append(out, Diagnostic{Side: side, Message: "unable to render: " + strings.TrimSpace(renderErr.Error())})
		}
	}
	return out
}
