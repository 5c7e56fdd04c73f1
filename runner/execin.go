package runner

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// ExecInCommand is the hidden subcommand that starts a target inside its
// cgroup: "oomlab exec-in PROCS_FILE -- PROGRAM ARGS...".
const ExecInCommand = "exec-in"

// execInArgv wraps argv so that it runs inside the cgroup whose
// cgroup.procs file is procs: the harness starts its own executable as
// the shim, which joins the group and then execs the target in place.
// The pid stays the same, and the target's first instruction, and
// every child it forks however soon, is already inside the group, on
// cgroup v1 as on v2. Without this the target ran outside its limit for
// the moment between its start and being moved.
func execInArgv(exe, procs string, argv []string) []string {
	out := make([]string, 0, len(argv)+4)
	out = append(out, exe, ExecInCommand, procs, "--")
	return append(out, argv...)
}

// ExecIn is the body of "oomlab exec-in PROCS_FILE -- PROGRAM ARGS...":
// it writes the calling process's own pid into PROCS_FILE (a cgroup's
// cgroup.procs: the process moves into that group), then replaces itself
// with PROGRAM (looked up in PATH), keeping the environment. It returns
// only on failure; the caller prints the error and exits non-zero.
func ExecIn(args []string) error {
	if len(args) < 3 || args[1] != "--" || args[2] == "" {
		return errors.New("runner: usage: oomlab exec-in PROCS_FILE -- PROGRAM [ARGS...]")
	}
	procs, argv := args[0], args[2:]
	if err := joinCgroup(procs, os.Getpid()); err != nil {
		return err
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		// What the target's stderr tail shows: said plainly, as
		// findProgram says it before the run.
		return execFailure(argv[0], err)
	}
	if err := syscall.Exec(path, argv, os.Environ()); err != nil {
		return execFailure(path, err)
	}
	return nil // not reached
}

// execFailure words why program could not be started, in one line
// without package prefixes: it is the last line of the target's stderr
// tail, which the run shows as the reason it did not start. A script
// whose "#!" interpreter is missing fails with "no such file or
// directory" although it exists: that is said.
func execFailure(program string, err error) error {
	if errors.Is(err, exec.ErrNotFound) {
		return fmt.Errorf("cannot start %s: not found in PATH", program)
	}
	if errors.Is(err, syscall.ENOENT) {
		if interp := shebang(program); interp != "" {
			return fmt.Errorf("cannot start %s: its interpreter %s (its #! line) does not exist", program, interp)
		}
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Errorf("cannot start %s: %s", program, errno.Error())
	}
	return fmt.Errorf("cannot start %s: %w", program, err)
}

// shebang returns the interpreter named by program's "#!" line, or "".
func shebang(program string) string {
	f, err := os.Open(program)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 256)
	n, _ := f.Read(buf)
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	rest, ok := strings.CutPrefix(line, "#!")
	if !ok {
		return ""
	}
	if fields := strings.Fields(rest); len(fields) > 0 {
		return fields[0]
	}
	return ""
}

// joinCgroup writes pid into a cgroup.procs file, as cgroup.Group.Add does.
func joinCgroup(procs string, pid int) error {
	f, err := os.OpenFile(procs, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("runner: exec-in: joining the cgroup: %w", err)
	}
	_, err = f.Write([]byte(strconv.Itoa(pid) + "\n"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("runner: exec-in: joining the cgroup %s: %w", procs, err)
	}
	return nil
}
