package evidence

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

func TestParseNodeLine(t *testing.T) {
	tests := []struct {
		line string
		want results.NodeMemory
		ok   bool
	}{
		{"oomlab-mem 12 300 40 30 200 150", results.NodeMemory{PID: 12, RSSBytes: 300, HeapTotalBytes: 40, HeapUsedBytes: 30, ExternalBytes: 200, ArrayBuffersBytes: 150}, true},
		{"oomlab-mem 0 300 40 30 200 150", results.NodeMemory{}, false},
		{"oomlab-mem 99999999999 300 40 30 200 150", results.NodeMemory{}, false},
		{"oomlab-mem 12 300 40 30 200", results.NodeMemory{}, false},
		{"oomlab-mem 12 300 40 30 200 -1", results.NodeMemory{}, false},
		{"oomlab-mem 12 300 40 30 200 x", results.NodeMemory{}, false},
		{"[15294:0x9defca0]  1673 ms: Scavenge 4.5 (6.0) -> 4.1 (6.2) MB", results.NodeMemory{}, false},
		{"", results.NodeMemory{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseNodeLine(tt.line)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseNodeLine(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNodeStreamFilter(t *testing.T) {
	s := NewNodeStream()
	var passed []string
	feed := s.Filter(func(l string) { passed = append(passed, l) })
	if s.Latest() != nil {
		t.Fatal("Latest before any reading != nil")
	}
	for _, l := range []string{"gc line", "oomlab-mem 1 10 2 1 5 4", "other", "oomlab-mem 1 20 2 1 9 8"} {
		feed(l)
	}
	if !slices.Equal(passed, []string{"gc line", "other"}) {
		t.Errorf("lines passed on = %q; want the two that are not readings", passed)
	}
	if m := s.Latest(); m == nil || m.RSSBytes != 20 || m.ArrayBuffersBytes != 8 {
		t.Errorf("Latest = %+v; want the second reading", m)
	}
	if s.Count() != 2 {
		t.Errorf("Count = %d; want 2", s.Count())
	}
}

// TestNodeStreamTree: every node of a target's tree reports (npm start
// runs the server in a second node). Latest is the reading of the one with
// the most RSS among those heard from within two seconds of the newest,
// so a small npm's readings never stand for the server's, and a process
// that stopped reporting drops out; the stream keeps at most 16.
func TestNodeStreamTree(t *testing.T) {
	s := NewNodeStream()
	clock := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	s.Begin(clock)
	feed := s.Filter(nil)
	at := func(d time.Duration, line string) {
		clock = clock.Add(d)
		feed(line)
	}
	at(0, "oomlab-mem 100 50000 9 7 1 0")                     // npm
	at(10*time.Millisecond, "oomlab-mem 200 40000 5 4 2 1")   // the server, smaller at first
	at(10*time.Millisecond, "oomlab-mem 200 90000 5 4 80 70") // the server, grown
	at(10*time.Millisecond, "oomlab-mem 100 50001 9 7 1 0")   // npm again, after it
	if m := s.Latest(); m == nil || m.PID != 200 || m.RSSBytes != 90000 || m.Processes != 2 || m.AtSeconds != 0.02 {
		t.Errorf("Latest = %+v; want the server's reading (PID 200, RSS 90000, at 0.02 s), of 2 processes", m)
	}
	at(2500*time.Millisecond, "oomlab-mem 100 50002 9 7 1 0") // the server is silent for 2.5 s
	if m := s.Latest(); m == nil || m.PID != 100 || m.Processes != 1 {
		t.Errorf("Latest after the server fell silent = %+v; want npm's, alone", m)
	}
	for pid := 1000; pid < 1100; pid++ {
		at(time.Millisecond, "oomlab-mem "+strconv.Itoa(pid)+" 10 1 1 1 1")
	}
	if n := len(s.procs); n != maxNodeProcs {
		t.Errorf("readings kept after 102 processes = %d; want %d", n, maxNodeProcs)
	}
	if m := s.Latest(); m == nil || m.PID != 100 && m.PID < 1084 {
		t.Errorf("Latest = %+v; want one of the processes heard from last", m)
	}
	s.Reset()
	if m := s.Latest(); m != nil || s.Count() != 105 {
		t.Errorf("after Reset: Latest %+v, Count %d; want nil, and the count kept (105)", m, s.Count())
	}
}

func TestNodeEnv(t *testing.T) {
	dir := t.TempDir()
	env, err := NodeEnv([]string{"A=1", "NODE_OPTIONS=--max-old-space-size=64", "OOMLAB_MEMORY_NEAR_BYTES=9"}, dir, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "NODE_OPTIONS=--max-old-space-size=64 --require " + dir + "/oomlab-memusage.js"
	if !slices.Equal(env, []string{"A=1", want}) {
		t.Errorf("NodeEnv = %q; want [A=1 %q] (no near bound: the inherited one dropped)", env, want)
	}
	env, err = NodeEnv([]string{"A=1", "OOMLAB_MEMORY_NEAR_BYTES=9"}, dir, "", 128<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(env[:2], []string{"A=1", "OOMLAB_MEMORY_NEAR_BYTES=134217728"}) {
		t.Errorf("NodeEnv with a near bound = %q; want A=1, then the bound in place of the inherited one", env)
	}
	env, err = NodeEnv(nil, dir, dir+"/snap", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := env[len(env)-1]; !strings.Contains(got, "--heapsnapshot-signal=SIGUSR2 --diagnostic-dir="+dir+"/snap") {
		t.Errorf("NodeEnv with snapshots = %q; want the signal and the directory", got)
	}
	if _, err := NodeEnv(nil, dir, "/a b", 0); err == nil {
		t.Error("NodeEnv with a space in a path = nil error; want one")
	}
}

// TestPreloadStreams runs node with the preload and a script that holds
// a 32 MiB Buffer: the readings arrive on stdout, the script's own output
// is passed on, and arrayBuffers counts the Buffer (outside the V8 heap).
func TestPreloadStreams(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPED: node is not installed; the Node.js memoryUsage preload is not tested")
	}
	dir := t.TempDir()
	env, err := NodeEnv(os.Environ(), dir, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "-e", `const b = Buffer.alloc(32*1024*1024, 1); console.log("hello"); setTimeout(() => console.log(b.length), 600);`)
	cmd.Env = append(env, "OOMLAB_MEMORY_INTERVAL_MS=50")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := NewNodeStream()
	var own []string
	feed := s.Filter(func(l string) { own = append(own, l) })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		feed(sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("node: %v", err)
	}
	if !slices.Equal(own, []string{"hello", "33554432"}) {
		t.Errorf("the script's own lines = %q; want [hello 33554432]", own)
	}
	m := s.Latest()
	if m == nil || s.Count() < 3 {
		t.Fatalf("readings: %d, latest %+v; want at least 3 in 600 ms at 50 ms", s.Count(), m)
	}
	if m.ArrayBuffersBytes < 32<<20 || m.ExternalBytes < m.ArrayBuffersBytes || m.RSSBytes < m.ArrayBuffersBytes {
		t.Errorf("latest reading %+v; want arrayBuffers ≥ 32 MiB, external ≥ arrayBuffers, RSS ≥ arrayBuffers", m)
	}
}

// TestPreloadQuickensNearLimit runs two idle node processes side by side
// for a second, one whose RSS is past the near bound (1 byte) and one
// whose is not (1 TiB): the first reads every 20 ms, the other every
// 100 ms. Both share the machine's load, so the test asks only that the
// first read at least twice as often (5× when idle); a timer never fires
// early, so the slow one cannot pass 10.
func TestPreloadQuickensNearLimit(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPED: node is not installed; the Node.js memoryUsage preload is not tested")
	}
	count := func(near int64, got chan<- int64) {
		env, err := NodeEnv(os.Environ(), t.TempDir(), "", near)
		if err != nil {
			t.Error(err)
			got <- -1
			return
		}
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, "-e", `setTimeout(() => {}, 1000);`)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("node: %v", err)
		}
		s := NewNodeStream()
		feed := s.Filter(nil)
		for _, l := range strings.Split(string(out), "\n") {
			feed(l)
		}
		got <- s.Count()
	}
	fast, slow := make(chan int64, 1), make(chan int64, 1)
	go count(1, fast)
	go count(1<<40, slow)
	f, sl := <-fast, <-slow
	if sl > 10 || f < 2*sl || f < 10 {
		t.Errorf("readings in 1 s: %d past the near bound, %d below it; want at least twice as many (and 10) past it, at most 10 below", f, sl)
	}
}
