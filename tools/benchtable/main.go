// Command benchtable runs runnerfleet's benchmarks (`make bench`) and prints the table of
// issue 9's figures: figure, ours, baseline, ratio, goal, met. Every ratio's two sides are
// measured in the same run on the same data, each a median of at least -n runs.
//
// It exits non-zero when a benchmark run fails or its output cannot be read, never because a
// goal is missed. -parse FILE prints the table of saved `go test -bench` output instead.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// benchRun is one `go test` invocation.
type benchRun struct {
	pkg  string
	args []string
	env  []string
}

// plan is every invocation, run one after the other (the machine has two cores; concurrent
// runs would time each other).
func plan(n int) []benchRun {
	times, count := strconv.Itoa(n)+"x", strconv.Itoa(n)
	bench := func(pkg, name string, extra ...string) benchRun {
		return benchRun{pkg: pkg, args: append([]string{"-run", "^$", "-bench", "^" + name + "$"}, extra...)}
	}
	return []benchRun{
		// Medians over n iterations inside the benchmark, both sides interleaved.
		bench("./cmd/runnerfleet", "BenchmarkReconcile", "-benchtime", times),
		// The 10,000-commit repository is generated once; medians over n runs of each side.
		bench("./internal/gitsource", "BenchmarkFirstFetchBig", "-benchtime", times),
		// Ten renders per count (the per-render time of a warm process; the first render of a
		// fresh process also pays go-toml's one-time reflection set-up): the median of n counts.
		bench("./render", "BenchmarkRender", "-benchtime", "10x", "-count", count),
		bench("./reconcile", "BenchmarkPruneDecisions", "-benchtime", "1x", "-count", count),
		// EC2 calls are counted, not timed: one run.
		{pkg: "./reconcile", args: []string{"-run", "^TestPruneCallsAtScale$", "-v"},
			env: []string{"RUNNERFLEET_BENCH_PRUNE_CALLS=1"}},
	}
}

func main() {
	n := flag.Int("n", 5, "runs of each side (at least 5 for the published table)")
	parse := flag.String("parse", "", "print the table of this saved `go test` output instead of running")
	goBin := flag.String("go", "go", "the go command")
	flag.Parse()
	os.Exit(run(*n, *parse, *goBin, os.Stdout, os.Stderr))
}

func run(n int, parse, goBin string, stdout, stderr io.Writer) int {
	var out bytes.Buffer
	failed := false
	if parse != "" {
		b, err := os.ReadFile(parse)
		if err != nil {
			fmt.Fprintln(stderr, "benchtable:", err)
			return 1
		}
		out.Write(b)
	} else {
		if n < 1 {
			fmt.Fprintln(stderr, "benchtable: -n must be at least 1")
			return 2
		}
		for _, r := range plan(n) {
			args := append([]string{"test", "-timeout", "20m"}, r.args...)
			args = append(args, r.pkg)
			fmt.Fprintf(stderr, "benchtable: %s %s\n", goBin, strings.Join(args, " "))
			cmd := exec.Command(goBin, args...)
			cmd.Env = append(os.Environ(), r.env...)
			// The raw output goes to stderr as it comes, and is kept for the table.
			cmd.Stdout = io.MultiWriter(&out, stderr)
			cmd.Stderr = io.MultiWriter(&out, stderr)
			start := time.Now()
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(stderr, "benchtable: %s failed: %v\n", r.pkg, err)
				failed = true
			}
			fmt.Fprintf(stderr, "benchtable: %s took %v\n", r.pkg, time.Since(start).Round(time.Second))
		}
	}
	results, err := Parse(&out)
	if err != nil {
		fmt.Fprintln(stderr, "benchtable:", err)
		return 1
	}
	if err := Write(stdout, Table(results)); err != nil {
		fmt.Fprintln(stderr, "benchtable:", err)
		return 1
	}
	if failed {
		return 1
	}
	return 0
}
