package report

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps report from reaching the runner, Vegeta or os/exec, so a
// saved run can always be rendered again without them.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		runner := dep == "github.com/oomlab/oomlab/runner" ||
			strings.HasPrefix(dep, "github.com/oomlab/oomlab/runner/") && dep != "github.com/oomlab/oomlab/runner/results"
		if runner || strings.HasPrefix(dep, "github.com/tsenart/vegeta") || dep == "os/exec" {
			t.Errorf("report depends on %s; it must read saved results only", dep)
		}
	}
}
