package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Result is one benchmark result line (one -count of one benchmark), or one BENCHMETRIC line
// that an opt-in test prints: a name and its metrics keyed by unit.
type Result struct {
	Name    string // without the -GOMAXPROCS suffix
	N       int    // iterations; 1 for a BENCHMETRIC line
	Metrics map[string]float64
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

// Parse reads `go test -bench` output. It keeps the benchmark lines ("BenchmarkX/sub-2  5
// 123 ns/op  4.5 unit ...") and the "BENCHMETRIC name unit=value ..." lines, and ignores the
// rest. A malformed benchmark or BENCHMETRIC line is an error.
func Parse(r io.Reader) ([]Result, error) {
	var out []Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		f := strings.Fields(text)
		switch {
		case len(f) > 0 && f[0] == "BENCHMETRIC":
			res, err := parseMetricLine(f[1:])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w: %q", line, err, text)
			}
			out = append(out, res)
		case len(f) >= 4 && strings.HasPrefix(f[0], "Benchmark") && isInt(f[1]):
			res, err := parseBenchLine(f)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w: %q", line, err, text)
			}
			out = append(out, res)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("unable to read the benchmark output: %w", err)
	}
	return out, nil
}

func isInt(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

func parseBenchLine(f []string) (Result, error) {
	n, _ := strconv.Atoi(f[1])
	res := Result{Name: procsSuffix.ReplaceAllString(f[0], ""), N: n, Metrics: map[string]float64{}}
	rest := f[2:]
	if len(rest)%2 != 0 {
		return Result{}, fmt.Errorf("a value without a unit")
	}
	for i := 0; i < len(rest); i += 2 {
		v, err := strconv.ParseFloat(rest[i], 64)
		if err != nil {
			return Result{}, fmt.Errorf("not a number: %q", rest[i])
		}
		res.Metrics[rest[i+1]] = v
	}
	return res, nil
}

func parseMetricLine(f []string) (Result, error) {
	if len(f) < 2 {
		return Result{}, fmt.Errorf("BENCHMETRIC needs a name and at least one unit=value")
	}
	res := Result{Name: f[0], N: 1, Metrics: map[string]float64{}}
	for _, kv := range f[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return Result{}, fmt.Errorf("not unit=value: %q", kv)
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return Result{}, fmt.Errorf("not a number: %q", kv)
		}
		res.Metrics[k] = x
	}
	return res, nil
}

// Median is the median of unit over every result named name (the -count repetitions), and how
// many runs it stands for: the number of results, or for a single result its iterations (such
// a benchmark reports medians over its own iterations). ok is false when no result has it.
func Median(results []Result, name, unit string) (median float64, count int, ok bool) {
	var vs []float64
	for _, r := range results {
		if v, has := r.Metrics[unit]; r.Name == name && has {
			vs = append(vs, v)
			count = r.N
		}
	}
	if len(vs) == 0 {
		return 0, 0, false
	}
	if len(vs) > 1 {
		count = len(vs)
	}
	slices.Sort(vs)
	if len(vs)%2 == 1 {
		return vs[len(vs)/2], count, true
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2, count, true
}
