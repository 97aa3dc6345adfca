// Package workspaces knows where rendered files live on disk and writes them so that a reader
// never sees half of a change: each file is written to a temporary file, synced and renamed,
// and a whole tree is built beside its target and swapped in.
package workspaces

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// WriteFile writes data to path atomically: temp file in the same directory, fsync, rename,
// fsync of the directory. A crash leaves either the old or the new file, never a mix.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("unable to write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := writeSynced(tmp, data, perm); err != nil {
		return fmt.Errorf("unable to write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("unable to write %s: %w", path, err)
	}
	return syncDir(dir)
}

func writeSynced(f *os.File, data []byte, perm os.FileMode) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("unable to sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("unable to sync %s: %w", dir, err)
	}
	return nil
}

// ReplaceTree makes dir hold exactly files (slash-separated relative paths), atomically as far
// as a reader of dir is concerned: the tree is written into a sibling temporary directory and
// renamed over dir; the previous tree is removed only once the new one is in place. On any
// error dir is left as it was.
func ReplaceTree(dir string, files map[string][]byte, perm os.FileMode) error {
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("unable to create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-*")
	if err != nil {
		return fmt.Errorf("unable to write %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := writeAll(tmp, files, perm); err != nil {
		return fmt.Errorf("unable to write %s: %w", dir, err)
	}
	return swap(tmp, dir)
}

func writeAll(root string, files map[string][]byte, perm os.FileMode) error {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[p], perm); err != nil {
			return err
		}
	}
	return nil
}

// swap moves the new tree into place. On Linux an existing tree is exchanged with the new one
// in one renameat2(RENAME_EXCHANGE), so dir always exists; elsewhere (or on filesystems
// without it) the old tree is moved aside first and put back if the second rename fails.
func swap(tmp, dir string) error {
	if _, err := os.Lstat(dir); err != nil {
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("unable to replace %s: %w", dir, err)
		}
		return syncDir(filepath.Dir(dir))
	}
	if err := exchange(tmp, dir); err != nil {
		if err := swapAside(tmp, dir); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(tmp); err != nil { // tmp now holds the previous tree
		return fmt.Errorf("unable to remove the previous %s: %w", dir, err)
	}
	return syncDir(filepath.Dir(dir))
}

func swapAside(tmp, dir string) error {
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("unable to replace %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.Rename(old, dir) // put the previous tree back
		return fmt.Errorf("unable to replace %s: %w", dir, err)
	}
	return os.Rename(old, tmp)
}
