package terraform

import (
	"context"
	"errors"
	"log/slog"
	"os/exec"
	"slices"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

func TestSummarizeCountsAndSorts(t *testing.T) {
	rc := func(addr string, actions ...tfjson.Action) *tfjson.ResourceChange {
		return &tfjson.ResourceChange{Address: addr, Change: &tfjson.Change{Actions: actions}}
	}
	plan := &tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{
		rc("z.created", tfjson.ActionCreate),
		rc("a.replaced_cbd", tfjson.ActionCreate, tfjson.ActionDelete),
		rc("m.unchanged", tfjson.ActionNoop),
		rc("data.x.read", tfjson.ActionRead),
		rc("b.replaced_dbc", tfjson.ActionDelete, tfjson.ActionCreate),
		rc("c.updated", tfjson.ActionUpdate),
		rc("d.deleted", tfjson.ActionDelete),
		{Address: "nil.change"},
	}}
	got := Summarize(plan)
	want := reconcile.PlanSummary{Add: 3, Change: 1, Destroy: 3, Resources: []reconcile.ResourceChange{
		{Address: "a.replaced_cbd", Action: "replace"},
		{Address: "b.replaced_dbc", Action: "replace"},
		{Address: "c.updated", Action: "update"},
		{Address: "d.deleted", Action: "delete"},
		{Address: "data.x.read", Action: "read"},
		{Address: "z.created", Action: "create"},
	}}
	if got.Add != want.Add || got.Change != want.Change || got.Destroy != want.Destroy ||
		!slices.Equal(got.Resources, want.Resources) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if s := Summarize(nil); s.Add+s.Change+s.Destroy+len(s.Resources) != 0 {
		t.Errorf("nil plan: %+v", s)
	}
}

func TestLineLoggerSplitsScrubsAndMutes(t *testing.T) {
	rec := &logRecorder{}
	l := newLineLogger(slog.New(rec), "stdout", func(s string) string { return strings.ReplaceAll(s, "s3cret", "***") })
	l.setCommand("apply")
	for _, chunk := range []string{"first li", "ne\nsecond s3cret\n\n", "partial"} {
		l.Write([]byte(chunk))
	}
	if got := rec.count("line="); got != 2 {
		t.Fatalf("%d lines logged before Flush, want 2:\n%s", got, rec.text())
	}
	l.Flush()
	for _, want := range []string{"cmd=apply stream=stdout line=first line", "line=second ***", "line=partial"} {
		if rec.count(want) != 1 {
			t.Errorf("no record with %q:\n%s", want, rec.text())
		}
	}
	if strings.Contains(rec.text(), "s3cret") {
		t.Error("secret logged")
	}
	l.mute()
	l.Write([]byte("{\"planned_values\": 1}\n"))
	if rec.count("planned_values") != 0 {
		t.Error("muted output logged")
	}
}

func TestTailBufferKeepsTheEnd(t *testing.T) {
	b := newTailBuffer(8)
	b.Write([]byte("0123456789"))
	b.Write([]byte("ab"))
	if got := b.String(); got != "456789ab" {
		t.Fatalf("tail %q, want %q", got, "456789ab")
	}
}

func TestCommandErrorUnwrapsAndScrubs(t *testing.T) {
	exitErr := exec.Command("sh", "-c", "exit 4").Run()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := newCommandError(ctx, exitErr, "Error: token abc123 rejected\n", func(s string) string {
		return strings.ReplaceAll(s, "abc123", "[redacted]")
	})
	if e.ExitCode != 4 || e.Error() != "exit status 4\nError: token [redacted] rejected" {
		t.Errorf("error %q (exit %d)", e.Error(), e.ExitCode)
	}
	var ee *exec.ExitError
	if !errors.Is(e, context.Canceled) || !errors.As(e, &ee) {
		t.Error("does not unwrap to context.Canceled and *exec.ExitError")
	}
	started := newCommandError(context.Background(), errors.New("fork/exec /x/abc123: no such file\nmore"), "",
		func(s string) string { return strings.ReplaceAll(s, "abc123", "[redacted]") })
	if started.Error() != "fork/exec /x/[redacted]: no such file" || started.ExitCode != -1 {
		t.Errorf("start failure: %q (exit %d)", started.Error(), started.ExitCode)
	}
}

func TestInitOptionsFollowWhatChanged(t *testing.T) {
	base := initInputs{Backend: "b", Providers: "p", Modules: "m", Other: "o", Lock: "l"}
	with := func(f func(*initInputs)) initInputs { c := base; f(&c); return c }
	for _, tc := range []struct {
		name        string
		cur         initInputs
		initialised bool
		wantArgs    string
	}{
		{"never initialised", base, false, ""},
		{"backend", with(func(i *initInputs) { i.Backend = "B" }), true, "-force-copy"},
		{"providers", with(func(i *initInputs) { i.Providers = "P" }), true, "-upgrade"},
		{"providers and lock", with(func(i *initInputs) { i.Providers, i.Lock = "P", "L" }), true, ""},
		{"modules", with(func(i *initInputs) { i.Modules = "M" }), true, ""},
		{"backend and providers", with(func(i *initInputs) { i.Backend, i.Providers = "B", "P" }), true, "-upgrade -force-copy"},
	} {
		opts, why := initOptions(base, tc.cur, tc.initialised)
		if got := describeInitOptions(opts); got != tc.wantArgs || why == "" {
			t.Errorf("%s: options %q (%s), want %q", tc.name, got, why, tc.wantArgs)
		}
	}
}
