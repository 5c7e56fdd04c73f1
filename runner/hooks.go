package runner

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/oomlab/oomlab/runner/proc"
)

// TestPanicEnv is the environment variable of the fault-injection test
// hook: when it holds N (a positive number), the harness panics at its
// Nth sample, as a bug in it would, so that tests can check that a panic
// leaves no process, no cgroup, and a partial results.json; "load:N"
// panics at the Nth load window instead, on the load's own goroutine.
// Run reads it into its hooks when no test of this package set them; the
// end-to-end tests of cmd/oomlab set it. Never set it otherwise.
const TestPanicEnv = "OOMLAB_TEST_PANIC_AT_SAMPLE"

// hooks are the runner's fault-injection points, the one seam for tests:
// the tests of this package set Options.hooks, the end-to-end tests (which
// run the oomlab binary) TestPanicEnv. The zero value, and nil, inject
// nothing. Safe for concurrent use once the run started.
type hooks struct {
	// panicAt makes the harness panic at its Nth sample (0: never); with
	// panicInLoad, at its Nth load window, on the load's goroutine.
	panicAt     int
	panicInLoad bool
	// freePort picks a target's port (nil: proc.FreePort).
	freePort func(host string) (int, error)

	seen atomic.Int64 // samples (or load windows) seen, for panicAt
}

// hooksFromEnv reads TestPanicEnv: "N" (at the Nth sample) or "load:N"
// (at the Nth load window); nil when unset or not a positive number.
func hooksFromEnv() *hooks {
	v, inLoad := strings.CutPrefix(os.Getenv(TestPanicEnv), "load:")
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return nil
	}
	return &hooks{panicAt: n, panicInLoad: inLoad}
}

// port picks a free port on host for a target.
func (k *hooks) port(host string) (int, error) {
	if k == nil || k.freePort == nil {
		return proc.FreePort(host)
	}
	return k.freePort(host)
}

// sample is called at each of the harness's samples.
func (k *hooks) sample() {
	if k != nil && !k.panicInLoad {
		k.count()
	}
}

// inLoad reports whether the load's windows are watched (window).
func (k *hooks) inLoad() bool { return k != nil && k.panicInLoad }

// window is called at each load window, on the load's goroutine.
func (k *hooks) window() { k.count() }

// count panics, as a bug in the harness would, at the panicAt-th call.
func (k *hooks) count() {
	if k.panicAt > 0 && k.seen.Add(1) == int64(k.panicAt) {
		panic(fmt.Sprintf("test hook %s=%d", TestPanicEnv, k.panicAt))
	}
}
