package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

// TestWriteUserFile checks that files the user names (--junit, baseline
// save) are written as every output is: never through a symbolic link or
// over a file oomlab could not have written, while a file it wrote before
// is replaced.
func TestWriteUserFile(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "junit.xml")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "base.json")
	if err := os.Link(victim, hard); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		wantErr bool
	}{
		{name: "symbolic link", path: link, wantErr: true},
		{name: "hard link", path: hard, wantErr: true},
		{name: "new file", path: filepath.Join(dir, "out", "junit.xml")},
		{name: "its own file again", path: filepath.Join(dir, "out", "junit.xml")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := writeUserFile(tt.path, []byte("new"))
			if tt.wantErr {
				if !errors.Is(err, results.ErrNotOurs) {
					t.Errorf("writeUserFile(%s) = %v; want ErrNotOurs", tt.name, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("writeUserFile(%s) = %v; want nil", tt.name, err)
			}
			if b, _ := os.ReadFile(tt.path); string(b) != "new" {
				t.Errorf("%s holds %q; want %q", tt.path, b, "new")
			}
		})
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("victim = %q; want it untouched", b)
	}
	if err := appendBytes(link, []byte("x")); err == nil {
		t.Errorf("appendBytes through a symbolic link = nil; want an error")
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("victim = %q after the append; want it untouched", b)
	}
}
