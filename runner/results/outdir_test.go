package results

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOutDirRefusesWhatItDidNotWrite plants, where an output goes, each
// thing a hostile user of a shared directory could: the write must fail
// naming the file, and the victim must be untouched.
func TestOutDirRefusesWhatItDidNotWrite(t *testing.T) {
	tests := []struct {
		name  string
		plant func(t *testing.T, dir, victim string) // makes dir/summary.md
		want  string
	}{
		{name: "symlink", want: "a symbolic link", plant: func(t *testing.T, dir, victim string) {
			must(t, os.Symlink(victim, filepath.Join(dir, "summary.md")))
		}},
		{name: "dangling symlink", want: "a symbolic link", plant: func(t *testing.T, dir, _ string) {
			must(t, os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "summary.md")))
		}},
		{name: "hard link", want: "other hard links", plant: func(t *testing.T, dir, victim string) {
			must(t, os.Link(victim, filepath.Join(dir, "summary.md")))
		}},
		{name: "fifo", want: "not a regular file", plant: func(t *testing.T, dir, _ string) {
			must(t, syscall.Mkfifo(filepath.Join(dir, "summary.md"), 0o644))
		}},
		{name: "directory", want: "not a regular file", plant: func(t *testing.T, dir, _ string) {
			must(t, os.Mkdir(filepath.Join(dir, "summary.md"), 0o755))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, victim := t.TempDir(), filepath.Join(t.TempDir(), "victim")
			must(t, os.WriteFile(victim, []byte("precious"), 0o644))
			tt.plant(t, dir, victim)
			d, err := OpenOutDir(dir)
			must(t, err)
			defer d.Close()
			for _, write := range []func() error{
				func() error { return d.WriteFile("summary.md", []byte("oomlab")) },
				func() error { f, err := d.Create("summary.md"); closeIf(f); return err },
			} {
				err := write()
				if !errors.Is(err, ErrNotOurs) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "summary.md") {
					t.Errorf("write over %s = %v; want ErrNotOurs naming summary.md, %q", tt.name, err, tt.want)
				}
			}
			if b, _ := os.ReadFile(victim); string(b) != "precious" {
				t.Errorf("victim = %q; want it untouched", b)
			}
		})
	}
}

// TestOutDirReplacesItsOwn: a second report over a run's folder replaces
// the files the first wrote, leaving no temporary file behind.
func TestOutDirReplacesItsOwn(t *testing.T) {
	dir := t.TempDir()
	d, err := CreateOutDir(filepath.Join(dir, "run"))
	must(t, err)
	defer d.Close()
	for _, s := range []string{"one", "two"} {
		must(t, d.WriteFile(ResultsFile, []byte(s)))
		f, err := d.Create(SamplesFile)
		must(t, err)
		f.WriteString(s)
		must(t, f.Close())
	}
	for _, name := range []string{ResultsFile, SamplesFile} {
		if b, _ := os.ReadFile(filepath.Join(dir, "run", name)); string(b) != "two" {
			t.Errorf("%s = %q; want two", name, b)
		}
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "run"))
	if len(ents) != 2 {
		t.Errorf("run holds %d entries (%v); want 2, no temporary file", len(ents), ents)
	}
}

func TestOpenOutDirRefusesSymlinkedDir(t *testing.T) {
	dir := t.TempDir()
	must(t, os.Symlink(t.TempDir(), filepath.Join(dir, "out")))
	if _, err := OpenOutDir(filepath.Join(dir, "out")); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("OpenOutDir(symlink) = %v; want an error saying it is a symbolic link", err)
	}
	if _, err := CreateOutDir(filepath.Join(dir, "out")); err == nil {
		t.Error("CreateOutDir(symlink) = nil error; want refused")
	}
}

func TestCreateUniqueOutDir(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "oomlab-out")
	seen := map[string]bool{}
	for range 3 {
		d, err := CreateUniqueOutDir(parent, "upload-proxy-20261130-120000")
		must(t, err)
		if seen[d.Path()] || !strings.HasPrefix(filepath.Base(d.Path()), "upload-proxy-20261130-120000-") {
			t.Errorf("CreateUniqueOutDir = %s; want a new name with a random suffix", d.Path())
		}
		seen[d.Path()] = true
		d.Close()
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func closeIf(f *os.File) {
	if f != nil {
		f.Close()
	}
}

// TestWriteFileIn: a file in a subfolder is written, and a subfolder that
// is a link out of the run's folder is refused.
func TestWriteFileIn(t *testing.T) {
	dir := t.TempDir()
	must(t, WriteFileIn(dir, filepath.Join(EvidenceDir, "a-80pct.heap.pb.gz"), []byte("x")))
	if b, _ := os.ReadFile(filepath.Join(dir, EvidenceDir, "a-80pct.heap.pb.gz")); string(b) != "x" {
		t.Errorf("evidence file = %q; want x", b)
	}
	elsewhere := t.TempDir()
	run := t.TempDir()
	must(t, os.Symlink(elsewhere, filepath.Join(run, EvidenceDir)))
	if err := WriteFileIn(run, filepath.Join(EvidenceDir, "b.pb.gz"), []byte("x")); err == nil {
		t.Error("WriteFileIn through a link out of the folder = nil error; want refused")
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("written through the link: %v", ents)
	}
}
