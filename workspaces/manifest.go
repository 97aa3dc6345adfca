package workspaces

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
)

// Manifest records what was last applied to one target (the manager stack, or one manager's
// runner config dir): the commit and the sha256 of every file.
type Manifest struct {
	Commit string            `json:"commit"`
	Files  map[string]string `json:"files"` // slash path → hex sha256
}

// Hash is the hex sha256 of b.
func Hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// NewManifest hashes files.
func NewManifest(commit string, files map[string][]byte) Manifest {
	m := Manifest{Commit: commit, Files: make(map[string]string, len(files))}
	for p, b := range files {
		m.Files[p] = Hash(b)
	}
	return m
}

// Changes is what differs between two manifests, each list sorted.
type Changes struct {
	Added, Changed, Removed []string
}

// Empty reports whether nothing differs.
func (c Changes) Empty() bool { return len(c.Added)+len(c.Changed)+len(c.Removed) == 0 }

// Diff compares the files of old and new (commits are not compared).
func Diff(old, new Manifest) Changes {
	var c Changes
	for p, h := range new.Files {
		switch oh, ok := old.Files[p]; {
		case !ok:
			c.Added = append(c.Added, p)
		case oh != h:
			c.Changed = append(c.Changed, p)
		}
	}
	for p := range old.Files {
		if _, ok := new.Files[p]; !ok {
			c.Removed = append(c.Removed, p)
		}
	}
	sort.Strings(c.Added)
	sort.Strings(c.Changed)
	sort.Strings(c.Removed)
	return c
}
