package gitsource

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
)

// sshFixture serves a repository over SSH; opts gives Options with working credentials,
// changed by mutate.
func sshFixture(t *testing.T, passphrase string) (srv *gitserver.SSHServer, sha string, opts func(func(a *Auth)) Options) {
	t.Helper()
	root := t.TempDir()
	repo := gitserver.NewRepo(t, filepath.Join(root, "fleet.git"))
	sha = repo.Commit(fleet("over ssh"), "first")
	keyFile, pub := gitserver.WriteSSHKey(t, passphrase)
	srv = gitserver.NewSSHServer(t, root, pub)
	known := filepath.Join(t.TempDir(), "known_hosts")
	writeFile(t, known, srv.KnownHosts())
	base := Auth{SSHKeyFile: keyFile, SSHKeyPassphrase: passphrase, KnownHostsFile: known}
	opts = func(mutate func(a *Auth)) Options {
		a := base
		mutate(&a)
		return Options{URL: srv.URL("fleet.git"), Ref: "main", CacheDir: t.TempDir(), Auth: a}
	}
	return srv, sha, opts
}

func TestSSH(t *testing.T) {
	t.Parallel()
	const passphrase = "correct horse battery"
	srv, sha, opts := sshFixture(t, passphrase)
	wrongHost := filepath.Join(t.TempDir(), "known_hosts")
	writeFile(t, wrongHost, srv.KnownHostsWith(gitserver.NewSSHKey(t).PublicKey()))
	empty := filepath.Join(t.TempDir(), "known_hosts")
	writeFile(t, empty, "")

	t.Run("key, passphrase and known_hosts", func(t *testing.T) {
		if res := mustFetch(t, opts(func(*Auth) {}), Request{}); res.Commit != sha || string(res.Content) != "over ssh" {
			t.Errorf("got %+v", res)
		}
	})
	t.Run("host key mismatch", func(t *testing.T) {
		_, err := fetch(t, opts(func(a *Auth) { a.KnownHostsFile = wrongHost }), Request{})
		wantErr(t, err, ErrHostKey)
		if !strings.Contains(err.Error(), "mismatch") {
			t.Errorf("error %q does not say mismatch", err)
		}
	})
	t.Run("unknown host", func(t *testing.T) {
		_, err := fetch(t, opts(func(a *Auth) { a.KnownHostsFile = empty }), Request{})
		wantErr(t, err, ErrHostKey)
	})
	t.Run("insecure skip host key", func(t *testing.T) {
		o := opts(func(a *Auth) { a.KnownHostsFile, a.InsecureSkipHostKey = "", true })
		if res := mustFetch(t, o, Request{}); res.Commit != sha {
			t.Errorf("got %+v", res)
		}
	})
	t.Run("key not authorized", func(t *testing.T) {
		stranger, _ := gitserver.WriteSSHKey(t, "")
		_, err := fetch(t, opts(func(a *Auth) { a.SSHKeyFile, a.SSHKeyPassphrase = stranger, "" }), Request{})
		wantErr(t, err, ErrAuthFailed)
	})
	t.Run("wrong passphrase", func(t *testing.T) {
		_, err := New(opts(func(a *Auth) { a.SSHKeyPassphrase = "wrong " + passphrase }))
		wantErr(t, err, ErrInvalidOption)
		if strings.Contains(err.Error(), passphrase) {
			t.Errorf("passphrase in error %q", err)
		}
	})
}
