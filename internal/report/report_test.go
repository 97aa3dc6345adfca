package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/render"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/")

// gpuPool is appended to the base so that the head can remove it.
const gpuPool = `  - name: gpu
    executor: docker+machine
    instance_types: [g5.xlarge]
    image_id: ami-0fedcba9876543210
`

// edits turn the multi-runner example into the merge request's version of each case.
var cases = map[string]struct {
	base, head func(string) string
}{
	"no-changes": {base: same, head: same},
	"every-change": {
		base: func(s string) string {
			s = strings.Replace(s, "runners:\n", gpuPool+"runners:\n", 1)
			return strings.Replace(s, "prune:\n", "  - {name: cuda, pool: gpu, tags: [gpu]}\nprune:\n", 1)
		},
		head: func(s string) string {
			r := strings.NewReplacer(
				"idle: {count: 1, time: 30m, max_builds: 100}", "idle: {count: 4, time: 1h, max_builds: 100}",
				"[m5.large, m5a.large, m6i.large]", "[m5.large, m6i.large, m7i.large]",
				"  count: 1\n", "  count: 2\n",
				"        idle_count: 10\n        idle_time: 30m\n", "        idle_count: 12\n        idle_time: 30m\n      - {periods: [\"* * 0-6 * * sat *\"], idle_count: 2}\n",
				"  - name: build\n    pool: spot\n    tags: [build]\n    limit: 10\n", "",
				"    tags: [docker, spot]\n    limit: 20\n", "    tags: [docker, spot]\n    limit: 30\n    token: {ssm: /ci-runners/docker-token}\n",
				"schedule: \"*/10 * * * *\"", "schedule: \"*/5 * * * *\"",
				"tags: {team: platform, cost-center: ci}", "tags: {team: platform, owner: ci}",
			)
			s = strings.Replace(r.Replace(s), "prune:\n", "  - {name: reliable-docker, pool: reliable, tags: [reliable]}\nprune:\n", 1)
			return strings.Replace(s, "runners:\n", strings.ReplaceAll(gpuPool, "gpu", "reliable")+"    market: on-demand\nrunners:\n", 1)
		},
	},
	"invalid-head": {base: same, head: func(s string) string {
		return strings.Replace(strings.Replace(s, "pool: spot", "pool: spto", 1), "limit: 20", "limit: -1", 1)
	}},
	"migration": {base: same, head: func(s string) string {
		return strings.Replace(strings.Replace(s, "executor: docker+machine", "executor: docker-autoscaler\n    max_instances: 20", 1),
			"    idle: {count: 1, time: 30m, max_builds: 100}\n    schedules:\n      - periods: [\"* * 9-17 * * mon-fri *\"]\n        idle_count: 10\n        idle_time: 30m\n", "", 1)
	}},
}

func same(s string) string { return s }

func example(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../fleet-examples/multi-runner/fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// side parses and renders one side the way plan does.
func side(t *testing.T, src string) (Side, *fleet.Spec, fleet.Diagnostics, render.Files, error) {
	t.Helper()
	spec, diags := fleet.Parse("fleet.yaml", []byte(src))
	s := Side{Path: "fleet.yaml", Exists: true}
	if len(diags) > 0 {
		return s, spec, diags, nil, nil
	}
	files, err := render.Render(spec, render.Redacted{}, render.Options{})
	return s, spec, nil, files, err
}

func build(t *testing.T, base, head string) Report {
	t.Helper()
	var in Input
	in.Base, in.BaseSpec, in.BaseDiags, in.BaseFiles, in.BaseRenderErr = side(t, base)
	in.Head, in.HeadSpec, in.HeadDiags, in.HeadFiles, in.HeadRenderErr = side(t, head)
	in.Base.Ref, in.Base.Commit = "origin/main", "1111111111111111111111111111111111111111"
	in.Head.Ref, in.Head.Commit = "work tree", "2222222222222222222222222222222222222222"
	if len(in.BaseDiags) > 0 {
		t.Fatalf("base is invalid: %v", in.BaseDiags)
	}
	return Build(in)
}

func TestGoldenReports(t *testing.T) {
	src := example(t)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := build(t, c.base(src), c.head(src))
			var text, js bytes.Buffer
			if err := WriteText(&text, r, TextOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&js, r); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".txt", text.String())
			golden(t, name+".md", Markdown(r))
			golden(t, name+".json", js.String())
		})
	}
}

// golden compares got with testdata/name; -update writes it, reads it back and compares.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report/ -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden; run go test ./internal/report/ -update and review the diff\n%s",
			name, DiffFiles(render.Files{name: want}, render.Files{name: []byte(got)})[0].Diff)
	}
}

func TestEveryChangeSummary(t *testing.T) {
	src := example(t)
	c := cases["every-change"]
	r := build(t, c.base(src), c.head(src))
	want := map[string]bool{ // text → destructive
		"pool spot: idle.count 1 → 4":                                                                false,
		"pool spot: idle.time 30m → 1h":                                                              false,
		"pool spot: instance_types + m7i.large, - m5a.large":                                         false,
		"pool gpu: removed — its machines will be drained and pruned":                                true,
		"pool reliable: new (docker+machine, on-demand, g5.xlarge)":                                  false,
		"runner reliable-docker: new (pool reliable)":                                                false,
		"runner cuda: removed — it leaves config.toml and takes no new jobs":                         false,
		"manager: count 1 → 2":                                                                       false,
		"runner docker: token changed (ssm:/ci-runners/runner-token → ssm:/ci-runners/docker-token)": false,
		"pool spot: schedules[0].idle_count 10 → 12":                                                 false,
		"prune: schedule */10 * * * * → */5 * * * *":                                                 false,
		"aws: tags - cost-center":                                                                    false,
		"aws: tags + owner=ci":                                                                       false,
	}
	got := map[string]bool{}
	for _, ch := range r.Summary {
		got[ch.Text] = ch.Destructive
	}
	for text, destructive := range want {
		if d, ok := got[text]; !ok || d != destructive {
			t.Errorf("summary lacks %q (destructive %v); got:\n%v", text, destructive, r.Summary)
		}
	}
	if !r.Changed || r.Invalid() {
		t.Errorf("changed %v, invalid %v", r.Changed, r.Invalid())
	}
}

func TestMigration(t *testing.T) {
	src := example(t)
	r := build(t, src, cases["migration"].head(src))
	if len(r.Summary) == 0 || r.Summary[0].Kind != KindMigration || !r.Summary[0].Destructive ||
		!strings.HasPrefix(r.Summary[0].Text, "pool spot: executor docker+machine → docker-autoscaler (migration: ") ||
		!strings.Contains(r.Summary[0].Text, "creates Auto Scaling groups ci-runners-manager-0-docker, ") {
		t.Errorf("summary %+v", r.Summary)
	}
}

// TestRenderErrorIsDiagnostic: a spec that parses but does not render is reported, with the
// render's positions when it gives them, and keeps its summary.
func TestRenderErrorIsDiagnostic(t *testing.T) {
	src := example(t)
	var in Input
	in.Base, in.BaseSpec, in.BaseDiags, in.BaseFiles, in.BaseRenderErr = side(t, src)
	in.Head, in.HeadSpec, in.HeadDiags, in.HeadFiles, _ = side(t, strings.Replace(src, "idle: {count: 1,", "idle: {count: 4,", 1))
	in.HeadRenderErr = fleet.Diagnostics{{File: "fleet.yaml", Line: 28, Col: 15, Path: "pools[0].executor", Message: "not supported yet"}}
	in.BaseRenderErr = errors.New("boom")
	r := Build(in)
	want := []Diagnostic{{Side: "base", Message: "unable to render: boom"},
		{Side: "head", File: "fleet.yaml", Line: 28, Col: 15, Path: "pools[0].executor", Message: "not supported yet"}}
	if !r.Invalid() || !reflect.DeepEqual(r.Diagnostics, want) || len(r.Summary) != 1 || len(r.Files) != 0 {
		t.Errorf("%+v\n%+v", r.Diagnostics, r.Summary)
	}
	md := Markdown(r)
	if !strings.Contains(md, "fleet.yaml:28:15: pools[0].executor: not supported yet") || !strings.Contains(md, "idle.count 1 → 4") {
		t.Error(md)
	}
}

func TestInvalidHeadInEveryFormat(t *testing.T) {
	src := example(t)
	r := build(t, src, cases["invalid-head"].head(src))
	var text, js bytes.Buffer
	_ = WriteText(&text, r, TextOptions{})
	_ = WriteJSON(&js, r)
	for format, out := range map[string]string{"text": text.String(), "markdown": Markdown(r), "json": js.String()} {
		for _, want := range []string{`did you mean \"spot\"`, "must be >= 0, got -1"} {
			if format != "json" {
				want = strings.ReplaceAll(want, `\"`, `"`)
			}
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q", format, want)
			}
		}
	}
	var decoded Report
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || decoded.Diagnostics[0].Line == 0 || decoded.Diagnostics[0].Side != "head" {
		t.Errorf("json diagnostics not positioned: %v %+v", err, decoded.Diagnostics)
	}
}

func TestNewFleetComparesWithNothing(t *testing.T) {
	src := example(t)
	var in Input
	in.Head, in.HeadSpec, in.HeadDiags, in.HeadFiles, in.HeadRenderErr = side(t, src)
	in.Base = Side{Ref: "origin/main", Path: "fleet.yaml"}
	r := Build(in)
	if !r.Changed || r.Summary[0].Text != "fleet ci-runners: new" || r.Files[0].Status != StatusAdded {
		t.Errorf("%+v", r.Summary)
	}
}

func TestColorOnlyWhenAsked(t *testing.T) {
	src := example(t)
	r := build(t, src, cases["every-change"].head(src))
	var plain, color bytes.Buffer
	_ = WriteText(&plain, r, TextOptions{})
	_ = WriteText(&color, r, TextOptions{Color: true})
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(color.String(), "\x1b[31m") {
		t.Error("colour must appear with Color and only then")
	}
}
