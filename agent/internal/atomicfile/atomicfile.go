// Package atomicfile writes and moves files so that a crash or power cut
// leaves either the old state or the new one on disk, never a torn file or a
// rename that is lost: data is fsynced before the rename, and the directory
// after it. Every file the agent writes goes through here.
package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// TempPrefix starts the name of a file being written. A crash may leave one
// behind; owners of a directory remove such files when they open it.
const TempPrefix = ".tmp-"

// Write replaces path with data, with permissions perm.
func Write(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err := SyncDir(dir); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	return nil
}

// Move renames from to to and makes the rename durable in both directories.
func Move(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("atomicfile: move: %w", err)
	}
	err := SyncDir(filepath.Dir(to))
	if fromDir := filepath.Dir(from); err == nil && fromDir != filepath.Dir(to) {
		err = SyncDir(fromDir)
	}
	if err != nil {
		return fmt.Errorf("atomicfile: move %s: %w", from, err)
	}
	return nil
}

// SyncDir makes the creation, rename or removal of entries in dir durable.
// Windows cannot fsync a directory and does not need to.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	return nil
}
