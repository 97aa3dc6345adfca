package report

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func marker(i int) string { return fmt.Sprintf("<!-- part %d -->\n", i) }

// checkParts asserts the splitter's properties: each part within the limit and starting with
// its marker, every fence and <details> balanced within each part, and every line of doc
// (short enough to fit a part) present, in order, in the joined parts.
func checkParts(t *testing.T, doc string, limit int, parts []string) {
	t.Helper()
	for i, p := range parts {
		if len(p) > limit {
			t.Fatalf("part %d is %d bytes, limit %d", i+1, len(p), limit)
		}
		if !strings.HasPrefix(p, marker(i+1)) {
			t.Fatalf("part %d does not start with its marker: %q", i+1, p[:min(len(p), 40)])
		}
		var st blockState
		for _, line := range strings.SplitAfter(p, "\n") {
			st = st.next(line)
		}
		if st.fence != "" || len(st.details) != 0 {
			t.Fatalf("part %d leaves %+v open:\n%s", i+1, st, p)
		}
	}
	joined := strings.Join(parts, "")
	at := 0
	for _, line := range strings.SplitAfter(doc, "\n") {
		if line == "" || len(line) > limit/4 {
			continue
		}
		k := strings.Index(joined[at:], line)
		if k < 0 {
			t.Fatalf("line %q lost (limit %d)", line, limit)
		}
		at += k + len(line)
	}
}

// randomDoc builds a report-shaped document: text, and <details> sections holding a code
// fence of lines of random length (fences of three or four backticks).
func randomDoc(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if rng.IntN(4) > 0 {
			fmt.Fprintf(&b, "- change %d %s\n", i, strings.Repeat("é", rng.IntN(20)))
			continue
		}
		fence := strings.Repeat("`", 3+rng.IntN(2))
		fmt.Fprintf(&b, "<details><summary>file %d</summary>\n\n%sdiff\n", i, fence)
		for j := range rng.IntN(40) {
			fmt.Fprintf(&b, "%s line %d\n", strings.Repeat("+x", rng.IntN(30)), j)
		}
		fmt.Fprintf(&b, "%s\n\n</details>\n", fence)
	}
	return b.String()
}

func TestSplitProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		doc := randomDoc(rng, rng.IntN(200))
		limit := 200 + rng.IntN(2000)
		parts, err := Split(doc, limit, marker)
		if err != nil {
			t.Fatal(err)
		}
		checkParts(t, doc, limit, parts)
	}
}

func TestSplitRealReport(t *testing.T) {
	src := example(t)
	c := cases["every-change"]
	doc := Markdown(build(t, c.base(src), c.head(src)))
	parts, err := Split(doc, 4000, marker)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 3 {
		t.Fatalf("%d parts for %d bytes", len(parts), len(doc))
	}
	checkParts(t, doc, 4000, parts)
	if !strings.Contains(parts[0], "#### Summary") || !strings.Contains(parts[1], "(continued)</summary>") {
		t.Error("the summary must stay in the first part, and a cut <details> must be reopened")
	}
	one, _ := Split(doc, GitLabNoteLimit, marker)
	if len(one) != 1 || one[0] != marker(1)+doc {
		t.Error("a report under the limit must be one part: the marker and the report")
	}
}

func TestSplitLongLineAndTinyLimit(t *testing.T) {
	doc := "```\n" + strings.Repeat("é", 500) + "\n```\n"
	parts, err := Split(doc, 100, marker)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(strings.Join(parts, ""), "é"); got != 500 {
		t.Errorf("a long line lost characters: %d of 500", got)
	}
	checkParts(t, doc, 100, parts)
	if _, err := Split(doc, 20, marker); err == nil {
		t.Error("a limit smaller than the marker and the fences must fail")
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("<details><summary>a</summary>\n\n```diff\n+x\n```\n\n</details>\n", 60)
	f.Add("````\n```\nnested\n```\n````\n", 40)
	f.Add("~~~\nline\n", 30)
	f.Fuzz(func(t *testing.T, doc string, limit int) {
		limit = 40 + abs(limit)%4000
		parts, err := Split(doc, limit, marker)
		if err != nil {
			return // a limit too small for the nesting of doc
		}
		for i, p := range parts {
			if len(p) > limit {
				t.Fatalf("part %d is %d bytes, limit %d", i+1, len(p), limit)
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
