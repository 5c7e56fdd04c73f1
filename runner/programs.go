package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/oomlab/oomlab/scenarios"
)

// maxPathNames bounds how many PATH entries findProgram reads for its
// did-you-mean: a PATH of a few folders holds a few thousand programs.
const maxPathNames = 20000

// ProgramError is a target's program that cannot be started: not found
// in PATH (with the nearest name that is, when one is close), or a path
// that is missing, a folder or not executable.
type ProgramError struct {
	Program string
	// Why says what is wrong: "is not in PATH", "does not exist: /abs/srv".
	Why string
	// Nearest is a program in PATH whose name is close to Program, or "".
	Nearest string
}

func (e *ProgramError) Error() string {
	msg := fmt.Sprintf("program %q %s", e.Program, e.Why)
	if e.Nearest != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", e.Nearest)
	}
	return msg
}

// findProgram checks that prog can be started as exec-in starts it
// (exec.LookPath in the target's working folder dir, "" for this one,
// and with pathEnv as PATH): a name without "/" is looked up in pathEnv;
// a path, relative to dir, must be an executable file. A program with a
// "$" is expanded at run time and not checked. It returns nil or a
// *ProgramError.
func findProgram(prog, dir, pathEnv string) error {
	if prog == "" || strings.Contains(prog, "$") {
		return nil
	}
	if strings.Contains(prog, "/") {
		p := prog
		if !filepath.IsAbs(p) && dir != "" {
			p = filepath.Join(dir, p)
		}
		fi, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return &ProgramError{Program: prog, Why: "does not exist: " + absOr(p)}
		case err != nil:
			return &ProgramError{Program: prog, Why: "cannot be read: " + err.Error()}
		case fi.IsDir():
			return &ProgramError{Program: prog, Why: "is a folder: " + absOr(p)}
		case fi.Mode().Perm()&0o111 == 0:
			return &ProgramError{Program: prog, Why: "is not executable (chmod +x " + absOr(p) + ", or start it with its interpreter)"}
		}
		return nil
	}
	var names []string
	for _, d := range filepath.SplitList(pathEnv) {
		if d == "" {
			d = "."
		}
		if isExecutable(filepath.Join(d, prog)) {
			return nil
		}
		if len(names) < maxPathNames {
			names = append(names, executablesIn(d, maxPathNames-len(names))...)
		}
	}
	return &ProgramError{Program: prog, Why: "is not in PATH", Nearest: scenarios.Nearest(prog, names)}
}

// isExecutable reports whether p is a file with an execute bit.
func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode().Perm()&0o111 != 0
}

// executablesIn lists up to n names of the folder d (unreadable: none);
// which are executable is not checked, for speed: they are only
// suggestions.
func executablesIn(d string, n int) []string {
	f, err := os.Open(d)
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(n)
	return names
}

// absOr is p made absolute, or p when it cannot be.
func absOr(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// targetPath is the PATH a target's program is looked up in: its env's
// PATH when the scenario sets one, the harness's otherwise.
func targetPath(t scenarios.Target) string {
	if p, ok := t.Env["PATH"]; ok {
		return p
	}
	return os.Getenv("PATH")
}
