package main

import (
	"os/exec"
	"regexp"
	"testing"
	"time"
)

// TestWrongPort: a server that listens on a port of its own instead of
// $PORT is told so, with the address its process tree listens on; one
// that listens nowhere is told that.
func TestWrongPort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts targets")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	dir := t.TempDir()
	// Port 0: the kernel picks a free one, as a fixed port in a config would be.
	sc := writeFile(t, dir, "port.yaml", `name: port
targets:
  - {name: fixed, command: "python3 -m http.server 0 --bind 127.0.0.1", ready_timeout: 3s}
  - {name: silent, command: "python3 -c 'import time; time.sleep(30)'", ready_timeout: 1s}
load:
  stages: [{rate: 5, duration: 1s}]
`)
	text, _ := oomlab(t, time.Minute, "run", sc, "--out", t.TempDir(), "--quiet")
	for _, re := range []string{
		`fixed: did not listen on 127\.0\.0\.1:\d+ within 3s: context deadline exceeded; its processes listen on 127\.0\.0\.1:\d+ instead: it must listen on the port oomlab gives it in \$PORT \(\d+ here\)`,
		`silent: did not listen on 127\.0\.0\.1:\d+ within 1s: context deadline exceeded; none of its processes listens on a TCP port`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("output does not match %s:\n%s", re, text)
		}
	}
}
