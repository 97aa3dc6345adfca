package gitserver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Author is the identity of every commit the helpers make.
var Author = object.Signature{Name: "Fleet Bot", Email: "bot@example.com"}

// Epoch is the time of the first commit; each later commit is one minute after the previous.
var Epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// Repo is a bare repository (Bare) and a work tree (Work) that pushes branch main to it.
type Repo struct {
	Bare string
	Work string

	t       testing.TB
	commits int
}

// NewRepo creates a bare repository at bare (branch main) and an empty work tree beside it.
func NewRepo(t testing.TB, bare string) *Repo {
	t.Helper()
	r := &Repo{Bare: bare, Work: filepath.Join(t.TempDir(), "work"), t: t}
	Git(t, "", "init", "--quiet", "--bare", "--initial-branch=main", bare)
	Git(t, "", "init", "--quiet", "--initial-branch=main", r.Work)
	Git(t, r.Work, "remote", "add", "origin", bare)
	return r
}

// Git runs the system git in dir with an isolated configuration and returns its trimmed
// output; the test fails if git fails.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := GitCmd(dir, nil, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// GitCmd is the command Git runs, with extra environment variables appended.
func GitCmd(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME="+Author.Name, "GIT_AUTHOR_EMAIL="+Author.Email,
		"GIT_COMMITTER_NAME="+Author.Name, "GIT_COMMITTER_EMAIL="+Author.Email)
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// NextTime is the time the next commit will carry.
func (r *Repo) NextTime() time.Time { return Epoch.Add(time.Duration(r.commits) * time.Minute) }

func (r *Repo) writeFiles(files map[string]string) {
	r.t.Helper()
	for name, content := range files {
		p := filepath.Join(r.Work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

// Commit writes files into the work tree, commits them on the current branch, force-pushes it
// to the bare repository's main and returns the commit SHA.
func (r *Repo) Commit(files map[string]string, msg string) string {
	r.t.Helper()
	r.writeFiles(files)
	when := r.NextTime().Format(time.RFC3339)
	Git(r.t, r.Work, "add", "-A")
	out, err := GitCmd(r.Work, []string{"GIT_AUTHOR_DATE=" + when, "GIT_COMMITTER_DATE=" + when},
		"commit", "--quiet", "--allow-empty", "-m", msg).CombinedOutput()
	if err != nil {
		r.t.Fatalf("git commit: %v\n%s", err, out)
	}
	r.commits++
	return r.push()
}

// SignedCommit is Commit with an OpenPGP signature made by key (through go-git).
func (r *Repo) SignedCommit(files map[string]string, msg string, key *openpgp.Entity) string {
	r.t.Helper()
	r.writeFiles(files)
	repo, err := git.PlainOpen(r.Work)
	if err != nil {
		r.t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := wt.AddGlob("."); err != nil {
		r.t.Fatal(err)
	}
	sig := Author
	sig.When = r.NextTime()
	_, err = wt.Commit(msg, &git.CommitOptions{Author: &sig, Committer: &sig, SignKey: key, AllowEmptyCommits: true})
	if err != nil {
		r.t.Fatal(err)
	}
	r.commits++
	return r.push()
}

func (r *Repo) push() string {
	r.t.Helper()
	Git(r.t, r.Work, "push", "--quiet", "--force", "origin", "HEAD:refs/heads/main")
	return Git(r.t, r.Work, "rev-parse", "HEAD")
}

// Tag creates (annotated when msg is not empty) tag name at sha and pushes it.
func (r *Repo) Tag(name, sha, msg string) {
	r.t.Helper()
	args := []string{"tag", "--force", name, sha}
	if msg != "" {
		args = []string{"tag", "--force", "-a", "-m", msg, name, sha}
	}
	Git(r.t, r.Work, args...)
	Git(r.t, r.Work, "push", "--quiet", "--force", "origin", "refs/tags/"+name)
}

// Branch creates branch name at sha in the bare repository.
func (r *Repo) Branch(name, sha string) {
	r.t.Helper()
	Git(r.t, r.Work, "push", "--quiet", "--force", "origin", sha+":refs/heads/"+name)
}

// Reset moves the work tree's branch to sha (the next Commit force-pushes: a rewind).
func (r *Repo) Reset(sha string) {
	r.t.Helper()
	Git(r.t, r.Work, "reset", "--quiet", "--hard", sha)
}

// FileURL is the bare repository as a file:// URL.
func (r *Repo) FileURL() string { return "file://" + r.Bare }

// String names the repository in test output.
func (r *Repo) String() string { return fmt.Sprintf("repo %s", r.Bare) }

// CommitMany appends n commits to the current branch in one `git fast-import` run (commit i
// sets path to the text of i, counting from 0), pushes, and returns the last SHA.
func (r *Repo) CommitMany(n int, path string) string {
	r.t.Helper()
	head := Git(r.t, r.Work, "rev-parse", "HEAD")
	branch := Git(r.t, r.Work, "symbolic-ref", "HEAD")
	var b strings.Builder
	for i := range n {
		when := r.NextTime().Unix()
		r.commits++
		msg, content := fmt.Sprint("change ", i), fmt.Sprint(i)
		fmt.Fprintf(&b, "commit %s\ncommitter %s <%s> %d +0000\ndata %d\n%s\n",
			branch, Author.Name, Author.Email, when, len(msg), msg)
		if i == 0 {
			fmt.Fprintf(&b, "from %s\n", head)
		}
		fmt.Fprintf(&b, "M 644 inline %s\ndata %d\n%s\n", path, len(content), content)
	}
	cmd := GitCmd(r.Work, nil, "fast-import", "--quiet", "--force")
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git fast-import: %v\n%s", err, out)
	}
	Git(r.t, r.Work, "reset", "--quiet", "--hard", branch)
	return r.push()
}
