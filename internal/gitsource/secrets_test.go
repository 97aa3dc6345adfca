package gitsource

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// chain is err and everything reachable from it through Unwrap.
func chain(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, chain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, chain(e)...)
		}
	}
	return out
}

func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	r := newRemote(t, "http")
	first := r.repo.Commit(fleet("a"), "first")
	r.repo.Reset(first)
	token := r.srv.Password
	inURL := strings.Replace(r.url, "://", "://"+r.srv.User+":"+token+"@", 1)
	logs := &logBuffer{}
	r.repo.Commit(fleet("b"), "b")
	ok := r.options(t.TempDir(), logs)
	ok.URL, ok.Auth = inURL, Auth{}
	mustFetch(t, ok, Request{LastApplied: first})
	var errs []error
	try := func(mutate func(o *Options), setup func()) {
		o := r.options(t.TempDir(), logs)
		o.URL, o.Auth = inURL, Auth{}
		mutate(&o)
		if setup != nil {
			setup()
		}
		src, err := New(o)
		if err == nil {
			_, err = src.Fetch(context.Background(), Request{LastApplied: first, Force: true})
		}
		errs = append(errs, err)
	}
	try(func(o *Options) { o.Ref = "missing" }, nil)
	try(func(o *Options) { o.Ref = strings.Repeat("cd", 20) }, nil)
	try(func(o *Options) { o.Path = "missing.yaml"; o.Ref = first }, nil)
	try(func(o *Options) { o.URL = strings.Replace(inURL, "fleet.git", "gone.git", 1) }, nil)
	try(func(o *Options) { o.URL, o.Auth = r.url, Auth{Username: "x", Password: token + "-wrong"} }, nil)
	try(func(o *Options) {}, func() { r.srv.FailUploadPack.Store(true); r.repo.Commit(fleet("c"), "c") })
	try(func(o *Options) { o.Timeout = 200 * time.Millisecond }, func() { r.srv.Hang.Store(true) })
	try(func(o *Options) { o.URL = "https://" + token + "@127.0.0.1:1/x.git" }, nil)
	r.srv.Hang.Store(false)
	r.srv.Close()
	try(func(o *Options) {}, nil)

	failures := 0
	for i, err := range errs {
		for _, e := range chain(err) {
			if strings.Contains(e.Error(), token) {
				t.Errorf("attempt %d: token in error %q", i, e)
			}
		}
		if err != nil {
			failures++
		}
	}
	if failures != len(errs) {
		t.Errorf("%d of %d attempts failed; each was meant to fail: %v", failures, len(errs), errs)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("token in logs:\n%s", logs)
	}
	if !errors.Is(errs[len(errs)-5], ErrAuthFailed) {
		t.Errorf("wrong token: %v", errs[len(errs)-5])
	}
}

func TestScrubURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://user:tok@gitlab.example.com/g/r.git": "https://***@gitlab.example.com/g/r.git",
		"https://glpat-abc@gitlab.example.com/r.git":  "https://***@gitlab.example.com/r.git",
		"fetch http://a:b@h/x failed, see http://h/y": "fetch http://***@h/x failed, see http://h/y",
		"ssh://git:pw@host/r.git":                     "ssh://git@host/r.git",
		"ssh://git@host/r.git":                        "ssh://git@host/r.git",
		"git@host:group/r.git":                        "git@host:group/r.git",
		"/srv/git/r.git":                              "/srv/git/r.git",
	} {
		if got := ScrubURL(in); got != want {
			t.Errorf("ScrubURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCredentialsInURLAreUsedAndHidden(t *testing.T) {
	t.Parallel()
	r := newRemote(t, "http")
	sha := r.repo.Commit(fleet("a"), "first")
	withCreds := strings.Replace(r.url, "://", "://"+r.srv.User+":"+r.srv.Password+"@", 1)
	src, err := New(Options{URL: withCreds, Ref: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if src.URL() != r.url {
		t.Errorf("URL() = %q, want %q", src.URL(), r.url)
	}
	res, err := src.Fetch(context.Background(), Request{})
	if err != nil || res.Commit != sha {
		t.Fatalf("got %+v %v", res, err)
	}
}
