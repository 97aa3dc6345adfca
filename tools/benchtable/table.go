package main

import (
	"fmt"
	"io"
	"strings"
)

// Row is one line of the table. Empty cells print as "—".
type Row struct {
	Figure, Ours, Baseline, Ratio, Goal, Met string
}

// metric names one median: a benchmark (or BENCHMETRIC) name and a unit.
type metric struct{ name, unit string }

func (m metric) get(rs []Result) (float64, int, bool) { return Median(rs, m.name, m.unit) }

// The measurements the figures read; each benchmark's doc comment says how it measures.
var (
	lsRemote       = metric{"BenchmarkReconcile", "ls-remote-ms"}
	unchanged      = metric{"BenchmarkReconcile", "unchanged-ms"}
	runnerChange   = metric{"BenchmarkReconcile", "runner-change-ms"}
	tfRunsChange   = metric{"BenchmarkReconcile", "terraform-runs/change"}
	unchangedRSS   = metric{"BenchmarkReconcile", "unchanged-peak-RSS-MiB"}
	fetchWall      = metric{"BenchmarkFirstFetchBig/gitsource", "median-ms"}
	cloneWall      = metric{"BenchmarkFirstFetchBig/git-clone-depth1", "median-ms"}
	fetchRSS       = metric{"BenchmarkFirstFetchBig/gitsource", "median-peak-RSS-MiB"}
	cloneRSS       = metric{"BenchmarkFirstFetchBig/git-clone-depth1", "median-peak-RSS-MiB"}
	render1k       = metric{"BenchmarkRender/pools=1000", "ns/op"}
	render10k      = metric{"BenchmarkRender/pools=10000", "ns/op"}
	pruneDecisions = metric{"BenchmarkPruneDecisions", "ns/op"}
	pruneCalls     = metric{"prune-calls", "ec2-calls"}
	pruneMade      = metric{"prune-calls", "reported-calls"}
	prunePages     = metric{"prune-calls", "pages"}
	pruneTerms     = metric{"prune-calls", "terminations"}
	pruneFormula   = metric{"prune-calls", "formula"}
)

// Table turns the results into the six figures of issue 9. A figure whose measurements are
// missing says so in its Met cell.
func Table(rs []Result) []Row {
	const nsPerMS = 1e6
	return []Row{
		ratioRow(rs, "unchanged reconcile vs git ls-remote, wall", unchanged, lsRemote, 1, "ms", 1.5),
		ratioRow(rs, "first fetch, 10,000 commits / ~50 MB, vs git clone --depth 1: wall", fetchWall, cloneWall, 1, "ms", 2),
		ratioRow(rs, "first fetch vs git clone --depth 1: peak RSS", fetchRSS, cloneRSS, 1, "MiB", 2),
		limitRow(rs, "runner-only change: terraform calls per run", tfRunsChange, 1, "", "= 0", func(v float64) bool { return v == 0 }),
		ratioRow(rs, "runner-only change vs unchanged reconcile, wall", runnerChange, unchanged, 1, "ms", 2),
		limitRow(rs, "render 1,000 pools", render1k, nsPerMS, "ms", "< 50 ms", func(v float64) bool { return v < 50 }),
		ratioRow(rs, "render 10,000 vs 1,000 pools (growth of a 10× spec)", render10k, render1k, nsPerMS, "ms", 12),
		limitRow(rs, "prune decisions, 10,000 instances + 2,000 workspaces", pruneDecisions, nsPerMS, "ms", "< 1 s", func(v float64) bool { return v < 1000 }),
		pruneCallsRow(rs),
		limitRow(rs, "unchanged reconcile: peak RSS of the process", unchangedRSS, 1, "MiB", "< 64 MiB", func(v float64) bool { return v < 64 }),
	}
}

func runs(n int) string {
	if n == 1 {
		return ""
	}
	return fmt.Sprintf(" (median of %d)", n)
}

func number(v float64, unit string) string {
	s := fmt.Sprintf("%.1f", v)
	if v >= 100 || v == float64(int64(v)) {
		s = fmt.Sprintf("%.0f", v)
	}
	if unit != "" {
		s += " " + unit
	}
	return s
}

func missing(figure, goal string) Row {
	return Row{Figure: figure, Goal: goal, Met: "not measured"}
}

func metText(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

// ratioRow compares ours with a baseline measured in the same run; the goal is ratio ≤ max.
func ratioRow(rs []Result, figure string, ours, base metric, div float64, unit string, maxRatio float64) Row {
	goal := fmt.Sprintf("≤ %g×", maxRatio)
	o, on, ok1 := ours.get(rs)
	b, bn, ok2 := base.get(rs)
	if !ok1 || !ok2 || b == 0 {
		return missing(figure, goal)
	}
	o, b = o/div, b/div
	ratio := o / b
	return Row{Figure: figure, Ours: number(o, unit) + runs(on), Baseline: number(b, unit) + runs(bn),
		Ratio: fmt.Sprintf("%.2f×", ratio), Goal: goal, Met: metText(ratio <= maxRatio)}
}

// limitRow checks one measurement against an absolute goal.
func limitRow(rs []Result, figure string, m metric, div float64, unit, goal string, met func(float64) bool) Row {
	v, n, ok := m.get(rs)
	if !ok {
		return missing(figure, goal)
	}
	v /= div
	return Row{Figure: figure, Ours: number(v, unit) + runs(n), Goal: goal, Met: metText(met(v))}
}

// pruneCallsRow compares the EC2 calls a prune's acting run made with the formula: listing
// pages + one TerminateInstances per 1,000 terminations. The calls are counted twice: by the
// prune (each API call it makes) and by the fake EC2 (each request that reached it, the SDK's
// transport retries included). The goal is about the former; retries are shown.
func pruneCallsRow(rs []Result) Row {
	const figure, goal = "prune EC2 calls (acting run, 10,000 instances)", "= pages + batches"
	served, _, ok1 := pruneCalls.get(rs)
	made, _, ok5 := pruneMade.get(rs)
	want, _, ok2 := pruneFormula.get(rs)
	pages, _, ok3 := prunePages.get(rs)
	terms, _, ok4 := pruneTerms.get(rs)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || want == 0 {
		return missing(figure, goal)
	}
	ours := number(made, "calls")
	if served != made {
		ours += fmt.Sprintf(" (%s requests reached EC2: SDK retries)", number(served, ""))
	}
	return Row{Figure: figure, Ours: ours,
		Baseline: fmt.Sprintf("%s pages + %s batches (%s terminations) = %s", number(pages, ""), number(want-pages, ""), number(terms, ""), number(want, "")),
		Ratio:    fmt.Sprintf("%.2f×", made/want), Goal: goal, Met: metText(made == want)}
}

// Write prints rows as a Markdown table.
func Write(w io.Writer, rows []Row) error {
	cell := func(s string) string {
		if s == "" {
			return "—"
		}
		return strings.ReplaceAll(s, "|", `\|`)
	}
	var b strings.Builder
	b.WriteString("| figure | ours | baseline | ratio | goal | met |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(r.Figure), cell(r.Ours), cell(r.Baseline),
			cell(r.Ratio), cell(r.Goal), cell(r.Met))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
