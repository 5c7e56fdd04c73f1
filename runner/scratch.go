package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// scratchDir is the run's one temporary directory: the built-in Node.js
// scripts and the link to their npm packages, the GC-trace preload, and
// Node's memoryUsage files and heap snapshots (evidence). It is made on
// first use and removed by remove, which the harness calls when it
// closes. It is safe for concurrent use: parallel targets share it.
type scratchDir struct {
	mu  sync.Mutex
	dir string // "" until first used
}

// scratchPrefix starts the name of the temporary directory.
const scratchPrefix = "oomlab-fixtures-"

// use calls fn with the directory, made on first use, holding its lock:
// what fn writes there (a script and its node_modules link, a preload and
// the files it reads) is not raced by another target.
func (s *scratchDir) use(fn func(dir string) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir == "" {
		dir, err := os.MkdirTemp("", scratchPrefix)
		if err != nil {
			return fmt.Errorf("runner: %w", err)
		}
		s.dir = dir
	}
	return fn(s.dir)
}

// file writes data to name in the directory and returns its path.
func (s *scratchDir) file(name string, data []byte) (string, error) {
	var path string
	err := s.use(func(dir string) error {
		path = filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("runner: %w", err)
		}
		return nil
	})
	return path, err
}

// remove removes the directory and all it holds; safe to repeat, and on a
// directory never made.
func (s *scratchDir) remove() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir == "" {
		return nil
	}
	err := os.RemoveAll(s.dir)
	s.dir = ""
	return err
}
