package results

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ErrNotOurs is returned (wrapped) when an output would replace something
// oomlab did not write: a symbolic link, a device, a directory, a file
// with other hard links or another owner. oomlab runs as root; it never
// writes through such a name.
var ErrNotOurs = errors.New("results: refusing to overwrite a file oomlab did not write")

// OutDir is a directory oomlab writes its outputs into: results.json, the
// CSVs, plots, report.html, summary.md. Every file is created with
// O_CREAT|O_EXCL|O_NOFOLLOW through an os.Root, so no symbolic link, in
// the name or in a path inside the directory, is ever followed; a file
// that already exists is replaced (by rename, never written through) only
// when it is one oomlab could have written: a regular file with one link,
// owned by the effective user. Close must be called once.
type OutDir struct {
	path string
	root *os.Root
}

// CreateOutDir makes path (with its missing parents, mode 0755) and opens
// it with OpenOutDir.
func CreateOutDir(path string) (*OutDir, error) {
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(path)), 0o755); err != nil {
		return nil, fmt.Errorf("results: output directory: %w", err)
	}
	if err := os.Mkdir(path, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("results: output directory: %w", err)
	}
	return OpenOutDir(path)
}

// CreateUniqueOutDir makes a new directory under parent named
// prefix-XXXXXXXX, the X's random: a name nobody can guess and place a
// link at beforehand. Mode 0755; parent is made when missing.
func CreateUniqueOutDir(parent, prefix string) (*OutDir, error) {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("results: output directory: %w", err)
	}
	var b [4]byte
	for range 10 {
		rand.Read(b[:])
		path := filepath.Join(parent, prefix+"-"+hex.EncodeToString(b[:]))
		err := os.Mkdir(path, 0o755)
		if err == nil {
			return OpenOutDir(path)
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("results: output directory: %w", err)
		}
	}
	return nil, fmt.Errorf("results: output directory: no free name for %s under %s", prefix, parent)
}

// OpenOutDir opens an existing output directory. path itself must be a
// directory, not a symbolic link to one.
func OpenOutDir(path string) (*OutDir, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("results: output directory: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("results: output directory %s is a symbolic link: give the directory it points to", path)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("results: output directory %s is not a directory", path)
	}
	root, err := os.OpenRoot(path)
	if err != nil {
		return nil, fmt.Errorf("results: output directory: %w", err)
	}
	return &OutDir{path: path, root: root}, nil
}

// Path returns the directory's path as given.
func (d *OutDir) Path() string { return d.path }

// Join returns the path of name inside the directory, for messages.
func (d *OutDir) Join(name string) string { return filepath.Join(d.path, name) }

// Close releases the directory.
func (d *OutDir) Close() error { return d.root.Close() }

// checkReplace returns nil when name does not exist or is a file oomlab
// may replace, and an error wrapping ErrNotOurs otherwise.
func (d *OutDir) checkReplace(name string) error {
	fi, err := d.root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("results: %s: %w", d.Join(name), err)
	}
	why := ""
	st, _ := fi.Sys().(*syscall.Stat_t)
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		why = "a symbolic link"
	case !fi.Mode().IsRegular():
		why = "not a regular file"
	case st != nil && st.Nlink > 1:
		why = "a file with other hard links"
	case st != nil && int(st.Uid) != os.Geteuid():
		why = fmt.Sprintf("owned by uid %d", st.Uid)
	default:
		return nil
	}
	return fmt.Errorf("%w: %s is %s", ErrNotOurs, d.Join(name), why)
}

// Create creates name for writing, replacing a file oomlab wrote before
// (see OutDir). The caller closes the file.
func (d *OutDir) Create(name string) (*os.File, error) {
	if err := d.checkReplace(name); err != nil {
		return nil, err
	}
	if err := d.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("results: %w", err)
	}
	f, err := d.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return nil, fmt.Errorf("results: creating %s: %w", d.Join(name), err)
	}
	return f, nil
}

// WriteFile writes data to name atomically: a new temporary file in the
// directory, synced, renamed over name, then the directory synced so the
// rename itself survives a crash. A reader sees the old file or the new
// one, never half of one.
func (d *OutDir) WriteFile(name string, data []byte) error {
	if err := d.checkReplace(name); err != nil {
		return err
	}
	var b [6]byte
	rand.Read(b[:])
	sub, base := filepath.Split(name)
	tmp := sub + "." + base + "-" + hex.EncodeToString(b[:]) + ".tmp"
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return fmt.Errorf("results: writing %s: %w", d.Join(name), err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = d.root.Rename(tmp, name)
	}
	if err == nil {
		err = d.Sync()
	}
	if err != nil {
		d.root.Remove(tmp)
		return fmt.Errorf("results: writing %s: %w", d.Join(name), err)
	}
	return nil
}

// Sync flushes the directory's entries (renames, new files) to disk.
func (d *OutDir) Sync() error {
	f, err := d.root.Open(".")
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// MkdirAll makes the directory name inside the directory, with its
// parents, mode 0755; no link on the way is followed out of it.
func (d *OutDir) MkdirAll(name string) error {
	if err := d.root.MkdirAll(name, 0o755); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// WriteFileIn writes data to name (which may name a subdirectory, made
// when missing) inside the output directory dir, as OutDir.WriteFile does:
// for writers that write one file now and then (evidence, edge.json).
func WriteFileIn(dir, name string, data []byte) error {
	d, err := CreateOutDir(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if sub := filepath.Dir(name); sub != "." {
		if err := d.MkdirAll(sub); err != nil {
			return err
		}
	}
	return d.WriteFile(name, data)
}
