package runner

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestScratchDir: parallel users share one directory, made on first use;
// remove takes it and all it holds away, and may be repeated.
func TestScratchDir(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var s scratchDir
	if err := s.remove(); err != nil {
		t.Fatalf("remove before use = %v; want nil", err)
	}
	paths := make([]string, 4)
	var wg sync.WaitGroup
	for i := range paths {
		wg.Go(func() {
			p, err := s.file(string(rune('a'+i))+".js", []byte("x"))
			if err != nil {
				t.Error(err)
			}
			paths[i] = p
		})
	}
	wg.Wait()
	dir := filepath.Dir(paths[0])
	for _, p := range paths {
		if filepath.Dir(p) != dir {
			t.Errorf("file %s not in %s; want one directory for all", p, dir)
		}
	}
	if !strings.HasPrefix(filepath.Base(dir), scratchPrefix) {
		t.Errorf("directory %s; want it named %s*", dir, scratchPrefix)
	}
	if err := s.use(func(d string) error {
		if d != dir {
			t.Errorf("use gave %s; want %s", d, dir)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("after remove, stat %s = %v; want it gone", dir, err)
	}
	if err := s.remove(); err != nil {
		t.Errorf("second remove = %v; want nil", err)
	}
}
