package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/oomlab/oomlab/runner/evidence"
	"github.com/oomlab/oomlab/runner/results"
)

// targetEvidence is what a target needs for evidence near the limit: the
// memoryUsage stream of a Node.js target and the Capturer that follows
// its current process (marks are passed once per target, restarts
// included).
type targetEvidence struct {
	node        *evidence.NodeStream
	snapshotDir string
	pythonDir   string // where the Python processes answer (tracemalloc)
	capt        *evidence.Capturer
	begun       bool
	last        results.SampleRow // the latest sample passed on
}

// evidenceMarks is the scenario's marks, none when evidence is off.
func (h *harness) evidenceMarks() []float64 {
	if h.opts.NoEvidence {
		return nil
	}
	return h.opts.Scenario.Evidence.Marks()
}

// evidenceEnv prepares a Node.js target's evidence before its first
// start: the memoryUsage preload (NODE_OPTIONS) and, when the scenario
// asks, the heap snapshot signal; and a Python target's tracemalloc,
// when the scenario asks. Other runtimes are left as they are.
func (r *targetRun) evidenceEnv(env []string) ([]string, error) {
	if len(r.h.evidenceMarks()) == 0 {
		return env, nil
	}
	h := r.h
	if r.t.Runtime == "python" && h.opts.Scenario.Evidence.Tracemalloc {
		err := h.scratch.use(func(dir string) error {
			var err error
			env, err = r.pythonEvidenceEnv(env, dir)
			return err
		})
		return env, err
	}
	if r.t.Runtime != "node" {
		return env, nil
	}
	err := h.scratch.use(func(dir string) error {
		if h.opts.Scenario.Evidence.HeapSnapshot {
			r.ev.snapshotDir = filepath.Join(dir, r.t.Name+"-snapshots")
			if err := os.MkdirAll(r.ev.snapshotDir, 0o755); err != nil {
				return fmt.Errorf("runner: %w", err)
			}
		}
		r.ev.node = evidence.NewNodeStream()
		// Readings quicken from the first mark on: the last one before a
		// kill is the figure the report gives.
		near := int64(float64(h.opts.Scenario.MemoryLimit) * slices.Min(h.evidenceMarks()))
		var err error
		env, err = evidence.NodeEnv(env, dir, r.ev.snapshotDir, near)
		return err
	})
	return env, err
}

// nodeLines puts the memoryUsage stream, if any, in front of next.
func (r *targetRun) nodeLines(next func(string)) func(string) {
	if r.ev.node == nil {
		return next
	}
	return r.ev.node.Filter(next)
}

// evidenceAttach starts the Capturer once the first process runs, and
// points it at each later one (a restart).
func (r *targetRun) evidenceAttach() {
	marks := r.h.evidenceMarks()
	if len(marks) == 0 {
		return
	}
	if r.ev.capt != nil {
		if r.ev.node != nil {
			r.ev.node.Reset() // the readings were the dead processes'
		}
		r.ev.capt.Attach(r.p.PID(), r.mon.members(), r.mon.gcPauses())
		return
	}
	r.ev.capt = evidence.New(evidence.Config{
		Target: r.t.Name, Runtime: r.t.Runtime, PID: r.p.PID(), Members: r.mon.members(), BaseURL: "http://" + r.addr,
		PprofPath: r.h.opts.Scenario.Evidence.Pprof(), Pprof: r.t.Builtin != "" || r.h.opts.Scenario.Evidence.PprofPath != "",
		OutDir:     r.h.opts.OutDir,
		LimitBytes: int64(r.h.opts.Scenario.MemoryLimit), Marks: marks, Node: r.ev.node, SnapshotDir: r.ev.snapshotDir,
		PythonDir: r.ev.pythonDir,
		GC:        r.mon.gcPauses(), // the first process's, as PID; Attach follows restarts
		OnTaken:   r.logEvidence,
		OnPanic:   r.h.notePanic,
	})
}

// evidenceObserve passes one sample on to the Capturer.
func (r *targetRun) evidenceObserve(el time.Duration, row results.SampleRow) {
	if r.ev.capt == nil {
		return
	}
	if !r.ev.begun && r.ev.node != nil {
		r.ev.node.Begin(r.t0)
	}
	r.ev.begun = true
	r.ev.last = row
	r.ev.capt.Observe(el, row.RSSBytes, row.CgroupUsageBytes)
	// Still under load: near its end, or as --fast stops it (the sample
	// that decided the stop; the requests in flight are still served).
	if total := r.h.opts.Scenario.Load.TotalDuration(); (total > 2*endWindow && el >= total-endWindow) || r.mon.stoppedEarly() != nil {
		r.ev.capt.End(el, row.RSSBytes, row.CgroupUsageBytes)
	}
}

// endWindow: the end-of-load capture is taken this long before the load
// ends, while the target still serves it.
const endWindow = 2 * time.Second

// evidenceEnd queues the end-of-load evidence of a target still alive
// whose memory stayed below the last mark, when no sample near the end of
// the load did (a short load), before the target is stopped.
func (r *targetRun) evidenceEnd() {
	if r.ev.capt == nil || r.ev.last.RSSBytes <= 0 {
		return
	}
	select {
	case <-r.p.Done():
		return
	default:
	}
	r.ev.capt.End(time.Duration(r.ev.last.TSeconds*float64(time.Second)), r.ev.last.RSSBytes, r.ev.last.CgroupUsageBytes)
	r.ev.capt.Flush() // before the target is stopped
}

// logEvidence writes the run log's line for one capture, as it is taken
// (the Capturer's OnTaken): between the lines before and after it in
// time, not after the target's end.
func (r *targetRun) logEvidence(e results.Evidence) {
	fmt.Fprint(r.h.opts.Log, evidenceLine(r.t.Name, e))
}

// evidenceLine is the run log's line for a capture: "  upload-naive
// evidence at 50% of the limit (8.7 s): 3 files, took 41 ms".
func evidenceLine(target string, e results.Evidence) string {
	what := "at"
	if e.EndOfLoad {
		what = "at the end of the load,"
	}
	stall := ""
	if e.Cost.StallMs != nil {
		stall = fmt.Sprintf(", stopped it %.1f ms", *e.Cost.StallMs)
	}
	return fmt.Sprintf("  %s evidence %s %.0f%% of the limit (%.1f s): %d files, took %.0f ms%s\n",
		target, what, e.Share*100, e.AtSeconds, len(e.Files), e.Cost.Millis, stall)
}

// evidenceFinish stops the Capturer and records what it took.
func (r *targetRun) evidenceFinish() {
	if r.ev.capt != nil {
		r.res.Evidence = r.ev.capt.Close()
		r.ev.capt = nil
	}
	if r.ev.node != nil {
		r.res.NodeMemoryLast = r.ev.node.Latest()
	}
}
