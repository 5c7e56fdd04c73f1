package proctest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// MarkEnv is the environment variable Main sets in the test binary's own
// environment, so that its children inherit it. Its value is a list of
// tokens separated by ':', one per nested checked suite.
const MarkEnv = "OOMLAB_TEST_SUITE"

// Grace is how long Main waits for the marked processes to exit after
// the tests before it kills them.
const Grace = 5 * time.Second

// grace is Grace, shortened by this package's own tests.
var grace = Grace

// TestingM is what Main wraps and returns: *testing.M, and what
// goleak.VerifyTestMain takes.
type TestingM interface {
	Run() int
}

// Leftover is a process the tests started that was still running after
// them.
type Leftover struct {
	PID, PGID, PPID int
	Cmdline         string // arguments joined by spaces, cut to 200 bytes
}

// String describes l on one line: pid, group, parent, command line.
func (l Leftover) String() string {
	return fmt.Sprintf("pid %d (group %d, parent %d): %s", l.PID, l.PGID, l.PPID, l.Cmdline)
}

// Main returns m wrapped: its Run marks the environment, runs m, then
// checks that every marked process has ended (see the package comment).
// Run returns m's exit code, or 1 when m passed and a process was left.
func Main(m TestingM) TestingM { return &checked{m: m, out: os.Stderr} }

// VerifyTestMain runs m through Main and exits with its code.
func VerifyTestMain(m TestingM) { os.Exit(Main(m).Run()) }

// checked is what Main returns.
type checked struct {
	m   TestingM
	out io.Writer
}

var _ TestingM = (*checked)(nil)

func (c *checked) Run() int {
	token := newToken()
	mark := token
	if prev := os.Getenv(MarkEnv); prev != "" {
		mark = prev + ":" + token // keep an enclosing suite's mark
	}
	os.Setenv(MarkEnv, mark)
	code := c.m.Run()
	left := Reap(token, grace)
	if len(left) == 0 {
		return code
	}
	fmt.Fprintf(c.out, "proctest: %d process(es) the tests started still ran %s after them; killed:\n", len(left), grace)
	for _, l := range left {
		fmt.Fprintf(c.out, "  %s\n", l)
	}
	if code == 0 {
		code = 1
	}
	return code
}

// marked reports whether an environment variable's value, as Main sets
// it, carries token.
func marked(value, token string) bool {
	for _, t := range strings.Split(value, ":") {
		if t == token {
			return true
		}
	}
	return false
}

func newToken() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic("proctest: " + err.Error()) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b)
}

// RunFunc is a function as a TestingM, for a TestMain that has work to do
// between the tests and the check (stopping a shared database):
//
//	code := proctest.Main(proctest.RunFunc(func() int {
//		defer stopDatabase()
//		return m.Run()
//	})).Run()
type RunFunc func() int

// Run calls f.
func (f RunFunc) Run() int { return f() }

var _ TestingM = RunFunc(nil)
