package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeps keeps report from reaching the runner, Vegeta or os/exec, so a
// saved run can always be rendered again without them. It may read the
// output model (runner/results) and judge curves with runner/results/curve,
// which the runner uses too (curve's own deps test keeps it plain).
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		runner := dep == "github.com/oomlab/oomlab/runner" ||
			strings.HasPrefix(dep, "github.com/oomlab/oomlab/runner/") && dep != "github.com/oomlab/oomlab/runner/results" &&
				dep != "github.com/oomlab/oomlab/runner/results/curve"
		if runner || strings.HasPrefix(dep, "github.com/tsenart/vegeta") || dep == "os/exec" {
			t.Errorf("report depends on %s; it must read saved results only", dep)
		}
	}
}

// TestNoWallClock keeps the wall clock out of report: every time it
// shows comes from the files it reads.
func TestNoWallClock(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"time.Now(", "time.Since("} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s calls %s; report must not read the wall clock", f, bad)
			}
		}
	}
}
