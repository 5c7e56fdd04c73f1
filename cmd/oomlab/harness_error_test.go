package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStartFailure(t *testing.T) {
	tests := []struct{ in, want string }{
		{"proc: a exited before listening on 127.0.0.1:4000 (exit status 1); stderr tail:\noomlab: cannot start ./srv: permission denied\n",
			"exited before listening on 127.0.0.1:4000 (exit status 1): cannot start ./srv: permission denied"},
		{"proc: a exited before listening on 127.0.0.1:4000 (exit status 2); stderr tail:\nline one\n\nTypeError: x is undefined\n  \n",
			"exited before listening on 127.0.0.1:4000 (exit status 2): TypeError: x is undefined"},
		{"proc: a did not listen on 127.0.0.1:4000 within 5s: context deadline exceeded", "did not listen on 127.0.0.1:4000 within 5s: context deadline exceeded"},
	}
	for _, tt := range tests {
		if got := startFailure("a", tt.in); got != tt.want {
			t.Errorf("startFailure(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestNothingStarted: a run none of whose targets could start ends with
// one message naming each target and why (no internal prefixes, no
// literal \x0a), exit 2, no empty report, and the JUnit file CI asked
// for says so; a bad flag with --junit writes it too.
func TestNothingStarted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts targets")
	}
	dir := t.TempDir()
	broken := writeFile(t, dir, "broken-server", "#!/nonexistent/interpreter\n")
	if err := os.Chmod(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	sc := writeFile(t, dir, "none.yaml", `name: none
targets:
  - {name: a, command: `+broken+`}
  - {name: b, command: `+broken+`, expect: {outcome: [survived]}}
load:
  stages: [{rate: 5, duration: 2s}]
`)
	out, junit := filepath.Join(dir, "out"), filepath.Join(dir, "junit.xml")
	text, code := oomlab(t, time.Minute, "run", sc, "--out", out, "--junit", junit, "--quiet")
	if code != exitBadInput {
		t.Fatalf("run with nothing started: exit %d; want %d\n%s", code, exitBadInput, text)
	}
	why := "cannot start " + broken + ": its interpreter /nonexistent/interpreter (its #! line) does not exist"
	for _, want := range []string{"oomlab: nothing started: no target of none could start", "\n  a: exited before listening on ", "\n  b: exited before listening on ", why} {
		if !strings.Contains(text, want) {
			t.Errorf("output does not say %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{`\x0a`, "runner: exec-in", "proc: ", "TARGET  OUTCOME"} {
		if strings.Contains(text, bad) {
			t.Errorf("output holds %q:\n%s", bad, text)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); !os.IsNotExist(err) {
		t.Errorf("report.html written (%v); want no empty report", err)
	}
	c, xmlText := readJUnit(t, junit)
	if c.Tests != 1 || c.Failures != 1 || !strings.Contains(xmlText, "nothing started") || !strings.Contains(xmlText, why) {
		t.Errorf("JUnit after nothing started: %d tests, %d failures; want 1 failure saying why\n%s", c.Tests, c.Failures, xmlText)
	}

	junit2 := filepath.Join(dir, "junit2.xml")
	text, code = oomlab(t, 30*time.Second, "run", "upload-proxy", "--target", "nope=./x", "--junit", junit2)
	if code != exitBadInput {
		t.Fatalf("run --target nope=…: exit %d; want %d\n%s", code, exitBadInput, text)
	}
	if c, xmlText := readJUnit(t, junit2); c.Failures != 1 || !strings.Contains(xmlText, "upload-proxy has no target nope") {
		t.Errorf("JUnit after a refused --target: %d failures; want 1 naming the error\n%s", c.Failures, xmlText)
	}
}
