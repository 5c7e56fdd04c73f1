package evidence

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// Bounds of one capture.
const (
	// captureTimeout bounds each capture's requests to the target and
	// its wait for a heap snapshot.
	captureTimeout = 10 * time.Second
	// maxProfileBytes bounds a heap profile read from a target, as sent
	// (gzipped): Go's are a few hundred KiB at most. SummariseHeap bounds
	// it again once decompressed (MaxHeapProfileBytes).
	maxProfileBytes = 16 << 20
	// gcLineWait bounds the wait, after a heap profile, for the trace
	// line of its forced collection: the runtime prints it before the
	// profile is written, and the harness reads it from a pipe.
	gcLineWait = time.Second
)

// Config describes one target to capture evidence from.
type Config struct {
	// Target names the target; files are named after it.
	Target string
	// Runtime is the scenario's runtime ("go", "node", "jvm", "other").
	Runtime string
	// PID is the target's process when the Capturer starts; Attach
	// follows a restart to the next one.
	PID int
	// Members, when set, lists the processes of the target's tree now
	// (its cgroup's, or PID's descendants). smaps_rollup and the cost's
	// RSS are read of the one with the most RSS (the server, not a shell
	// or npm in front of it), and a heap snapshot is only asked of a
	// member. Unset: PID alone.
	Members func() []int
	// BaseURL is where the target listens ("http://127.0.0.1:PORT").
	BaseURL string
	// PprofPath is where a Go target serves net/http/pprof, ending in "/".
	PprofPath string
	// Pprof says the target is known to serve it (a built-in Go target, or
	// a path the scenario names): only then is the heap profile asked for,
	// since a GET to an unknown path of someone's server may do anything.
	Pprof bool
	// OutDir is the run's directory; files go to OutDir/results.EvidenceDir.
	OutDir string
	// LimitBytes is the memory limit the marks are shares of.
	LimitBytes int64
	// Marks are the shares of LimitBytes to capture at, rising.
	Marks []float64
	// Node is the target's memoryUsage stream (Node.js targets), or nil.
	Node *NodeStream
	// SnapshotDir, when set, is where the Node.js target writes a heap
	// snapshot on SnapshotSignal; one is asked for at each mark.
	SnapshotDir string
	// PythonDir, when set, is where each Python process of the target's
	// tree answers with tracemalloc's reading (PythonEnv); each is asked
	// at each mark.
	PythonDir string
	// ProcRoot is the proc file system (default "/proc").
	ProcRoot string
	// Client talks to the target (default: a client with no proxy).
	Client *http.Client
	// GC, when set, reads the target's GC trace: the collections so far
	// and the sum of their pauses in milliseconds (gctrace's
	// Tracker.Pauses). Two readings around a heap profile measure how
	// long it stopped the target.
	GC func() (count int64, pauseMs float64)
	// Jcmd, when set, replaces RunJcmd for a JVM target (tests).
	Jcmd JcmdFunc
	// AttachDir is where JVMs make their attach sockets (default "/tmp";
	// tests).
	AttachDir string
	// OnTaken, when set, is told of each capture as soon as it is
	// recorded, in the order taken, on the Capturer's goroutine (so the
	// run log can say so then, in time order with the other lines,
	// rather than at Close); it must not call the Capturer.
	OnTaken func(results.Evidence)
	// OnPanic, when set, is told of a panic while capturing (a fault of
	// the harness's): the capture is recorded with the error and the
	// Capturer goes on; the runner stops the run, as for any of its own
	// panics.
	OnPanic func(v any)
}

// Capturer takes evidence from one target as its memory passes each
// mark, on a goroutine of its own. Observe is called from the sampling
// loop and never blocks; Close must be called once, when the target is
// done, and returns what was captured.
type Capturer struct {
	cfg    Config
	next   int // index of the next mark to pass; only Observe touches it
	jobs   chan job
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	attached []int // JVMs jcmd attached to; only the work goroutine, then Close, touch it

	pending  sync.WaitGroup // captures queued and not yet recorded
	mu       sync.Mutex
	evidence []results.Evidence
	cur      process // the target's current process; guarded by mu
}

// process is the target's process (the root of its tree) a capture asks
// things of.
type process struct {
	pid     int
	members func() []int
	gc      func() (count int64, pauseMs float64)
}

type job struct {
	share       float64
	at          time.Duration
	rss, cgroup int64
	end         bool // the end-of-load capture
}

// evidence is the record of j before anything is captured: the mark and
// the sample that passed it.
func (j job) evidence() results.Evidence {
	return results.Evidence{Share: j.share, AtSeconds: j.at.Seconds(), RSSBytes: j.rss, CgroupUsageBytes: j.cgroup, EndOfLoad: j.end}
}

// New starts a Capturer for cfg. With no marks it captures nothing.
func New(cfg Config) *Capturer {
	if cfg.ProcRoot == "" {
		cfg.ProcRoot = "/proc"
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Capturer{cfg: cfg, jobs: make(chan job, len(cfg.Marks)+1), ctx: ctx, cancel: cancel, done: make(chan struct{}),
		cur: process{pid: cfg.PID, members: cfg.Members, gc: cfg.GC}}
	go c.work()
	return c
}

// Observe takes one sample of the target's memory (RSS and the cgroup's
// usage, -1 when unknown); when the larger passes the next mark, a
// capture is queued for it. Each mark is captured once.
func (c *Capturer) Observe(at time.Duration, rss, cgroupUsage int64) {
	mem := max(rss, cgroupUsage)
	for c.next < len(c.cfg.Marks) && float64(mem) >= c.cfg.Marks[c.next]*float64(c.cfg.LimitBytes) {
		c.pending.Add(1)
		c.jobs <- job{share: c.cfg.Marks[c.next], at: at, rss: rss, cgroup: cgroupUsage} // buffered for every mark
		c.next++
	}
}

// End queues the end-of-load capture of a target whose memory stayed
// below the last mark (a bounded target's evidence shows what its memory
// is), with the latest sample. It does nothing when every mark was
// passed or End was called before, and never blocks. Call it from the
// goroutine that calls Observe, before Close.
func (c *Capturer) End(at time.Duration, rss, cgroupUsage int64) {
	if c.next >= len(c.cfg.Marks) || c.cfg.LimitBytes <= 0 {
		return
	}
	c.next = len(c.cfg.Marks)
	c.pending.Add(1)
	c.jobs <- job{share: float64(max(rss, cgroupUsage)) / float64(c.cfg.LimitBytes), at: at, rss: rss, cgroup: cgroupUsage, end: true}
}

// Close stops the Capturer once the captures queued are done (each is
// bounded by captureTimeout; against a target that is gone they fail at
// once and say so). It returns the evidence, one entry per mark passed,
// in order.
func (c *Capturer) Close() []results.Evidence {
	close(c.jobs)
	<-c.done
	c.cancel()
	c.removeAttachSockets() // the work goroutine is done: attached is ours
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.evidence)
}

func (c *Capturer) work() {
	defer close(c.done)
	for j := range c.jobs {
		ev := c.captureGuarded(j)
		c.mu.Lock()
		c.evidence = append(c.evidence, ev)
		c.mu.Unlock()
		if c.cfg.OnTaken != nil {
			c.cfg.OnTaken(ev)
		}
		c.pending.Done()
	}
}

// Attach makes later captures ask the target's new process (after a
// restart: its PID, its tree's members as Config.Members, and its GC
// trace, gc nil when it has none), so that no capture reads a dead
// process's files or signals a PID the kernel may have given to another.
// Marks already passed are not taken again.
func (c *Capturer) Attach(pid int, members func() []int, gc func() (count int64, pauseMs float64)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur = process{pid: pid, members: members, gc: gc}
}

// listMembers is the tree's processes now; the root alone when unknown.
func (p process) listMembers() []int {
	if p.members != nil {
		if m := p.members(); len(m) > 0 {
			return m
		}
	}
	return []int{p.pid}
}

// largest is the member with the most RSS (the root when none can be
// read).
func (c *Capturer) largest(members []int, root int) int {
	best, bestRSS := root, int64(-1)
	for _, pid := range members {
		if r := c.rss(pid); r > bestRSS {
			best, bestRSS = pid, r
		}
	}
	return best
}

func (c *Capturer) current() process {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur
}

// Flush waits until every capture queued so far is recorded (each is
// bounded by captureTimeout).
func (c *Capturer) Flush() { c.pending.Wait() }

// captureGuarded is capture on the Capturer's own goroutine, where a
// panic would otherwise end the harness without its clean-up.
func (c *Capturer) captureGuarded(j job) (ev results.Evidence) {
	defer func() {
		if v := recover(); v != nil {
			ev = j.evidence()
			ev.Errors = []string{fmt.Sprintf("internal error while capturing: %v", v)}
			if c.cfg.OnPanic != nil {
				c.cfg.OnPanic(v)
			}
		}
	}()
	return c.capture(j)
}

// capture takes the evidence of one mark: smaps_rollup, then the heap
// profile (Go), the latest memoryUsage reading and a snapshot (Node),
// jcmd's histogram, heap and native memory (JVM), or tracemalloc's
// readings (Python).
func (c *Capturer) capture(j job) results.Evidence {
	p := c.current() // one process for the whole capture
	ev := j.evidence()
	if err := os.MkdirAll(filepath.Join(c.cfg.OutDir, results.EvidenceDir), 0o755); err != nil {
		ev.Errors = append(ev.Errors, err.Error())
		return ev
	}
	stem := fmt.Sprintf("%s-%.0fpct", c.cfg.Target, j.share*100)
	if j.end {
		stem = c.cfg.Target + "-end"
	}
	members := p.listMembers()
	ev.PID = c.largest(members, p.pid)
	if raw, err := os.ReadFile(filepath.Join(c.cfg.ProcRoot, strconv.Itoa(ev.PID), "smaps_rollup")); err != nil {
		ev.Errors = append(ev.Errors, "smaps_rollup: "+err.Error())
	} else if s, err := ParseSmapsRollup(bytes.NewReader(raw)); err != nil {
		ev.Errors = append(ev.Errors, err.Error())
	} else {
		ev.Smaps = &s
		ev.Files = append(ev.Files, c.write(&ev, stem+".smaps_rollup.txt", raw)...)
	}
	if c.cfg.Node != nil {
		ev.Node = c.cfg.Node.Latest()
		if ev.Node == nil {
			ev.Errors = append(ev.Errors, "no memoryUsage reading from the preloaded script yet")
		}
	}
	ev.Cost.RSSBeforeBytes = c.rss(ev.PID)
	gcCount, gcPause := p.gcRead()
	start := time.Now()
	switch {
	case c.cfg.Runtime == "go" && c.cfg.Pprof:
		c.heapProfile(&ev, stem)
		ev.Cost.Millis = float64(time.Since(start).Microseconds()) / 1000
		if ev.Heap != nil && gcCount >= 0 {
			c.gcStall(&ev, p, gcCount, gcPause)
		}
	case c.cfg.PythonDir != "":
		stall, answered := c.pythonHeaps(&ev, stem, members)
		ev.Cost.Millis = float64(time.Since(start).Microseconds()) / 1000
		if answered {
			ev.Cost.StallMs = &stall
		}
	case c.cfg.Runtime == "jvm":
		// The class histogram collects first: its pauses are the stall.
		asked := c.jvmEvidence(&ev, stem, members)
		ev.Cost.Millis = float64(time.Since(start).Microseconds()) / 1000
		if !asked {
			return ev
		}
		if ev.JVM != nil && len(ev.JVM.Classes) > 0 && gcCount >= 0 {
			c.gcStall(&ev, p, gcCount, gcPause)
		}
	case c.cfg.SnapshotDir != "":
		written := c.heapSnapshot(&ev, stem, members)
		ev.Cost.Millis = float64(time.Since(start).Microseconds()) / 1000
		if written {
			stall := ev.Cost.Millis
			ev.Cost.StallMs = &stall
		}
	default:
		return ev // nothing asked of the target: no cost
	}
	ev.Cost.RSSAfterBytes = c.rss(ev.PID)
	return ev
}

// gcRead reads the process's GC trace; (-1, -1) when there is none.
func (p process) gcRead() (int64, float64) {
	if p.gc == nil {
		return -1, -1
	}
	return p.gc()
}

// gcStall records the pauses of the collections since the reading
// (count, pauseMs), once the forced collection's trace line has been
// read (within gcLineWait); without it the stall stays unknown.
func (c *Capturer) gcStall(ev *results.Evidence, proc process, count int64, pauseMs float64) {
	deadline := time.Now().Add(gcLineWait)
	for {
		n, p := proc.gcRead()
		if n > count {
			stall := p - pauseMs
			ev.Cost.StallMs = &stall
			ev.Cost.Collections = n - count
			return
		}
		if time.Now().After(deadline) || c.ctx.Err() != nil {
			ev.Errors = append(ev.Errors, fmt.Sprintf("stall: no GC trace line within %s of the heap profile's forced collection", gcLineWait))
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// heapProfile fetches PprofPath+"heap?gc=1" (a GC first, so in-use is
// current rather than as of the last cycle), saves it and summarises it.
func (c *Capturer) heapProfile(ev *results.Evidence, stem string) {
	ctx, cancel := context.WithTimeout(c.ctx, captureTimeout)
	defer cancel()
	url := c.cfg.BaseURL + c.cfg.PprofPath + "heap?gc=1"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		ev.Errors = append(ev.Errors, "heap profile: "+err.Error())
		return
	}
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		ev.Errors = append(ev.Errors, "heap profile: "+err.Error())
		return
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxProfileBytes+1))
	switch {
	case err != nil:
		ev.Errors = append(ev.Errors, "heap profile: "+err.Error())
		return
	case resp.StatusCode != http.StatusOK:
		ev.Errors = append(ev.Errors, fmt.Sprintf("heap profile: GET %s: %s (does the target serve net/http/pprof there? set evidence.pprof_path)", c.cfg.PprofPath+"heap", resp.Status))
		return
	case len(raw) > maxProfileBytes:
		ev.Errors = append(ev.Errors, fmt.Sprintf("heap profile: larger than %d MiB", maxProfileBytes>>20))
		return
	}
	hp, err := SummariseHeap(bytes.NewReader(raw), DefaultTopSites)
	if err != nil {
		ev.Errors = append(ev.Errors, err.Error())
		return
	}
	if files := c.write(ev, stem+".heap.pb.gz", raw); len(files) > 0 {
		hp.File = files[0]
		ev.Files = append(ev.Files, files...)
	}
	ev.Heap = hp
}

// heapSnapshot signals the Node.js process of the latest memoryUsage
// reading (the tree's node with the most RSS, which runs the preload and
// so takes a snapshot on the signal) to write a heap snapshot, and waits
// until the file stops growing, then moves it next to the others; it
// reports whether the snapshot was written. No other process is
// signalled: a shell in front of node would die of it.
func (c *Capturer) heapSnapshot(ev *results.Evidence, stem string, members []int) bool {
	if ev.Node == nil || !slices.Contains(members, ev.Node.PID) {
		ev.Errors = append(ev.Errors, "heap snapshot: no memoryUsage reading from a process of the target's tree, so none is known to take one on "+SnapshotSignal)
		return false
	}
	pid := ev.Node.PID
	before, _ := filepath.Glob(filepath.Join(c.cfg.SnapshotDir, "*.heapsnapshot"))
	if err := syscall.Kill(pid, syscall.SIGUSR2); err != nil {
		ev.Errors = append(ev.Errors, "heap snapshot: "+err.Error())
		return false
	}
	ctx, cancel := context.WithTimeout(c.ctx, captureTimeout)
	defer cancel()
	file, err := waitSnapshot(ctx, c.cfg.SnapshotDir, before)
	if err != nil {
		ev.Errors = append(ev.Errors, "heap snapshot: "+err.Error())
		return false
	}
	rel := filepath.Join(results.EvidenceDir, stem+".heapsnapshot")
	if err := os.Rename(file, filepath.Join(c.cfg.OutDir, rel)); err != nil {
		ev.Errors = append(ev.Errors, "heap snapshot: "+err.Error())
		return false
	}
	ev.Files = append(ev.Files, rel)
	return true
}

// waitSnapshot polls dir for a new *.heapsnapshot (not in before) whose
// size has stopped changing for two polls: V8 writes it in one go while
// the process is paused, then resumes.
func waitSnapshot(ctx context.Context, dir string, before []string) (string, error) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last string
	var lastSize int64 = -1
	stable := 0
	for {
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no snapshot written: %w", context.Cause(ctx))
		case <-tick.C:
		}
		now, _ := filepath.Glob(filepath.Join(dir, "*.heapsnapshot"))
		for _, f := range now {
			if slices.Contains(before, f) {
				continue
			}
			fi, err := os.Stat(f)
			if err != nil {
				continue
			}
			if f == last && fi.Size() == lastSize && fi.Size() > 0 {
				if stable++; stable >= 2 {
					return f, nil
				}
			} else {
				last, lastSize, stable = f, fi.Size(), 0
			}
		}
	}
}

// write saves data as OutDir/evidence/name and returns its relative path
// (none when it could not be written: the error is recorded).
func (c *Capturer) write(ev *results.Evidence, name string, data []byte) []string {
	rel := filepath.Join(results.EvidenceDir, name)
	if err := results.WriteFileIn(c.cfg.OutDir, rel, data); err != nil {
		ev.Errors = append(ev.Errors, err.Error())
		return nil
	}
	return []string{rel}
}

// rss reads the resident set of process pid from /proc/PID/statm (0 when
// gone).
func (c *Capturer) rss(pid int) int64 {
	raw, err := os.ReadFile(filepath.Join(c.cfg.ProcRoot, strconv.Itoa(pid), "statm"))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(raw))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
