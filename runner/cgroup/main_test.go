package cgroup

import (
	"bufio"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/oomlab/oomlab/runner/proc/proctest"
)

// helperEnv selects a helper program: the test binary re-executed, as
// os/exec's own tests do.
const helperEnv = "OOMLAB_CGROUP_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	goleak.VerifyTestMain(proctest.Main(m))
}

// allocBytes is what the "alloc" helper allocates and touches.
const allocBytes = 200 << 20

func runHelper(mode string) int {
	switch mode {
	case "alloc": // wait for a line on stdin (time to join the cgroup), then allocate
		if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		b := make([]byte, allocBytes)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		fmt.Println("survived", len(b))
		return 0
	case "sleep": // wait until stdin closes or the process is killed
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	return 2
}
