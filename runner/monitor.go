package runner

import (
	"sync/atomic"
	"time"

	"github.com/oomlab/oomlab/runner/cgroup"
	"github.com/oomlab/oomlab/runner/gctrace"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/sample"
	"github.com/oomlab/oomlab/scenarios"
)

// targetMonitor watches one target while it runs, across its restarts: it
// samples the process tree, the cgroup and the GC trace, records each
// sample, reports the stage and phase the load enters, keeps the figures
// results.json gives (peaks, counters, CPU mean, the tree's largest
// process, GC cycles, forecasts), and applies the rules (decide) that call
// for a kill or for the end of the load. It never acts on the process or
// the load itself: tick returns decisions and the target's lifecycle
// (targetRun) carries them out.
//
// tick and last run on the target's sampling loop, onWindow on its load's
// aggregating goroutine; only lastSuccess is shared between them.
type targetMonitor struct {
	name     string
	rec      Recorder
	self     func() int64 // the harness's own RSS, -1 unknown
	counters groupCounters
	timeline timeline
	// onSample, when set, receives every sample of the live target once
	// it is recorded (evidence near the limit).
	onSample func(time.Duration, results.SampleRow)

	lastSuccess atomic.Int64 // ns since the load's start of the latest window with a success; -1 none

	sampler *sample.Tree     // the current process's tree
	tracker *gctrace.Tracker // the current process's GC trace
	gcBase  int64            // GC cycles of earlier processes (restarts)
	rules   watch

	// Figures over the target's whole life, restarts included.
	peak   int64 // largest RSS or HWM of the tree
	cpuSum float64
	cpuN   int
	tree   treeFigures
}

// newMonitor returns the monitor of target t, whose processes run in g
// (nil under the watchdog); onSample is the hook for each recorded
// sample (nil: none).
func (h *harness) newMonitor(t *scenarios.Target, g *cgroup.Group, onSample func(time.Duration, results.SampleRow)) *targetMonitor {
	sc := h.opts.Scenario
	var counters groupCounters
	if g != nil {
		counters = newGroupCounters(g, g.Mode())
	}
	m := &targetMonitor{
		name: t.Name, rec: h.rec, self: h.sampleSelf, counters: counters, timeline: newTimeline(h.res), onSample: onSample,
		rules: newWatch(int64(sc.MemoryLimit), g != nil, h.opts.StallWindow, sc.Load.TotalDuration(), h.opts.FailFast),
	}
	m.lastSuccess.Store(-1)
	return m
}

// nextProcess prepares for the target's next process, before it starts:
// it takes the cgroup counters' baselines and returns the GC trace
// tracker the process's output is fed to, keeping the cycles of the
// current one.
func (m *targetMonitor) nextProcess(runtime string) *gctrace.Tracker {
	m.counters.begin()
	if n, _ := m.tracker.Snapshot(); n > 0 {
		m.gcBase += n
	}
	m.tracker = gctrace.NewTracker(runtime)
	return m.tracker
}

// attach starts watching the new process of the target, once started,
// whose tree s samples.
func (m *targetMonitor) attach(s *sample.Tree) {
	m.sampler = s
	m.rules = m.rules.process()
}

// members lists the processes of the current process's tree; the
// returned function stays with that process after a restart.
func (m *targetMonitor) members() func() []int { return m.sampler.Members }

// gcPauses reads the current process's GC trace (collections so far and
// their pauses); the returned function stays with that process.
func (m *targetMonitor) gcPauses() func() (int64, float64) { return m.tracker.Pauses }

// death is what the cgroup counted while the process that just died ran
// (nil without a cgroup), for classify.
func (m *targetMonitor) death() *cgroupDelta { return m.counters.death() }

// released tells the monitor that the lifecycle has seen the current
// process's death: a kill may be asked again (of the next process, or at
// the last sample).
func (m *targetMonitor) released() { m.rules.Acted = false }

// onWindow receives one load window; it runs on the load's aggregating
// goroutine and stays quick: one CSV row and an atomic store.
func (m *targetMonitor) onWindow(row results.LoadRow) {
	row.Target = m.name
	m.rec.LoadWindow(row)
	if row.Successes > 0 {
		m.lastSuccess.Store(int64(row.TSeconds * float64(time.Second)))
	}
}

// tick takes the sample due el after the load's start, records it, reports
// a stage or phase the load has entered, and returns what the lifecycle
// must do, in order (none: carry on).
func (m *targetMonitor) tick(el time.Duration) []decision {
	ds := m.take(el, false)
	for _, ev := range m.timeline.advance(m.name, el.Seconds()) {
		m.rec.Event(ev)
	}
	return ds
}

// last takes the sample after the load, for the cgroup's final counters;
// of the rules only the tree's OOM kill applies.
func (m *targetMonitor) last(el time.Duration) []decision { return m.take(el, true) }

// take samples the target, its cgroup and the harness, updates the
// figures, decides, and records the sample when it is of the live target.
func (m *targetMonitor) take(el time.Duration, afterLoad bool) []decision {
	row, r := m.read(el)
	r.AfterLoad = afterLoad
	ds, live, next := decide(m.rules, r)
	m.rules = next
	if live {
		m.rec.Sample(row)
		if m.onSample != nil {
			m.onSample(el, row)
		}
	}
	return ds
}

// read samples the process tree, the cgroup, the GC trace and the harness
// itself, and takes the sample into the figures.
func (m *targetMonitor) read(el time.Duration) (results.SampleRow, reading) {
	row := results.SampleRow{Target: m.name, TSeconds: el.Seconds(), CgroupUsageBytes: -1, CgroupFailCount: -1, GCCount: -1, HeapBytes: -1, HeapCommittedBytes: -1}
	r := reading{At: el, LastSuccess: time.Duration(m.lastSuccess.Load())}
	// A process being torn down by the kernel reads RSS 0 before it turns
	// zombie: that is not a sample of the live process.
	if p, err := m.sampler.Sample(); err == nil && p.RSSBytes > 0 {
		row.RSSBytes, row.HWMBytes, row.CPUPercent, row.Threads, row.FDs = p.RSSBytes, p.HWMBytes, p.CPUPercent, p.Threads, p.FDs
		r.RSSBytes = p.RSSBytes
		m.peak = max(m.peak, p.RSSBytes, p.HWMBytes)
		m.cpuSum += p.CPUPercent
		m.cpuN++
		m.tree.note(m.sampler, p)
	}
	if st, newKills, ok := m.counters.read(); ok {
		row.CgroupUsageBytes, row.CgroupFailCount = st.UsageBytes, st.FailCount
		r.Cgroup, r.NewOOMKills = &st, newKills
	}
	row.GCCount, row.HeapBytes = m.tracker.Snapshot()
	if _, committed := m.tracker.Heap(); committed > 0 {
		row.HeapCommittedBytes = committed
	}
	if row.GCCount >= 0 {
		row.GCCount += m.gcBase
	}
	row.HarnessRSSBytes = m.self()
	return row, r
}

// forecasts returns the forecast that ended the load (--fail-fast), nil
// when none did, and the latest forecast made, nil before the first.
func (m *targetMonitor) forecasts() (cut, latest *results.Forecast) {
	return m.rules.Cut, m.rules.LastForecast
}

// figures writes the figures of the target's whole life into res.
func (m *targetMonitor) figures(res *results.Target) {
	res.RSSPeakBytes = m.peak
	res.ProcessesMax, res.LargestProcess = m.tree.maxProcs, m.tree.largest
	res.CgroupPeakBytes = m.counters.peak
	res.CgroupFailCount = m.counters.failLast
	if m.cpuN > 0 {
		res.CPUPercentMean = m.cpuSum / float64(m.cpuN)
	}
	if n, _ := m.tracker.Snapshot(); n >= 0 {
		n += m.gcBase
		res.GCCount = &n
	}
}
