package main

import (
	"bytes"
	"strings"
	"testing"
)

// sample is real `go test -bench` output of the benchmarks, trimmed, with -count repetitions,
// sub-benchmarks, log lines and a BENCHMETRIC line.
const sample = `goos: linux
goarch: amd64
pkg: github.com/runnerfleet/runnerfleet/cmd/runnerfleet
cpu: AMD EPYC
BenchmarkReconcile-2   	       5	 412345678 ns/op	        12.50 change/unchanged	        31.00 ls-remote-ms	        74.00 runner-change-ms	        30.00 terraform-runs/change	        40.00 unchanged-ms	        20.25 unchanged-peak-RSS-MiB	         1.290 unchanged/ls-remote
PASS
BenchmarkFirstFetchBig
    bench_test.go:123: generated 10,000 commits, 54.5 MB of objects, in 10.225s
BenchmarkFirstFetchBig/gitsource-2         	       5	 120975104 ns/op	       110.0 median-ms	        16.50 median-peak-RSS-MiB	        16.95 peak-RSS-MiB
BenchmarkFirstFetchBig/git-clone-depth1-2  	       5	 148025515 ns/op	       150.0 median-ms	        17.00 median-peak-RSS-MiB	        17.58 peak-RSS-MiB
BenchmarkRender/pools=1000-2         	       1	  40000000 ns/op
BenchmarkRender/pools=1000-2         	       1	  38000000 ns/op
BenchmarkRender/pools=1000-2         	       1	  90000000 ns/op
BenchmarkRender/pools=10000-2        	       1	 400000000 ns/op
BenchmarkRender/pools=10000-2        	       1	 420000000 ns/op
BenchmarkRender/pools=10000-2        	       1	 410000000 ns/op
BenchmarkPruneDecisions-2   	       1	  250000000 ns/op	        14.00 ec2-calls
=== RUN   TestPruneCallsAtScale
BENCHMETRIC prune-calls ec2-calls=21 reported-calls=21 pages=13 terminations=8000 formula=21 acting-run-ms=1335.8
--- PASS: TestPruneCallsAtScale (13.83s)
ok  	github.com/runnerfleet/runnerfleet/reconcile	13.858s
`

func TestParse(t *testing.T) {
	rs, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 11 {
		t.Fatalf("%d results, want 11: %+v", len(rs), rs)
	}
	if r := rs[0]; r.Name != "BenchmarkReconcile" || r.N != 5 || r.Metrics["unchanged-ms"] != 40 || r.Metrics["unchanged/ls-remote"] != 1.29 {
		t.Errorf("first result %+v", r)
	}
	if r := rs[2]; r.Name != "BenchmarkFirstFetchBig/git-clone-depth1" || r.Metrics["median-peak-RSS-MiB"] != 17 {
		t.Errorf("sub-benchmark name or metric: %+v", r)
	}
	if r := rs[10]; r.Name != "prune-calls" || r.N != 1 || r.Metrics["terminations"] != 8000 || r.Metrics["acting-run-ms"] != 1335.8 {
		t.Errorf("BENCHMETRIC line: %+v", r)
	}
	if m, n, ok := Median(rs, "BenchmarkRender/pools=1000", "ns/op"); !ok || m != 40e6 || n != 3 {
		t.Errorf("median of three counts: %v %d %v", m, n, ok)
	}
	if m, n, ok := Median(rs, "BenchmarkReconcile", "unchanged-ms"); !ok || m != 40 || n != 5 {
		t.Errorf("a single result stands for its iterations: %v %d %v", m, n, ok)
	}
	if _, _, ok := Median(rs, "BenchmarkRender/pools=1000", "B/op"); ok {
		t.Error("a metric nobody reported has no median")
	}
	even := []Result{{Name: "x", N: 1, Metrics: map[string]float64{"u": 1}}, {Name: "x", N: 1, Metrics: map[string]float64{"u": 3}}}
	if m, _, _ := Median(even, "x", "u"); m != 2 {
		t.Errorf("median of two: %v", m)
	}
}

func TestParseRejectsMalformedLines(t *testing.T) {
	for _, in := range []string{
		"BenchmarkX-2  5  12 ns/op  3\n",
		"BenchmarkX-2  5  twelve ns/op\n",
		"BENCHMETRIC prune-calls\n",
		"BENCHMETRIC prune-calls ec2-calls\n",
		"BENCHMETRIC prune-calls ec2-calls=many\n",
	} {
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	// Lines that only look like benchmarks are not results.
	rs, err := Parse(strings.NewReader("BenchmarkX\nBenchmarkX/sub-2\n    BenchmarkX logs 3 things\n"))
	if err != nil || len(rs) != 0 {
		t.Errorf("%+v %v", rs, err)
	}
}

func TestTable(t *testing.T) {
	rs, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	rows := Table(rs)
	want := map[string]Row{
		"unchanged reconcile vs git ls-remote, wall":          {Ours: "40 ms (median of 5)", Baseline: "31 ms (median of 5)", Ratio: "1.29×", Goal: "≤ 1.5×", Met: "yes"},
		"first fetch vs git clone --depth 1: peak RSS":        {Ours: "16.5 MiB (median of 5)", Baseline: "17 MiB (median of 5)", Ratio: "0.97×", Goal: "≤ 2×", Met: "yes"},
		"runner-only change: terraform calls per run":         {Ours: "30 (median of 5)", Goal: "= 0", Met: "NO"},
		"runner-only change vs unchanged reconcile, wall":     {Ours: "74 ms (median of 5)", Baseline: "40 ms (median of 5)", Ratio: "1.85×", Goal: "≤ 2×", Met: "yes"},
		"render 1,000 pools":                                  {Ours: "40 ms (median of 3)", Goal: "< 50 ms", Met: "yes"},
		"render 10,000 vs 1,000 pools (growth of a 10× spec)": {Ours: "410 ms (median of 3)", Baseline: "40 ms (median of 3)", Ratio: "10.25×", Goal: "≤ 12×", Met: "yes"},
		"prune EC2 calls (acting run, 10,000 instances)":      {Ours: "21 calls", Baseline: "13 pages + 8 batches (8000 terminations) = 21", Ratio: "1.00×", Goal: "= pages + batches", Met: "yes"},
		"unchanged reconcile: peak RSS of the process":        {Ours: "20.2 MiB (median of 5)", Goal: "< 64 MiB", Met: "yes"},
	}
	seen := 0
	for _, r := range rows {
		w, ok := want[r.Figure]
		if !ok {
			continue
		}
		seen++
		w.Figure = r.Figure
		if r != w {
			t.Errorf("row %q:\n got %+v\nwant %+v", r.Figure, r, w)
		}
	}
	if seen != len(want) {
		t.Errorf("%d of %d expected rows found", seen, len(want))
	}
	var buf bytes.Buffer
	if err := Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2+len(rows) || !strings.HasPrefix(lines[0], "| figure | ours | baseline | ratio | goal | met |") {
		t.Errorf("table:\n%s", buf.String())
	}
}

func TestTableSaysWhatWasNotMeasured(t *testing.T) {
	for _, r := range Table(nil) {
		if r.Met != "not measured" || r.Ours != "" {
			t.Errorf("%+v", r)
		}
	}
}

func TestPruneCallsRowShowsRetries(t *testing.T) {
	rs, err := Parse(strings.NewReader("BENCHMETRIC prune-calls ec2-calls=22 reported-calls=21 pages=13 terminations=8000 formula=21\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := pruneCallsRow(rs)
	if r.Ours != "21 calls (22 requests reached EC2: SDK retries)" || r.Met != "yes" {
		t.Errorf("%+v", r)
	}
}
