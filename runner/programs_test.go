package runner

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/oomlab/oomlab/scenarios"
)

// TestFindProgram: a program not in PATH is named with the nearest one
// that is; a path is checked where the target runs; "$" programs are
// left to run time.
func TestFindProgram(t *testing.T) {
	bin, work := t.TempDir(), t.TempDir()
	for _, name := range []string{"python3", "node", "gunicorn"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(work, "srv"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(work, "naive.py"), []byte("print(1)\n"), 0o644)
	os.Mkdir(filepath.Join(work, "sub"), 0o755)
	tests := []struct {
		prog string
		want string // "" for found
	}{
		{"python3", ""},
		{"pyhton3", `program "pyhton3" is not in PATH (did you mean python3?)`},
		{"gunicron", `program "gunicron" is not in PATH (did you mean gunicorn?)`},
		{"uvicorn-worker-x", `program "uvicorn-worker-x" is not in PATH`},
		{"./srv", ""},
		{"./nope", `program "./nope" does not exist: ` + filepath.Join(work, "nope")},
		{"./naive.py", `program "./naive.py" is not executable (chmod +x ` + filepath.Join(work, "naive.py") + ", or start it with its interpreter)"},
		{"./sub", `program "./sub" is a folder: ` + filepath.Join(work, "sub")},
		{"${SERVER}", ""},
	}
	for _, tt := range tests {
		t.Run(tt.prog, func(t *testing.T) {
			err := findProgram(tt.prog, work, bin)
			got := ""
			if err != nil {
				got = err.Error()
				var pe *ProgramError
				if !errors.As(err, &pe) {
					t.Errorf("findProgram(%q) = %T; want *ProgramError", tt.prog, err)
				}
			}
			if got != tt.want {
				t.Errorf("findProgram(%q) = %q; want %q", tt.prog, got, tt.want)
			}
		})
	}
}

// TestCheckProgram: Check (validate's and run's) refuses a target whose
// program is missing, once, naming the field and target; a target's env
// PATH is where its program is looked up.
func TestCheckProgram(t *testing.T) {
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "python3"), []byte("#!/bin/sh\n"), 0o755)
	sc, err := scenarios.Builtin("upload-proxy")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.ReplaceTargetCommand("upload-naive", []string{"pyhton3", "naive.py"}); err != nil {
		t.Fatal(err)
	}
	sc.Targets[0].Env = map[string]string{"PATH": bin}
	err = Check(sc)
	const want = `targets[0].command: upload-naive: program "pyhton3" is not in PATH (did you mean python3?)`
	if err == nil || !strings.Contains(err.Error(), want) || strings.Count(err.Error(), "pyhton3") != 1 {
		t.Errorf("Check = %v; want one error saying %s", err, want)
	}
	if !scenarios.IsInvalid(err) {
		t.Errorf("Check = %v; want an error matching scenarios.ErrInvalid (exit 2)", err)
	}
	sc.Targets[0].Command[0] = "python3"
	if err := Check(sc); err != nil {
		t.Errorf("Check with python3 in the target's PATH = %v; want nil", err)
	}
}

// TestExecFailure: what exec-in prints when it cannot start a program,
// the line a run shows as the reason: plain, without package prefixes.
func TestExecFailure(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "srv")
	os.WriteFile(script, []byte("#!/nonexistent/python3 -u\nprint(1)\n"), 0o755)
	tests := []struct {
		program string
		err     error
		want    string
	}{
		{"pyhton3", exec.ErrNotFound, "cannot start pyhton3: not found in PATH"},
		{script, syscall.ENOENT, "cannot start " + script + ": its interpreter /nonexistent/python3 (its #! line) does not exist"},
		{"/bin/x", syscall.EACCES, "cannot start /bin/x: permission denied"},
		{"/bin/y", syscall.ENOENT, "cannot start /bin/y: no such file or directory"},
	}
	for _, tt := range tests {
		if got := execFailure(tt.program, tt.err).Error(); got != tt.want {
			t.Errorf("execFailure(%s, %v) = %q; want %q", tt.program, tt.err, got, tt.want)
		}
	}
}
