package gctrace

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParsePython(t *testing.T) {
	ev := func(pid int, seq int64, kind string, pauseMs float64) Event {
		return Event{Runtime: RuntimePython, Kind: kind, Seq: seq, PID: pid, HeapBeforeBytes: -1, HeapAfterBytes: -1, HeapGoalBytes: -1, PauseMs: pauseMs}
	}
	tests := []struct {
		name string
		line string
		ok   bool
		want Event
	}{
		{name: "recorded gen0", line: "oomlab-pygc 25617 2 0 298", ok: true, want: ev(25617, 2, "gen0", 0.298)},
		{name: "recorded gen2", line: "oomlab-pygc 27275 9 2 18903", ok: true, want: ev(27275, 9, "gen2", 18.903)},
		{name: "start line counts nothing", line: "oomlab-pygc 27358 0 0 0", ok: true, want: ev(27358, 0, "start", 0)},
		{name: "glued to the app's partial line", line: "app: partial line oomlab-pygc 27275 1 1 90", ok: true, want: ev(27275, 1, "gen1", 0.09)},
		{name: "after bytes that are not UTF-8", line: "\xff\xfeoomlab-pygc 4242 9 0 31", ok: true, want: ev(4242, 9, "gen0", 0.031)},
		{name: "carriage return", line: "oomlab-pygc 1 3 1 5\r", ok: true, want: ev(1, 3, "gen1", 0.005)},
		{name: "app line quoting the prefix, then ours", line: "log: oomlab-pygc said x oomlab-pygc 7 1 0 4", ok: true, want: ev(7, 1, "gen0", 0.004)},
		{name: "truncated after SEQ", line: "oomlab-pygc 4242 1", ok: false},
		{name: "truncated after GEN", line: "oomlab-pygc 4242 7 0", ok: false},
		{name: "a field too many", line: "oomlab-pygc 4242 8 0 12 extra", ok: false},
		{name: "not a number", line: "oomlab-pygc 4242 x 0 1", ok: false},
		{name: "negative", line: "oomlab-pygc 4242 -1 0 1", ok: false},
		{name: "PID 0", line: "oomlab-pygc 0 1 0 1", ok: false},
		{name: "PID beyond int32", line: "oomlab-pygc 4294967296 1 0 1", ok: false},
		{name: "generation 10", line: "oomlab-pygc 5 1 10 1", ok: false},
		{name: "huge number", line: "oomlab-pygc 5 99999999999999999999999 0 1", ok: false},
		{name: "double space", line: "oomlab-pygc 5  1 0 1", ok: false},
		{name: "prefix only", line: "oomlab-pygc ", ok: false},
		{name: "app line", line: "app: done", ok: false},
		{name: "Go trace", line: "gc 20 @18.272s 0%: 0.21+14+0.25 ms clock, 0.42+0/1.8/12+0.51 ms cpu, 123->123->63 MB, 126 MB goal, 2 P", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParsePython(tt.line)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ParsePython(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestTrackerPythonRecorded feeds recorded streams: python3
// upload_naive.py, gunicorn with two workers (each process numbers its
// own collections; the workers, forked, from 0), and a stream where the
// app's output is interleaved and lines are cut (testdata/README.md).
func TestTrackerPythonRecorded(t *testing.T) {
	tests := []struct {
		file      string
		wantCount int64
		wantPIDs  int
	}{
		{"python-upload-naive.txt", 12, 1},
		// master 68, workers 3 and 3
		{"python-gunicorn-2-workers.txt", 74, 3},
		// parent 10, forked child 1, and 9 from a hand-made PID 4242
		// whose other lines are cut or garbled
		{"python-interleaved.txt", 20, 3},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tr := NewTracker(RuntimePython)
			if c, h := tr.Snapshot(); c != -1 || h != -1 {
				t.Errorf("Snapshot() before any line = %d, %d; want -1, -1 (unknown)", c, h)
			}
			if c, p := tr.Pauses(); c != -1 || p != -1 {
				t.Errorf("Pauses() before any line = %d, %v; want -1, -1", c, p)
			}
			var wantPause float64
			last := map[int]int64{}
			for _, line := range readLines(t, tt.file) {
				tr.Feed(line)
				if ev, ok := ParsePython(line); ok && ev.Seq > last[ev.PID] {
					wantPause += ev.PauseMs
					last[ev.PID] = ev.Seq
				}
			}
			if c, h := tr.Snapshot(); c != tt.wantCount || h != -1 {
				t.Errorf("Snapshot() after %s = %d, %d; want %d, -1", tt.file, c, h, tt.wantCount)
			}
			if _, p := tr.Pauses(); math.Abs(p-wantPause) > 1e-9 || p <= 0 {
				t.Errorf("Pauses() after %s = %v ms; want %v", tt.file, p, wantPause)
			}
			if len(tr.pyProcs) != tt.wantPIDs {
				t.Errorf("processes kept = %d; want %d", len(tr.pyProcs), tt.wantPIDs)
			}
		})
	}
}

func TestTrackerPythonPerProcess(t *testing.T) {
	line := func(pid, seq int) string { return fmt.Sprintf("oomlab-pygc %d %d 0 1000", pid, seq) }
	tests := []struct {
		name  string
		lines []string
		want  int64
	}{
		{name: "start line alone: known, zero", lines: []string{line(10, 0)}, want: 0},
		{name: "first line seen late counts all before it", lines: []string{line(10, 5)}, want: 5},
		{name: "a line repeated counts once", lines: []string{line(10, 3), line(10, 3)}, want: 3},
		{name: "a lost line does not lose its collection", lines: []string{line(10, 1), line(10, 4)}, want: 4},
		{name: "two processes add up", lines: []string{line(10, 2), line(11, 1), line(10, 3), line(11, 2)}, want: 5},
		{name: "a PID used again numbers from 0", lines: []string{line(10, 7), line(10, 0), line(10, 2)}, want: 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTracker(RuntimePython)
			for _, l := range tt.lines {
				tr.Feed(l)
			}
			if c, _ := tr.Snapshot(); c != tt.want {
				t.Errorf("count after %q = %d; want %d", tt.lines, c, tt.want)
			}
		})
	}
}

// TestTrackerPythonBounded: however many processes report, a Tracker
// keeps at most maxTrackedPIDs, and forgetting one does not lower the count.
func TestTrackerPythonBounded(t *testing.T) {
	tr := NewTracker(RuntimePython)
	for pid := 1; pid <= 10*maxTrackedPIDs; pid++ {
		tr.Feed(fmt.Sprintf("oomlab-pygc %d 2 0 1", pid))
	}
	if len(tr.pyProcs) > maxTrackedPIDs {
		t.Errorf("processes kept = %d; want at most %d", len(tr.pyProcs), maxTrackedPIDs)
	}
	if c, _ := tr.Snapshot(); c != 20*maxTrackedPIDs {
		t.Errorf("count = %d; want %d", c, 20*maxTrackedPIDs)
	}
	// The most recent process is kept: its next line adds one.
	tr.Feed(fmt.Sprintf("oomlab-pygc %d 3 0 1", 10*maxTrackedPIDs))
	if c, _ := tr.Snapshot(); c != 20*maxTrackedPIDs+1 {
		t.Errorf("count = %d; want %d", c, 20*maxTrackedPIDs+1)
	}
}

func TestWithPythonPath(t *testing.T) {
	sep := string(os.PathListSeparator)
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{name: "none set", env: []string{"A=1"}, want: []string{"A=1", "PYTHONPATH=/p"}},
		{name: "set: ours first, theirs kept", env: []string{"PYTHONPATH=/app" + sep + "/lib", "B=2"}, want: []string{"PYTHONPATH=/p" + sep + "/app" + sep + "/lib", "B=2"}},
		{name: "empty", env: []string{"PYTHONPATH="}, want: []string{"PYTHONPATH=/p"}},
		{name: "twice: the last is the child's", env: []string{"PYTHONPATH=/a", "PYTHONPATH=/b"}, want: []string{"PYTHONPATH=/a", "PYTHONPATH=/p" + sep + "/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.env)
			if got := WithPythonPath(tt.env, "/p"); !slices.Equal(got, tt.want) {
				t.Errorf("WithPythonPath(%q) = %q; want %q", in, got, tt.want)
			}
			if !slices.Equal(in, tt.env) {
				t.Errorf("WithPythonPath changed its input: %q", tt.env)
			}
		})
	}
}

// TestPythonPreload runs the preload in a real python3: its lines parse,
// a forked child numbers from 0, the program's output and exit status
// are its own, and a sitecustomize of the user's, further on PYTHONPATH,
// still runs.
func TestPythonPreload(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("SKIPPED: python3 is not installed (apt-get install python3)")
	}
	dir, user := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sitecustomize.py"), PythonPreload, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(user, "sitecustomize.py"), []byte("import sys\nsys.stderr.write('user sitecustomize ran as ' + __name__ + '\\n')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	prog := `import gc, os, sys, sitecustomize
gc.collect(); gc.collect(0)
if os.fork() == 0:
    gc.collect(); os._exit(0)
os.wait()
print("app out", sitecustomize.__file__.startswith(sys.argv[1]))
sys.exit(3)`
	cmd := exec.Command(py, "-c", prog, user)
	cmd.Env = WithPythonPath(append(os.Environ(), "PYTHONPATH="+user), dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("python3 -c: %v (want exit status 3)\nstderr: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "user sitecustomize ran as sitecustomize") {
		t.Errorf("stderr = %q; want the user's sitecustomize to have run under its name", stderr.String())
	}
	tr := NewTracker(RuntimePython)
	var pids []int
	app := 0
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ev, ok := ParsePython(l)
		switch {
		case ok && !slices.Contains(pids, ev.PID):
			pids = append(pids, ev.PID)
		case !ok && l == "app out True":
			app++
		case !ok:
			t.Errorf("line %q: neither the app's nor the preload's", l)
		}
		tr.Feed(l)
	}
	if app != 1 || len(pids) != 2 {
		t.Errorf("app lines %d, processes %v; want 1 and 2 (parent and forked child)\n%s", app, pids, out)
	}
	// parent: 2 asked for, maybe more at start-up and exit; child: 1 or more
	if c, _ := tr.Snapshot(); c < 3 {
		t.Errorf("collections counted = %d; want at least 3\n%s", c, out)
	}
}

func FuzzParsePython(f *testing.F) {
	for _, name := range []string{"python-upload-naive.txt", "python-interleaved.txt"} {
		for _, line := range readLines(f, name) {
			f.Add(line)
		}
	}
	f.Fuzz(func(t *testing.T, line string) {
		ev, ok := ParsePython(line)
		if !ok {
			if ev != (Event{}) {
				t.Fatalf("ParsePython(%q) = %+v, false; want zero Event", line, ev)
			}
			return
		}
		if ev.Runtime != RuntimePython || ev.PID <= 0 || ev.Seq < 0 || ev.PauseMs < 0 || ev.HeapAfterBytes != -1 ||
			!strings.Contains(line, pythonLinePrefix) || (ev.Seq == 0) != (ev.Kind == "start") {
			t.Fatalf("ParsePython(%q) = %+v; a field is out of range", line, ev)
		}
		if again, _ := ParsePython(line); again != ev {
			t.Fatalf("ParsePython(%q) twice = %+v then %+v", line, ev, again)
		}
		tr := NewTracker(RuntimePython)
		tr.Feed(line)
		tr.Feed(line)
		if c, _ := tr.Snapshot(); c != ev.Seq {
			t.Fatalf("a Tracker fed %q twice counts %d; want %d", line, c, ev.Seq)
		}
	})
}

func BenchmarkParsePython(b *testing.B) {
	for name, line := range map[string]string{
		"event": "oomlab-pygc 25617 2 0 298",
		"app":   "[2026-12-07 21:24:16 +0000] [26018] [INFO] Listening at: http://127.0.0.1:18732 (26018)",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ParsePython(line)
			}
		})
	}
}
