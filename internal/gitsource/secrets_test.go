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

// tokenProbe makes fetches that fail in every way, with the token in the URL.
type tokenProbe struct {
	t     *testing.T
	r     remote
	inURL string
	first string
	logs  *logBuffer
	errs  []error
}

func (p *tokenProbe) try(mutate func(o *Options), setup func()) {
	o := p.r.options(p.t.TempDir(), p.logs)
	o.URL, o.Auth = p.inURL, Auth{}
	mutate(&o)
	if setup != nil {
		setup()
	}
	src, err := New(o)
	if err == nil {
		_, err = src.Fetch(context.Background(), Request{LastApplied: p.first, Force: true})
	}
	p.errs = append(p.errs, err)
}

func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	r := newRemote(t, "http")
	token := r.srv.Password
	p := &tokenProbe{t: t, r: r, logs: &logBuffer{}, first: r.repo.Commit(fleet("a"), "first"),
		inURL: strings.Replace(r.url, "://", "://"+r.srv.User+":"+token+"@", 1)}
	r.repo.Commit(fleet("b"), "b")
	p.try(func(o *Options) { o.Ref = "missing" }, nil)
	p.try(func(o *Options) { o.Ref = strings.Repeat("cd", 20) }, nil)
	p.try(func(o *Options) { o.Path = "missing.yaml" }, nil)
	p.try(func(o *Options) { o.URL = strings.Replace(p.inURL, "fleet.git", "gone.git", 1) }, nil)
	p.try(func(o *Options) { o.URL, o.Auth = r.url, Auth{Username: "x", Password: token + "-wrong"} }, nil)
	p.try(func(o *Options) {}, func() { r.srv.FailUploadPack.Store(true) })
	p.try(func(o *Options) { o.Timeout = 200 * time.Millisecond }, func() { r.srv.Hang.Store(true) })
	p.try(func(o *Options) { o.URL = "https://" + token + "@127.0.0.1:1/x.git" }, nil)
	r.srv.Hang.Store(false)
	r.srv.Close()
	p.try(func(o *Options) {}, nil)

	for i, err := range p.errs {
		if err == nil {
			t.Errorf("attempt %d succeeded; each was meant to fail", i)
		}
		for _, e := range chain(err) {
			if strings.Contains(e.Error(), token) {
				t.Errorf("attempt %d: token in error %q", i, e)
			}
		}
	}
	if strings.Contains(p.logs.String(), token) {
		t.Errorf("token in logs:\n%s", p.logs)
	}
	if !errors.Is(p.errs[4], ErrAuthFailed) {
		t.Errorf("wrong token: %v", p.errs[4])
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
