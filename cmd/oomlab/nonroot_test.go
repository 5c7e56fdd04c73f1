package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNonRootCgroupMode: --limit-mode cgroup where no memory cgroup can
// be made (run as an unprivileged user) ends with one message saying
// what to do, exit 2, no empty report, and the JUnit file CI asked for.
// It needs root, to run oomlab as nobody.
func TestNonRootCgroupMode(t *testing.T) {
	if testing.Short() {
		t.Skip("runs oomlab as another user")
	}
	setpriv, err := exec.LookPath("setpriv")
	if os.Geteuid() != 0 || err != nil {
		t.Skip("needs root and setpriv to run oomlab as nobody")
	}
	dir, err := os.MkdirTemp("", "oomlab-nonroot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	out, junit := filepath.Join(dir, "out"), filepath.Join(dir, "junit.xml")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
		bin, "run", "upload-proxy", "--limit-mode", "cgroup", "--out", out, "--junit", junit, "--quiet")
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	text := string(b)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitBadInput {
		if strings.Contains(text, "limits      cgroup") {
			t.Skip("an unprivileged user can make memory cgroups here (delegated)")
		}
		t.Fatalf("run --limit-mode cgroup as nobody: %v; want exit %d\n%s", err, exitBadInput, text)
	}
	const want = "oomlab: --limit-mode cgroup: no memory cgroup can be made here: "
	if !strings.HasPrefix(text, want) || strings.Count(text, "\n") != 1 || !strings.Contains(text, "leave --limit-mode at auto") {
		t.Errorf("output: want one line starting %q and saying what to do; got\n%s", want, text)
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); !os.IsNotExist(err) {
		t.Errorf("report.html written (%v); want no empty report", err)
	}
	if c, xmlText := readJUnit(t, junit); c.Failures != 1 || !strings.Contains(xmlText, "--limit-mode cgroup") {
		t.Errorf("JUnit: %d failures; want 1 naming --limit-mode cgroup\n%s", c.Failures, xmlText)
	}
}
