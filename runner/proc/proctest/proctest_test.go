//go:build linux

package proctest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes the test binary a helper program (os/exec's tests do
// the same): "sleep" sleeps a minute; "escape" starts a sleeping child in
// a session of its own, prints its pid and exits, leaving it to PID 1;
// "suite-<case>" is a whole checked test binary whose tests do <case>.
const helperEnv = "PROCTEST_HELPER"

func TestMain(m *testing.M) {
	switch mode := os.Getenv(helperEnv); {
	case mode == "sleep":
		time.Sleep(time.Minute) // a target that runs for a while
		os.Exit(0)
	case mode == "escape":
		c := helper("sleep")
		c.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := c.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(c.Process.Pid)
		os.Exit(0)
	case strings.HasPrefix(mode, "suite-"):
		grace = 200 * time.Millisecond
		os.Exit(Main(fakeSuite(strings.TrimPrefix(mode, "suite-"))).Run())
	}
	VerifyTestMain(m)
}

// helper returns a command running the test binary as helper mode.
func helper(mode string) *exec.Cmd {
	c := exec.Command(os.Args[0])
	c.Env = append(os.Environ(), helperEnv+"="+mode, "GORACE=atexit_sleep_ms=0")
	return c
}

// fakeSuite stands for a package's tests; it prints the pid of what it
// leaves (or would have left) on stdout.
type fakeSuite string

func (f fakeSuite) Run() int {
	switch f {
	case "orphan": // the old TestSnapshotThroughShell: a grandchild outlives its parent
		c := helper("escape")
		out, err := c.Output()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Print(string(out))
	case "unmarked", "clean": // a child with a cleared environment, not waited for unless clean
		c := exec.Command(os.Args[0])
		c.Env = []string{helperEnv + "=sleep"}
		if err := c.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Println(c.Process.Pid)
		if f == "clean" {
			c.Process.Kill()
			c.Wait()
		}
	}
	return 0
}

// TestSuites runs whole checked suites as helper programs: one that
// leaves a process behind, by either mark, fails and lists it, and the
// process is killed; a clean one passes and says nothing.
func TestSuites(t *testing.T) {
	tests := []struct {
		suite    string
		wantCode int
	}{
		{suite: "orphan", wantCode: 1},
		{suite: "unmarked", wantCode: 1},
		{suite: "clean", wantCode: 0},
	}
	for _, tt := range tests {
		t.Run(tt.suite, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			c := helper("suite-" + tt.suite)
			c = exec.CommandContext(ctx, c.Path, c.Args[1:]...)
			c.Env = append(os.Environ(), helperEnv+"=suite-"+tt.suite, "GORACE=atexit_sleep_ms=0")
			var stdout, stderr bytes.Buffer
			c.Stdout, c.Stderr = &stdout, &stderr
			err := c.Run()
			code := c.ProcessState.ExitCode()
			pid, perr := strconv.Atoi(strings.TrimSpace(firstLine(stdout.String())))
			if perr != nil {
				t.Fatalf("suite %s printed %q, err %v, stderr %q; want the pid it started", tt.suite, stdout.String(), err, stderr.String())
			}
			t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
			if code != tt.wantCode {
				t.Errorf("suite %s exit code = %d; want %d; stderr:\n%s", tt.suite, code, tt.wantCode, stderr.String())
			}
			listed := strings.Contains(stderr.String(), "pid "+strconv.Itoa(pid)+" (")
			if listed != (tt.wantCode != 0) {
				t.Errorf("suite %s: pid %d listed %v; want %v; stderr:\n%s", tt.suite, pid, listed, tt.wantCode != 0, stderr.String())
			}
			if tt.wantCode != 0 && !strings.Contains(stderr.String(), "still ran") {
				t.Errorf("stderr %q; want the check's message", stderr.String())
			}
			if st, ok := readStat(pid); ok && st.state != 'Z' {
				t.Errorf("pid %d still runs (state %c) after the suite ended", pid, st.state)
			}
		})
	}
}

func firstLine(s string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Scan()
	return sc.Text()
}

func TestMarked(t *testing.T) {
	tests := []struct {
		value, token string
		want         bool
	}{
		{"abc", "abc", true},
		{"outer:abc", "abc", true},
		{"abc:inner", "abc", true},
		{"abcd", "abc", false},
		{"", "abc", false},
	}
	for _, tt := range tests {
		if got := marked(tt.value, tt.token); got != tt.want {
			t.Errorf("marked(%q, %q) = %v; want %v", tt.value, tt.token, got, tt.want)
		}
	}
}
