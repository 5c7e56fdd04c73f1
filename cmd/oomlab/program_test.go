package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMissingProgram: a misspelt program is refused by validate (exit 2,
// with a did-you-mean from PATH) and, given with --target, by run, once
// and plainly, before anything starts: no internal prefixes, no output
// folder, no empty report.
func TestMissingProgram(t *testing.T) {
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "python3"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + bin}
	dir := t.TempDir()
	file := writeFile(t, dir, "typo.yaml", "name: typo\nload:\n  stages: [{rate: 1, duration: 1s}]\ntargets:\n  - name: mine\n    command: pyhton3 naive.py\n")
	const want = `targets[0].command: mine: program "pyhton3" is not in PATH (did you mean python3?)`
	text, code := oomlabEnv(t, env, "validate", file)
	if code != exitBadInput || !strings.Contains(text, want) {
		t.Errorf("validate: exit %d; want %d saying %s\n%s", code, exitBadInput, want, text)
	}

	out := filepath.Join(dir, "out")
	text, code = oomlabEnv(t, env, "run", "upload-proxy", "--target", "upload-naive=pyhton3 naive.py", "--out", out)
	const wantRun = `oomlab: upload-proxy: targets[0].command: upload-naive: program "pyhton3" is not in PATH (did you mean python3?)`
	if code != exitBadInput || strings.TrimSpace(text) != wantRun {
		t.Errorf("run --target upload-naive=pyhton3…: exit %d; want %d and only\n%s\ngot:\n%s", code, exitBadInput, wantRun, text)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("run wrote %s (%v); want nothing written when nothing could start", out, err)
	}
}
