package gitsource

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// target is the commit a ref names on the remote.
type target struct {
	name plumbing.ReferenceName // remote ref name; empty for a pinned SHA
	hash plumbing.Hash          // the commit (tags peeled)
}

// localName is where the fetched ref is kept in the cache.
func (t target) localName() plumbing.ReferenceName {
	switch {
	case t.name == "":
		return plumbing.ReferenceName("refs/runnerfleet/pinned/" + t.hash.String())
	case t.name.IsBranch():
		return plumbing.NewRemoteReferenceName("origin", t.name.Short())
	}
	return t.name
}

func (t target) refSpec() config.RefSpec {
	if t.name == "" {
		return config.RefSpec(t.hash.String() + ":" + t.localName().String())
	}
	return config.RefSpec("+" + t.name.String() + ":" + t.localName().String())
}

// pinned reports whether the ref is a full commit SHA, which needs no ls-remote.
func pinned(ref string) (target, bool) {
	ref = strings.ToLower(ref)
	if !fullSHA.MatchString(ref) {
		return target{}, false
	}
	return target{hash: plumbing.NewHash(ref)}, true
}

// resolve finds the commit the configured ref names on the remote.
func (s *Source) resolve(ctx context.Context) (target, error) {
	if t, ok := pinned(s.opts.Ref); ok {
		return t, nil
	}
	sess, err := s.openSession(ctx)
	if err != nil {
		return target{}, err
	}
	s.sess = sess
	refs, err := sess.refs()
	if err != nil {
		return target{}, s.failure(ctx, "list remote refs of "+s.remote.clean, err)
	}
	byName := make(map[plumbing.ReferenceName]*plumbing.Reference, len(refs))
	for _, r := range refs {
		byName[r.Name()] = r
	}
	for _, name := range s.candidates(byName) {
		if t, ok := lookup(byName, name); ok {
			return t, nil
		}
	}
	return target{}, fmt.Errorf("unable to resolve ref %q in %s: %w (use a branch, a tag or a full commit SHA)",
		s.opts.Ref, s.remote.clean, ErrRefNotFound)
}

// candidates are the remote ref names the configured ref may mean, in order of preference.
func (s *Source) candidates(refs map[plumbing.ReferenceName]*plumbing.Reference) []plumbing.ReferenceName {
	ref := s.opts.Ref
	switch {
	case ref == "" || ref == "HEAD":
		return []plumbing.ReferenceName{headTarget(refs)}
	case strings.HasPrefix(ref, "refs/"):
		return []plumbing.ReferenceName{plumbing.ReferenceName(ref)}
	}
	return []plumbing.ReferenceName{plumbing.NewBranchReferenceName(ref), plumbing.NewTagReferenceName(ref)}
}

// headTarget is the branch the remote's HEAD points to.
func headTarget(refs map[plumbing.ReferenceName]*plumbing.Reference) plumbing.ReferenceName {
	head, ok := refs[plumbing.HEAD]
	if !ok {
		return ""
	}
	if head.Type() == plumbing.SymbolicReference {
		return head.Target()
	}
	for _, name := range []string{"main", "master"} {
		if r, ok := refs[plumbing.NewBranchReferenceName(name)]; ok && r.Hash() == head.Hash() {
			return r.Name()
		}
	}
	return ""
}

// lookup returns the target for name, peeling an annotated tag to its commit.
func lookup(refs map[plumbing.ReferenceName]*plumbing.Reference, name plumbing.ReferenceName) (target, bool) {
	r, ok := refs[name]
	if !ok || name == "" {
		return target{}, false
	}
	if r.Type() == plumbing.SymbolicReference {
		if r, ok = refs[r.Target()]; !ok {
			return target{}, false
		}
		name = r.Name()
	}
	t := target{name: name, hash: r.Hash()}
	if peeled, ok := refs[name+"^{}"]; ok {
		t.hash = peeled.Hash()
	}
	return t, true
}
