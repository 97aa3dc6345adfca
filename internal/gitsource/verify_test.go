package gitsource

import (
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
)

func TestSignedCommits(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		alice, mallory := gitserver.NewKey(t, "alice"), gitserver.NewKey(t, "mallory")
		gitlabWeb := gitserver.NewKey(t, "gitlab-web")
		trusted := gitserver.ArmoredPublicKeys(t, gitlabWeb, alice)
		o := r.options("", nil)
		o.TrustedKeys = trusted

		r.repo.SignedCommit(fleet("alice"), "by alice", alice)
		res := mustFetch(t, o, Request{})
		if want := alice.PrimaryKey.KeyIdString(); res.SignedBy != want || string(res.Content) != "alice" {
			t.Errorf("signed by %q content %q, want %s alice", res.SignedBy, res.Content, want)
		}
		r.repo.SignedCommit(fleet("web"), "web UI", gitlabWeb)
		if res := mustFetch(t, o, Request{}); res.SignedBy != gitlabWeb.PrimaryKey.KeyIdString() {
			t.Errorf("web commit signed by %q", res.SignedBy)
		}

		r.repo.SignedCommit(fleet("mallory"), "by mallory", mallory)
		_, err := fetch(t, o, Request{})
		wantErr(t, err, ErrUntrusted)

		r.repo.Commit(fleet("unsigned"), "unsigned")
		_, err = fetch(t, o, Request{})
		wantErr(t, err, ErrUnsigned)

		o.TrustedKeys = nil
		if res := mustFetch(t, o, Request{}); string(res.Content) != "unsigned" || res.SignedBy != "" {
			t.Errorf("without trusted keys got %+v", res)
		}
	})
}
