package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/runnerfleet/runnerfleet/internal/gitsource"
	"github.com/runnerfleet/runnerfleet/internal/report"
)

// planSide is one side's fleet.yaml as read.
type planSide struct {
	side    report.Side
	content []byte
}

// sides reads the base and the merge request's fleet.yaml from --source-dir or --repo.
func (f *planFlags) sides(ctx context.Context, log *slog.Logger) (planSide, planSide, error) {
	switch {
	case f.sourceDir != "" && f.git.repo != "":
		return planSide{}, planSide{}, errors.New("give either --source-dir or --repo, not both")
	case f.sourceDir != "":
		return f.fromCheckout()
	case f.git.repo != "":
		return f.fromRepo(ctx, log)
	}
	return planSide{}, planSide{}, errors.New("nothing to plan: give --source-dir DIR (a checkout) or --repo URL")
}

// defaultBase is the MR's target branch in CI, else main; remote prefixes it for a checkout.
func defaultBase(remote string) string {
	branch := os.Getenv("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
	if branch == "" {
		branch = "main"
	}
	return remote + branch
}

// fromCheckout reads the work tree's file and the same file at --base from the checkout's
// repository, through go-git.
func (f *planFlags) fromCheckout() (planSide, planSide, error) {
	repo, err := git.PlainOpenWithOptions(f.sourceDir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return planSide{}, planSide{}, fmt.Errorf("unable to open the checkout %s: %w", f.sourceDir, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return planSide{}, planSide{}, fmt.Errorf("unable to open the checkout's work tree: %w", err)
	}
	rel, err := repoPath(wt.Filesystem.Root(), f.sourceDir, f.git.path)
	if err != nil {
		return planSide{}, planSide{}, err
	}
	head := planSide{side: report.Side{Ref: "work tree", Path: rel, Exists: true}}
	if ref, err := repo.Head(); err == nil {
		head.side.Commit = ref.Hash().String()
	}
	head.content, err = os.ReadFile(filepath.Join(wt.Filesystem.Root(), filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		head.side.Exists = false
	} else if err != nil {
		return planSide{}, planSide{}, fmt.Errorf("unable to read the merge request's fleet spec: %w", err)
	}
	baseRef := f.base
	if baseRef == "" {
		baseRef = defaultBase("origin/")
	}
	base, err := fileAtRef(repo, baseRef, rel)
	return base, head, err
}

// repoPath is the spec's path relative to the repository root, slash-separated.
func repoPath(root, dir, file string) (string, error) {
	abs, err := filepath.Abs(filepath.Join(dir, filepath.FromSlash(file)))
	if err != nil {
		return "", fmt.Errorf("unable to locate the fleet spec: %w", err)
	}
	rootAbs, _ := filepath.Abs(root)
	if real, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(real, filepath.Base(abs))
	}
	if real, err := filepath.EvalSymlinks(rootAbs); err == nil {
		rootAbs = real
	}
	rel, err := filepath.Rel(rootAbs, abs)
	if err != nil || rel == ".." || filepath.IsAbs(rel) || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator) {
		return "", fmt.Errorf("unable to locate the fleet spec: %s is outside the repository", file)
	}
	return filepath.ToSlash(rel), nil
}

// fileAtRef reads file at ref (a branch, remote branch, tag or SHA) of repo.
func fileAtRef(repo *git.Repository, ref, file string) (planSide, error) {
	s := planSide{side: report.Side{Ref: ref, Path: file}}
	hash, err := repo.ResolveRevision(plumbing.Revision(ref))
	if err != nil {
		return s, fmt.Errorf("unable to resolve the base ref %q: %w (in CI, fetch it first: git fetch origin <branch>)", ref, err)
	}
	commit, err := repo.CommitObject(*hash)
	if err != nil {
		return s, fmt.Errorf("unable to read the base commit %s: %w", hash, err)
	}
	s.side.Commit = commit.Hash.String()
	content, err := readAt(commit, file)
	if errors.Is(err, object.ErrFileNotFound) {
		return s, nil // no fleet.yaml on the base: the merge request adds it
	}
	if err != nil {
		return s, fmt.Errorf("unable to read %s at %s: %w", file, ref, err)
	}
	s.side.Exists, s.content = true, content
	return s, nil
}

func readAt(commit *object.Commit, file string) ([]byte, error) {
	f, err := commit.File(path.Clean(file))
	if err != nil {
		return nil, err
	}
	s, err := f.Contents()
	return []byte(s), err
}

// fromRepo fetches --ref and --base into memory, each with its own gitsource.Source.
func (f *planFlags) fromRepo(ctx context.Context, log *slog.Logger) (planSide, planSide, error) {
	baseRef := f.base
	if baseRef == "" {
		baseRef = defaultBase("")
	}
	head, err := f.fetch(ctx, f.git.ref, log)
	if err != nil {
		return planSide{}, planSide{}, err
	}
	base, err := f.fetch(ctx, baseRef, log)
	return base, head, err
}

func (f *planFlags) fetch(ctx context.Context, ref string, log *slog.Logger) (planSide, error) {
	opts, err := f.git.options("")
	if err != nil {
		return planSide{}, err
	}
	opts.Ref, opts.Logger = ref, log
	src, err := gitsource.New(opts)
	if err != nil {
		return planSide{}, err
	}
	s := planSide{side: report.Side{Ref: ref, Path: f.git.path}}
	res, err := src.Fetch(ctx, gitsource.Request{Force: true})
	if errors.Is(err, gitsource.ErrPathNotFound) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("unable to fetch %s at %s: %w", f.git.path, ref, err)
	}
	s.side.Commit, s.side.Exists, s.content = res.Commit, true, res.Content
	return s, nil
}
