package gitlabapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/testutil/gitlabfake"
)

func notes(t *testing.T, fake *gitlabfake.Server, limit int) *Notes {
	t.Helper()
	n, err := New(Config{APIURL: fake.URL, Token: gitlabfake.Token, ProjectID: fake.Project, MRIID: fake.MR, Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// planDoc is a markdown report of about size bytes with a summary and one long diff.
func planDoc(size int, tag string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### runnerfleet plan %s\n\n#### Summary\n\n- pool spot: idle.count 1 → 4\n\n", tag)
	b.WriteString("<details><summary>manager-0/config.toml</summary>\n\n```diff\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "+  line %d of the diff\n", i)
	}
	b.WriteString("```\n\n</details>\n")
	return b.String()
}

func ours(fake *gitlabfake.Server) []gitlabfake.Note {
	var out []gitlabfake.Note
	for _, n := range fake.Notes() {
		if strings.HasPrefix(n.Body, markerPrefix) {
			out = append(out, n)
		}
	}
	return out
}

func TestStickyNoteLifecycle(t *testing.T) {
	fake := gitlabfake.New(t)
	fake.MaxPerPage = 20
	for i := range 45 { // other people's notes over three pages of 20, and a system note
		fake.AddNote(fmt.Sprintf("review comment %d", i), i == 3)
	}
	n := notes(t, fake, 2000)
	ctx := context.Background()

	res, err := n.Publish(ctx, planDoc(500, "first"))
	if err != nil || len(res.Created) != 1 || res.Parts != 1 {
		t.Fatalf("first pipeline: %+v %v", res, err)
	}
	first := ours(fake)[0].ID

	res, err = n.Publish(ctx, planDoc(5000, "second"))
	if err != nil || len(res.Updated) != 1 || res.Updated[0] != first || len(res.Created) < 2 {
		t.Fatalf("second pipeline must edit the note in place and add parts: %+v %v", res, err)
	}
	got := ours(fake)
	if len(got) != res.Parts || !strings.Contains(got[0].Body, "#### Summary") {
		t.Fatalf("%d notes for %d parts", len(got), res.Parts)
	}
	for i, note := range got {
		if !strings.HasPrefix(note.Body, Marker(i+1)) || len(note.Body) > 2000 {
			t.Errorf("note %d: marker or size wrong (%d bytes)", i, len(note.Body))
		}
	}

	res, err = n.Publish(ctx, planDoc(300, "third"))
	if err != nil || len(res.Deleted) != len(got)-1 || len(res.Created) != 0 {
		t.Fatalf("a shorter report must delete the extra parts: %+v %v", res, err)
	}
	if left := ours(fake); len(left) != 1 || left[0].ID != first || !strings.Contains(left[0].Body, "third") {
		t.Fatalf("left %+v", left)
	}
	if len(fake.Notes()) != 46 {
		t.Errorf("other notes were touched: %d notes", len(fake.Notes()))
	}
	if fake.Calls("GET notes") < 3*3 {
		t.Errorf("notes were not listed page by page: %d list calls", fake.Calls("GET notes"))
	}
}

func TestDuplicatePartsAreCollapsed(t *testing.T) {
	fake := gitlabfake.New(t)
	a := fake.AddNote(Marker(1)+"old", false)
	b := fake.AddNote(Marker(1)+"racing pipeline", false)
	res, err := notes(t, fake, 0).Publish(context.Background(), "plan")
	if err != nil || len(res.Updated) != 1 || res.Updated[0] != a || len(res.Deleted) != 1 || res.Deleted[0] != b {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestClearErrorsWithoutToken(t *testing.T) {
	ctx := context.Background()
	fake := gitlabfake.New(t)
	bad, err := New(Config{APIURL: fake.URL, Token: "glpat-WRONG-secret", ProjectID: fake.Project, MRIID: fake.MR})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Publish(ctx, "plan")
	if !errors.Is(err, ErrUnauthorized) || strings.Contains(err.Error(), "glpat-WRONG-secret") {
		t.Errorf("401: %v", err)
	}
	missing, _ := New(Config{APIURL: fake.URL, Token: gitlabfake.Token, ProjectID: fake.Project, MRIID: 99})
	_, err = missing.Publish(ctx, "plan")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "merge request !99") || strings.Contains(err.Error(), gitlabfake.Token) {
		t.Errorf("404: %v", err)
	}
	fake.FailStatus = 403
	_, err = notes(t, fake, 0).Publish(ctx, "plan")
	if !errors.Is(err, ErrForbidden) {
		t.Errorf("403: %v", err)
	}
	if _, err := New(Config{APIURL: fake.URL, ProjectID: "1", MRIID: 1}); err == nil {
		t.Error("no token must be refused")
	}
}
