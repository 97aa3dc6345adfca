package gitsource

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// maxPacks bounds the packs a cache collects (one per fetch) before it is cloned afresh,
// which for a shallow clone costs about one fetch.
const maxPacks = 64

// cacheRepoDir is the clone inside Options.CacheDir; temporary clones sit beside it.
const cacheRepoDir = "repo"

// store is the repository a Fetch works in: in memory, the cache, or a new clone in a
// temporary directory that is renamed into place when it is complete.
type store struct {
	repo  *git.Repository
	dir   string // "" in memory
	final string // set when dir is temporary
}

// keep moves a temporary clone into place.
func (st *store) keep() error {
	if st.final == "" {
		return nil
	}
	if err := os.Rename(st.dir, st.final); err != nil {
		return fmt.Errorf("unable to move git cache into place: %w", err)
	}
	st.final = ""
	return nil
}

// discard removes a temporary clone that was not kept.
func (st *store) discard() {
	if st.final != "" {
		_ = os.RemoveAll(st.dir)
	}
}

func (st *store) fresh() bool { return st.dir == "" || st.final != "" }

func (s *Source) openStore() (*store, error) {
	if s.opts.CacheDir == "" {
		repo, err := git.Init(memory.NewStorage(), nil)
		if err == nil {
			err = s.addOrigin(repo)
		}
		if err != nil {
			return nil, fmt.Errorf("unable to create in-memory repository: %w", err)
		}
		return &store{repo: repo}, nil
	}
	final := filepath.Join(s.opts.CacheDir, cacheRepoDir)
	s.removeTemps()
	if _, err := os.Stat(final); err == nil {
		repo, err := s.openCache(final)
		if err == nil {
			return &store{repo: repo, dir: final}, nil
		}
		s.dropCache(err)
	}
	return s.newClone(final)
}

// dropCache removes the cache directory, saying why.
func (s *Source) dropCache(reason error) {
	final := filepath.Join(s.opts.CacheDir, cacheRepoDir)
	s.log.Warn("removing git cache and cloning afresh", "dir", final, "reason", s.scrub.String(reason.Error()))
	if err := os.RemoveAll(final); err != nil {
		s.log.Error("unable to remove git cache", "dir", final, "err", err.Error())
	}
}

// removeTemps deletes temporary clones left by a run that was killed.
func (s *Source) removeTemps() {
	tmps, _ := filepath.Glob(filepath.Join(s.opts.CacheDir, "tmp-*"))
	for _, t := range tmps {
		_ = os.RemoveAll(t)
	}
}

func (s *Source) newClone(final string) (*store, error) {
	if err := os.MkdirAll(s.opts.CacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("unable to create git cache: %w", err)
	}
	dir, err := os.MkdirTemp(s.opts.CacheDir, "tmp-")
	if err != nil {
		return nil, fmt.Errorf("unable to create git cache: %w", err)
	}
	repo, err := git.PlainInit(dir, true)
	if err == nil {
		err = s.addOrigin(repo)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("unable to create git cache: %w", err)
	}
	return &store{repo: repo, dir: dir, final: final}, nil
}

func (s *Source) addOrigin(repo *git.Repository) error {
	_, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{s.remote.clean}})
	return err
}

// openCache opens the cache and checks that it is a sound clone of this repository.
func (s *Source) openCache(dir string) (*git.Repository, error) {
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return nil, fmt.Errorf("cache is not a git repository: %w", err)
	}
	origin, err := repo.Remote("origin")
	if err != nil || len(origin.Config().URLs) != 1 || origin.Config().URLs[0] != s.remote.clean {
		return nil, errors.New("cache is a clone of another repository")
	}
	packs, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*.pack"))
	if len(packs) > maxPacks {
		return nil, fmt.Errorf("cache holds %d packs (more than %d)", len(packs), maxPacks)
	}
	return repo, checkRefs(repo)
}

// checkRefs reads the commit and root tree of every ref, which catches missing or damaged
// objects and packs.
func checkRefs(repo *git.Repository) error {
	refs, err := repo.Storer.IterReferences()
	if err != nil {
		return fmt.Errorf("cache refs are unreadable: %w", err)
	}
	return refs.ForEach(func(r *plumbing.Reference) error {
		if r.Type() != plumbing.HashReference || !strings.HasPrefix(r.Name().String(), "refs/") {
			return nil
		}
		c, err := peel(repo, r.Hash())
		if err == nil {
			_, err = c.Tree()
		}
		if err != nil {
			return fmt.Errorf("cache ref %s is damaged: %w", r.Name(), err)
		}
		return nil
	})
}

// peel returns the commit h names, through annotated tags.
func peel(repo *git.Repository, h plumbing.Hash) (*object.Commit, error) {
	obj, err := repo.Storer.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return nil, err
	}
	if obj.Type() == plumbing.TagObject {
		tag, err := object.DecodeTag(repo.Storer, obj)
		if err != nil {
			return nil, err
		}
		return tag.Commit()
	}
	return object.DecodeCommit(repo.Storer, obj)
}
