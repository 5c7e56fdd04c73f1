package gctrace

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "alloc" {
		allocAndExit()
	}
	goleak.VerifyTestMain(m)
}

// helperEnv makes the test binary act as a Go target that collects
// garbage a few times and exits (the os/exec tests' trick).
const helperEnv = "GCTRACE_TEST_HELPER"

var sink []byte

func allocAndExit() {
	for range 3 {
		sink = make([]byte, 4<<20)
		runtime.GC()
	}
	os.Exit(0)
}

// readLines returns the lines of a recorded trace in testdata/, including
// the very long ones.
func readLines(tb testing.TB, name string) []string {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return lines
}

// formatEvent is the golden-file form of one parsed line.
func formatEvent(n int, ev Event) string {
	return fmt.Sprintf("line %d: %s %q seq=%d at=%.3fs before=%d after=%d goal=%d pause=%.3fms\n",
		n, ev.Runtime, ev.Kind, ev.Seq, ev.AtSeconds, ev.HeapBeforeBytes, ev.HeapAfterBytes,
		ev.HeapGoalBytes, ev.PauseMs)
}

// checkGolden compares got with testdata/<test name>.golden, or rewrites
// it under -update.
func checkGolden(t *testing.T, got string) {
	t.Helper()
	path := filepath.Join("testdata", strings.ReplaceAll(t.Name(), "/", "_")+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("parsed events differ from %s (go test -update rewrites it):\ngot:\n%s", path, got)
	}
}

// recordedGolden parses every line of a recorded trace and checks the
// result against the golden file.
func recordedGolden(t *testing.T, file string, parse func(string) (Event, bool), wantEvents int) {
	var b strings.Builder
	events := 0
	for i, line := range readLines(t, file) {
		if ev, ok := parse(line); ok {
			events++
			b.WriteString(formatEvent(i+1, ev))
		}
	}
	fmt.Fprintf(&b, "events: %d\n", events)
	if events != wantEvents {
		t.Errorf("events parsed from %s = %d; want %d", file, events, wantEvents)
	}
	checkGolden(t, b.String())
}

// checkPrefixes parses every prefix of every event line: no prefix may
// panic or yield figures other than those of the whole line, except a
// heap goal that was cut off.
func checkPrefixes(t *testing.T, file string, parse func(string) (Event, bool)) {
	for i, line := range readLines(t, file) {
		full, ok := parse(line)
		if !ok || len(line) > 2000 {
			continue
		}
		for n := range len(line) {
			ev, ok := parse(line[:n])
			if !ok {
				continue
			}
			if ev.HeapGoalBytes == -1 {
				ev.HeapGoalBytes = full.HeapGoalBytes
			}
			if ev != full {
				t.Fatalf("line %d cut at %d: parse(%q) = %+v; want %+v or no event",
					i+1, n, line[:n], ev, full)
			}
		}
	}
}
