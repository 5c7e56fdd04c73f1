package runner

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/oomlab/oomlab/runner/evidence"
	"github.com/oomlab/oomlab/runner/gctrace"
)

// pythonPreloadDir is the folder of the run's scratch directory that
// holds the Python preload as sitecustomize.py (one for every target).
const pythonPreloadDir = "oomlab-python"

// pythonEnv puts the GC preload first on a Python target's PYTHONPATH
// (gctrace.PythonPreload).
func (h *harness) pythonEnv(env []string) ([]string, error) {
	var dir string
	err := h.scratch.use(func(root string) error {
		dir = filepath.Join(root, pythonPreloadDir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("runner: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, "sitecustomize.py"), gctrace.PythonPreload, 0o644); err != nil {
			return fmt.Errorf("runner: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gctrace.WithPythonPath(env, dir), nil
}

// pythonEvidenceEnv prepares a Python target's tracemalloc readings, when
// the scenario asks for them: the folder its processes answer in, and
// the environment that tells the preload to start tracemalloc.
func (r *targetRun) pythonEvidenceEnv(env []string, scratch string) ([]string, error) {
	dir := filepath.Join(scratch, r.t.Name+"-py")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	env, err := evidence.PythonEnv(env, dir)
	if err != nil {
		return nil, err
	}
	r.ev.pythonDir = dir
	return env, nil
}
