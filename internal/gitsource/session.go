package gitsource

import (
	"context"
	"errors"
	"io"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
)

// session is one upload-pack conversation: the ref advertisement that the unchanged shortcut
// reads is kept, so that the fetch that follows a new commit asks for the pack on the same
// session instead of having the server advertise its refs a second time (over HTTP that is
// one request fewer; locally and over SSH one process or channel fewer).
type session struct {
	up  transport.UploadPackSession
	adv *packp.AdvRefs
}

// openSession connects and reads the ref advertisement, the `git ls-remote` equivalent.
func (s *Source) openSession(ctx context.Context) (*session, error) {
	what := "list remote refs of " + s.remote.clean
	ep, err := transport.NewEndpoint(s.remote.clean)
	if err != nil {
		return nil, s.failure(ctx, what, err)
	}
	c, err := client.NewClient(ep)
	if err != nil {
		return nil, s.failure(ctx, what, err)
	}
	up, err := c.NewUploadPackSession(ep, s.auth)
	if err != nil {
		return nil, s.failure(ctx, what, err)
	}
	adv, err := up.AdvertisedReferencesContext(ctx)
	if err != nil {
		up.Close()
		return nil, s.failure(ctx, what, err)
	}
	return &session{up: up, adv: adv}, nil
}

func (ss *session) close() {
	if ss != nil && ss.up != nil {
		_ = ss.up.Close()
		ss.up = nil
	}
}

// refs lists the advertised refs, with a "^{}" entry for each peeled tag.
func (ss *session) refs() ([]*plumbing.Reference, error) {
	all, err := ss.adv.AllReferences()
	if err != nil {
		return nil, err
	}
	var out []*plumbing.Reference
	for _, r := range all {
		out = append(out, r)
	}
	for name, h := range ss.adv.Peeled {
		out = append(out, plumbing.NewReferenceFromStrings(name+"^{}", h.String()))
	}
	return out, nil
}

// tip is the object an advertised ref points at (for an annotated tag, the tag object).
func (ss *session) tip(name plumbing.ReferenceName) (plumbing.Hash, error) {
	all, err := ss.adv.AllReferences()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	r, err := all.Reference(name)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if r.Type() != plumbing.HashReference {
		return plumbing.ZeroHash, plumbing.ErrReferenceNotFound
	}
	return r.Hash(), nil
}

// fetch asks for commit want at depth 1 on the open session and stores the pack in repo,
// as go-git's Remote.Fetch does after its own advertisement. The session is used up.
func (ss *session) fetch(ctx context.Context, repo *git.Repository, want plumbing.Hash) error {
	defer ss.close()
	req, err := ss.request(repo, want)
	if err != nil {
		return err
	}
	resp, err := ss.up.UploadPack(ctx, req)
	if errors.Is(err, transport.ErrEmptyUploadPackRequest) {
		return nil // we have it already
	}
	if err != nil {
		return err
	}
	defer resp.Close()
	if err := addShallows(repo, resp.Shallows); err != nil {
		return err
	}
	return packfile.UpdateObjectStorage(repo.Storer, demux(req.Capabilities, resp))
}

func (ss *session) request(repo *git.Repository, want plumbing.Hash) (*packp.UploadPackRequest, error) {
	req := packp.NewUploadPackRequestFromCapabilities(ss.adv.Capabilities)
	req.Depth = packp.DepthCommits(1)
	if err := req.Capabilities.Set(capability.Shallow); err != nil {
		return nil, err
	}
	if ss.adv.Capabilities.Supports(capability.NoProgress) {
		if err := req.Capabilities.Set(capability.NoProgress); err != nil {
			return nil, err
		}
	}
	shallows, err := repo.Storer.Shallow()
	if err != nil {
		return nil, err
	}
	req.Wants, req.Shallows, req.Haves = []plumbing.Hash{want}, shallows, haves(repo)
	return req, nil
}

// haves are the commits the cache's refs point at, so the server sends only what is new.
func haves(repo *git.Repository) []plumbing.Hash {
	seen := map[plumbing.Hash]bool{}
	var out []plumbing.Hash
	refs, err := repo.References()
	if err != nil {
		return nil
	}
	_ = refs.ForEach(func(r *plumbing.Reference) error {
		h := r.Hash()
		if r.Type() != plumbing.HashReference || seen[h] {
			return nil
		}
		if _, err := object.GetCommit(repo.Storer, h); err == nil {
			seen[h] = true
			out = append(out, h)
		}
		return nil
	})
	return out
}

func addShallows(repo *git.Repository, add []plumbing.Hash) error {
	if len(add) == 0 {
		return nil
	}
	have, err := repo.Storer.Shallow()
	if err != nil {
		return err
	}
	known := map[plumbing.Hash]bool{}
	for _, h := range have {
		known[h] = true
	}
	for _, h := range add {
		if !known[h] {
			have = append(have, h)
		}
	}
	return repo.Storer.SetShallow(have)
}

// demux strips the side-band framing when the request asked for it.
func demux(l *capability.List, r io.Reader) io.Reader {
	switch {
	case l.Supports(capability.Sideband64k):
		return sideband.NewDemuxer(sideband.Sideband64k, r)
	case l.Supports(capability.Sideband):
		return sideband.NewDemuxer(sideband.Sideband, r)
	}
	return r
}
