// Package atomicfile is harmonic's one atomic file writer: a reader (or a run
// interrupted by Ctrl-C or a crash) sees either the old file or the complete
// new one, never part of it.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Mode is the permission every file written here gets. os.CreateTemp makes
// its files 0600; results, checkpoints and figures are meant to be read by
// others (a shared cluster folder), as os.Create's 0666 under the usual umask
// would give.
const Mode = 0o644

// Write writes path through a temporary file in the same directory: write
// fills it through a buffered writer, then the file is flushed, fsynced,
// given Mode, closed and renamed over path, and the directory is fsynced
// (best effort: failing to sync a directory only weakens durability). On any
// error the temporary file is removed and path is left as it was. Errors name
// path. The directory must exist.
func Write(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+tempInfix+"*")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("%s: %w", path, err)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(Mode); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// tempInfix sits between the target's name and os.CreateTemp's random
// digits in a temporary file's name: .NAME.tmpDIGITS.
const tempInfix = ".tmp"

// IsTemp reports whether the base name is one of Write's temporary files:
// what a process killed (kill -9, power loss) during Write leaves behind.
func IsTemp(name string) bool {
	i := strings.LastIndex(name, tempInfix)
	if !strings.HasPrefix(name, ".") || i < 2 || i+len(tempInfix) == len(name) {
		return false
	}
	for _, c := range name[i+len(tempInfix):] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// RemoveTemps deletes the temporary files of Write under dir, at any
// depth, and returns how many it removed. Call it only where no other
// process writes: a temporary file may be another writer's, still open.
func RemoveTemps(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && IsTemp(d.Name()) {
			if err := os.Remove(path); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// WriteFile writes data to path atomically (see Write).
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// syncDir makes the rename durable where the OS supports syncing a
// directory; failure only weakens durability, never correctness.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
