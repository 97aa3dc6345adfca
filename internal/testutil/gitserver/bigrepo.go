package gitserver

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// BigRepo describes a generated history: Commits commits, each rewriting one of Files files
// with FileSize bytes of incompressible data, plus a fleet.yaml in the first commit.
type BigRepo struct {
	Commits  int
	Files    int
	FileSize int
}

// Generate writes the history into the new bare repository bare with `git fast-import` and
// returns the SHA of main.
func (b BigRepo) Generate(t testing.TB, bare string) string {
	t.Helper()
	Git(t, "", "init", "--quiet", "--bare", "--initial-branch=main", bare)
	cmd := GitCmd(bare, nil, "fast-import", "--quiet")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	werr := b.stream(in)
	if cerr := in.Close(); werr == nil {
		werr = cerr
	}
	if err := cmd.Wait(); err != nil || werr != nil {
		t.Fatalf("git fast-import: %v %v", err, werr)
	}
	return Git(t, bare, "rev-parse", "main")
}

func (b BigRepo) stream(out io.Writer) error {
	w := bufio.NewWriterSize(out, 1<<20)
	rng := rand.NewChaCha8([32]byte{1})
	buf := make([]byte, b.FileSize)
	when := Epoch.Unix()
	for i := 1; i <= b.Commits; i++ {
		fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\n", i)
		fmt.Fprintf(w, "author %s <%s> %d +0000\n", Author.Name, Author.Email, when+int64(i)*60)
		fmt.Fprintf(w, "committer %s <%s> %d +0000\n", Author.Name, Author.Email, when+int64(i)*60)
		msg := fmt.Sprintf("change %d", i)
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
		if i > 1 {
			fmt.Fprintf(w, "from :%d\n", i-1)
		} else {
			fleet := "version: 1\nname: big\n"
			fmt.Fprintf(w, "M 644 inline fleet.yaml\ndata %d\n%s\n", len(fleet), fleet)
		}
		_, _ = rng.Read(buf)
		fmt.Fprintf(w, "M 644 inline data/f%04d.bin\ndata %d\n", i%b.Files, len(buf))
		_, _ = w.Write(buf)
		if _, err := w.WriteString("\n"); err != nil {
			return err
		}
	}
	return w.Flush()
}
