package gitserver

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestServerServesCommitsWithAuth(t *testing.T) {
	s := NewServer(t)
	r := s.NewRepo(t, "fleet.git")
	sha := r.Commit(map[string]string{"fleet.yaml": "version: 1\n"}, "first")
	r.Tag("v1", sha, "release 1")

	out := Git(t, "", "ls-remote", s.URLWithAuth("fleet.git"))
	if !strings.Contains(out, sha+"\trefs/heads/main") || !strings.Contains(out, "refs/tags/v1^{}") {
		t.Fatalf("ls-remote output lacks main or v1:\n%s", out)
	}
	bad := strings.Replace(s.URLWithAuth("fleet.git"), Password, "wrong", 1)
	if out, err := GitCmd("", nil, "ls-remote", bad).CombinedOutput(); err == nil {
		t.Fatalf("wrong password accepted:\n%s", out)
	}
	dst := filepath.Join(t.TempDir(), "clone")
	Git(t, "", "clone", "--quiet", "--depth", "1", s.URLWithAuth("fleet.git"), dst)
	if s.UploadPackPOSTs() == 0 {
		t.Fatal("clone made no upload-pack POST")
	}
}

func TestBigRepoGeneratesHistory(t *testing.T) {
	bare := filepath.Join(t.TempDir(), "big.git")
	sha := BigRepo{Commits: 50, Files: 5, FileSize: 100}.Generate(t, bare)
	if n := Git(t, bare, "rev-list", "--count", sha); n != "50" {
		t.Fatalf("rev-list --count = %s, want 50", n)
	}
	if got := Git(t, bare, "show", sha+":fleet.yaml"); !strings.HasPrefix(got, "version: 1") {
		t.Fatalf("fleet.yaml = %q", got)
	}
}

func TestSignedCommitCarriesSignature(t *testing.T) {
	r := NewRepo(t, filepath.Join(t.TempDir(), "r.git"))
	r.Commit(map[string]string{"a": "1"}, "plain")
	sha := r.SignedCommit(map[string]string{"a": "2"}, "signed", NewKey(t, "alice"))
	if raw := Git(t, r.Bare, "cat-file", "commit", sha); !strings.Contains(raw, "BEGIN PGP SIGNATURE") {
		t.Fatalf("commit is not signed:\n%s", raw)
	}
	if len(ArmoredPublicKeys(t, NewKey(t, "bob"))) == 0 {
		t.Fatal("empty armored keyring")
	}
}

func TestCommitManyAppends(t *testing.T) {
	r := NewRepo(t, filepath.Join(t.TempDir(), "r.git"))
	first := r.Commit(map[string]string{"f": "start"}, "first")
	tip := r.CommitMany(7, "f")
	if n := Git(t, r.Bare, "rev-list", "--count", first+".."+tip); n != "7" {
		t.Fatalf("%s commits after first, want 7", n)
	}
	if got := Git(t, r.Bare, "show", tip+":f"); got != "6" {
		t.Fatalf("f = %q, want 6", got)
	}
	if next := r.Commit(map[string]string{"g": "x"}, "after"); Git(t, r.Bare, "rev-parse", next+"^") != tip {
		t.Fatal("a commit after CommitMany does not follow its tip")
	}
}
