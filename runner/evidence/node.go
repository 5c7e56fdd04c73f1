package evidence

import (
	_ "embed"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// memUsageScript is preloaded into Node.js targets; see memusage.js.
//
//go:embed memusage.js
var memUsageScript []byte

// nodeLinePrefix starts every line the preloaded script writes.
const nodeLinePrefix = "oomlab-mem "

// nearEnv tells the preloaded script the RSS from which it reads faster.
const nearEnv = "OOMLAB_MEMORY_NEAR_BYTES"

// SnapshotSignal is the signal a Node.js target takes a heap snapshot on
// when the scenario asks for snapshots.
const SnapshotSignal = "SIGUSR2"

// NodeEnv returns the environment that preloads the memoryUsage script
// into a Node.js target: NODE_OPTIONS (appended to the one in env, if
// any) gets --require SCRIPT, and with snapshotDir set also
// --heapsnapshot-signal and --diagnostic-dir so that a snapshot can be
// asked for. With nearBytes > 0 the script reads five times as often
// (every 20 ms) once RSS reaches it, so that the last reading before a
// kill is close to it. The script is written into dir (created by the
// caller).
// NODE_OPTIONS reaches node however the target is launched (a wrapper
// script, env, npm), without changing its argv.
func NodeEnv(env []string, dir, snapshotDir string, nearBytes int64) ([]string, error) {
	script := filepath.Join(dir, "oomlab-memusage.js")
	if err := os.WriteFile(script, memUsageScript, 0o644); err != nil {
		return nil, fmt.Errorf("evidence: writing the preload script: %w", err)
	}
	if strings.ContainsAny(script+snapshotDir, " \t\"'\\") {
		return nil, fmt.Errorf("evidence: %q: NODE_OPTIONS cannot carry a path with spaces or quotes", script+snapshotDir)
	}
	opts := "--require " + script
	if snapshotDir != "" {
		opts += " --heapsnapshot-signal=" + SnapshotSignal + " --diagnostic-dir=" + snapshotDir
	}
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "NODE_OPTIONS="); ok {
			if v != "" {
				opts = v + " " + opts
			}
			continue
		}
		if strings.HasPrefix(kv, nearEnv+"=") {
			continue
		}
		out = append(out, kv)
	}
	if nearBytes > 0 {
		out = append(out, nearEnv+"="+strconv.FormatInt(nearBytes, 10))
	}
	return append(out, "NODE_OPTIONS="+opts), nil
}

// ParseNodeLine reads one line of the preloaded script. ok is false for
// every other line (the target's own output, GC traces).
func ParseNodeLine(line string) (m results.NodeMemory, ok bool) {
	rest, found := strings.CutPrefix(line, nodeLinePrefix)
	if !found {
		return m, false
	}
	f := strings.Fields(rest)
	if len(f) != 6 {
		return m, false
	}
	var v [6]int64
	for i, s := range f {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return m, false
		}
		v[i] = n
	}
	if v[0] <= 0 || v[0] > math.MaxInt32 {
		return m, false
	}
	return results.NodeMemory{PID: int(v[0]), RSSBytes: v[1], HeapTotalBytes: v[2], HeapUsedBytes: v[3], ExternalBytes: v[4], ArrayBuffersBytes: v[5]}, true
}

// maxNodeProcs bounds the processes a NodeStream keeps a reading of; past
// it the one heard from least recently is forgotten.
const maxNodeProcs = 16

// nodeFresh: a process's reading counts for Latest while it is at most
// this much older than the newest reading of any (a process that died or
// stopped reporting drops out).
const nodeFresh = 2 * time.Second

// NodeStream keeps the latest memoryUsage() reading of each Node.js
// process of one target's tree: NODE_OPTIONS reaches every node the
// target starts (npm start is node, running the server in another), and
// they share its stdout. Its Filter sits in front of the line reader of
// the target's stdout. It is safe for concurrent use and holds at most
// maxNodeProcs readings, however long the target runs.
type NodeStream struct {
	mu    sync.Mutex
	t0    time.Time
	procs map[int]nodeReading
	count int64
	now   func() time.Time // tests set it
}

type nodeReading struct {
	m    results.NodeMemory
	when time.Time
}

// NewNodeStream returns an empty stream.
func NewNodeStream() *NodeStream {
	return &NodeStream{procs: map[int]nodeReading{}, now: time.Now}
}

// Begin sets the time readings are counted from (the load's start).
func (s *NodeStream) Begin(t0 time.Time) {
	s.mu.Lock()
	s.t0 = t0
	s.mu.Unlock()
}

// Reset forgets every reading: the target was started again, and the
// processes that reported are gone.
func (s *NodeStream) Reset() {
	s.mu.Lock()
	clear(s.procs)
	s.mu.Unlock()
}

// Filter returns a line handler that keeps the script's readings and
// passes every other line on to next (nil: dropped).
func (s *NodeStream) Filter(next func(string)) func(string) {
	return func(line string) {
		if m, ok := ParseNodeLine(line); ok {
			s.add(m)
			return
		}
		if next != nil {
			next(line)
		}
	}
}

func (s *NodeStream) add(m results.NodeMemory) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if !s.t0.IsZero() {
		m.AtSeconds = now.Sub(s.t0).Seconds()
	}
	if _, known := s.procs[m.PID]; !known && len(s.procs) >= maxNodeProcs {
		oldest := 0
		for pid, r := range s.procs {
			if oldest == 0 || r.when.Before(s.procs[oldest].when) {
				oldest = pid
			}
		}
		delete(s.procs, oldest)
	}
	s.procs[m.PID] = nodeReading{m: m, when: now}
	s.count++
}

// Latest returns the latest reading of the process with the most RSS
// among those that reported within nodeFresh of the newest reading, with
// how many did; nil before the first reading.
func (s *NodeStream) Latest() *results.NodeMemory {
	s.mu.Lock()
	defer s.mu.Unlock()
	var newest time.Time
	for _, r := range s.procs {
		if r.when.After(newest) {
			newest = r.when
		}
	}
	var best *results.NodeMemory
	n := 0
	for _, r := range s.procs {
		if newest.Sub(r.when) > nodeFresh {
			continue
		}
		n++
		if best == nil || r.m.RSSBytes > best.RSSBytes || r.m.RSSBytes == best.RSSBytes && r.m.PID < best.PID {
			m := r.m
			best = &m
		}
	}
	if best != nil {
		best.Processes = n
	}
	return best
}

// Count is how many readings arrived.
func (s *NodeStream) Count() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}
