package runner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oomlab/oomlab/runner/cgroup"
	"github.com/oomlab/oomlab/runner/gctrace"
	"github.com/oomlab/oomlab/runner/load"
	"github.com/oomlab/oomlab/runner/proc"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/sample"
	"github.com/oomlab/oomlab/scenarios"
)

// stopGrace is how long a target gets between SIGTERM and SIGKILL.
const stopGrace = 3 * time.Second

// targetRun is the state of one target while it runs.
type targetRun struct {
	h       *harness
	t       *scenarios.Target
	res     results.Target
	p       *proc.Process
	group   *cgroup.Group
	sampler *sample.Tree
	tracker *gctrace.Tracker
	t0      time.Time
	addr    string
	mon     monitor // stage and phase as last reported
	down    downstreamer
	downURL string

	lastSuccess atomic.Int64 // ns since t0 of the latest window with a success; -1 none
	lastRow     atomic.Pointer[results.LoadRow]

	rss      int64             // latest RSS sample
	mem      int64             // latest max(RSS, cgroup usage)
	forecast *results.Forecast // set when --fail-fast ended the load
	lastFc   *results.Forecast // the latest forecast made
	cpuSum   float64
	cpuN     int
	peak     int64
	cgPeak   int64
	failCnt  int64
	oomKills int64
	killedBy killCause     // set when the harness killed it for memory
	killedAt time.Duration // when it did, or when the death was seen
	stopped  bool          // the harness stopped the target (end of load, interrupt)

	spec     proc.Spec // how to start it again
	gcBase   int64     // GC cycles of earlier processes (restarts)
	oomBase  int64     // the cgroup's oom_kill counter when this process started
	failBase int64     // its fail counter then
	deaths   []results.Event
	signs    *memorySigns // the current process's out-of-memory lines
	tree     treeFigures
	ev       targetEvidence // heap evidence near the limit (evidence.go)
}

// runTarget runs one target from start to cleanup and returns its findings.
// What the target does is a finding; only harness trouble is logged as an
// error in the result's Error field.
func (h *harness) runTarget(ctx context.Context, t *scenarios.Target) (tr results.Target) {
	r := &targetRun{h: h, t: t, res: results.Target{
		Name: t.Name, Role: t.Role, Runtime: t.Runtime, Stages: []results.Stage{}, Command: []string{},
	}}
	r.lastSuccess.Store(-1)
	defer r.cleanupOnPanic(&tr)
	fmt.Fprintf(h.opts.Log, "target      %s (%s)\n", t.Name, t.Runtime)
	down, downURL, closeDown, err := h.downstreamFor(ctx, t.Name)
	if err != nil {
		r.res.Outcome, r.res.Error = results.OutcomeFailedToStart, err.Error()
		return r.res
	}
	defer closeDown()
	r.down, r.downURL = down, downURL
	if err := r.start(ctx); err != nil {
		r.cleanup()
		if r.res.Outcome == "" {
			r.res.Outcome = results.OutcomeFailedToStart
		}
		r.res.Error = err.Error()
		if r.p != nil {
			r.res.StderrTail = r.p.StderrTail()
			r.res.Exit.Code, r.res.Exit.Signal = r.p.Exit()
		}
		fmt.Fprintf(h.opts.Log, "  %s %s: %s\n", t.Name, r.res.Outcome, err)
		return r.res
	}
	r.drive(ctx)
	r.cleanup()
	r.finish(ctx)
	// A single death was logged as it happened (recordDeath) with this
	// very detail; say the outcome again only when it adds something.
	if len(r.deaths) != 1 || r.res.Restarts > 0 {
		fmt.Fprintf(h.opts.Log, "  %s %s: %s\n", t.Name, r.res.Outcome, r.res.OutcomeDetail)
	}
	return r.res
}

// start launches the target in its cgroup and waits until it listens.
func (r *targetRun) start(ctx context.Context) error {
	h, t := r.h, r.t
	argv, err := h.targetArgv(t)
	if err != nil {
		if errors.Is(err, errSkip) {
			r.res.Outcome = results.OutcomeSkipped
		}
		return err
	}
	port, err := proc.FreePort("127.0.0.1")
	if err != nil {
		return err
	}
	argv, env, err := h.targetCommand(t, argv, targetVars(port, r.downURL, r.down.addr()))
	if err != nil {
		return err
	}
	if env, err = r.evidenceEnv(env); err != nil {
		return err
	}
	r.res.Command = argv

	if h.cgroups != nil {
		if r.group, err = h.cgroups.New(t.Name, int64(h.opts.Scenario.MemoryLimit)); err != nil {
			return fmt.Errorf("runner: cgroup for %s: %w", t.Name, err)
		}
	}
	r.spec = proc.Spec{Name: t.Name, Argv: argv, Env: env, Dir: t.Dir}
	r.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	return r.launch(ctx)
}

// launch starts the target's process (again, after a death, when its
// restart policy says so) in its cgroup and waits until it listens.
func (r *targetRun) launch(ctx context.Context) error {
	if r.tracker != nil {
		if n, _ := r.tracker.Snapshot(); n > 0 {
			r.gcBase += n
		}
	}
	r.tracker = gctrace.NewTracker(r.t.Runtime)
	spec := r.spec
	// Go's gctrace goes to stderr; V8's --trace-gc to stdout (printf), and
	// on a heap OOM V8 repeats recent GC lines on stderr, which must not be
	// counted twice: read each runtime's trace from its own stream only.
	r.signs = &memorySigns{}
	spec.OnStderrLine = r.signs.Feed
	if r.t.Runtime == "node" {
		spec.OnStdoutLine = r.nodeLines(r.tracker.Feed)
	} else {
		tracker, signs := r.tracker, r.signs
		spec.OnStderrLine = func(l string) { tracker.Feed(l); signs.Feed(l) }
	}
	if r.group != nil {
		if st, err := r.group.Stats(); err == nil {
			r.oomBase, r.failBase = st.OOMKills, st.FailCount
		}
	}
	if r.group != nil {
		// Started by a shim that joins the group first: no moment outside it.
		spec.Argv = execInArgv(r.h.opts.Executable, filepath.Join(r.group.Path(), "cgroup.procs"), spec.Argv)
	}
	var err error
	if r.p, err = proc.Start(ctx, spec); err != nil {
		return err
	}
	if r.sampler, err = newTreeSampler(r.p.PID(), r.group); err != nil {
		return r.p.ExitedEarly(err)
	}
	r.evidenceAttach()
	rctx, cancel := context.WithTimeout(ctx, r.t.ReadyTimeout.D())
	defer cancel()
	return proc.WaitReady(rctx, r.p, r.addr, r.t.ReadyPath)
}

// drive runs the load against the started target and samples it until the
// load ends, the target dies, the harness kills it for memory, or ctx ends.
func (r *targetRun) drive(ctx context.Context) {
	h, sc := r.h, r.h.opts.Scenario
	req := sc.Load.Request
	header := http.Header{}
	for k, v := range req.Headers {
		header.Set(k, v)
	}
	cfg := load.Config{
		Name: r.t.Name, URL: "http://" + r.addr + req.Path, Method: req.Method, Header: header, Body: h.body,
		Stages: loadStages(sc.Load), Timeout: req.Timeout.D(), MaxWorkers: sc.Load.MaxWorkers,
		MaxConnections: sc.Load.MaxConnections, AllowRemote: h.opts.AllowRemote,
	}
	loadCtx, cancelLoad := context.WithCancel(ctx)
	defer cancelLoad()

	r.t0 = time.Now()
	r.down.Begin(r.t0)
	r.mon = newMonitor(h.res)
	h.rec.Event(results.RunEvent{Kind: results.EventLoadStarted, Target: r.t.Name})
	r.res.LoadStartedAt = r.t0.UTC()
	type loadResult struct {
		stages []results.Stage
		err    error
	}
	loadDone := make(chan loadResult, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		st, err := load.Run(loadCtx, cfg, r.onWindow)
		loadDone <- loadResult{st, err}
	}()

	stall := newStallDetector(int64(sc.MemoryLimit), h.opts.StallWindow)
	ff := newFailFast(int64(sc.MemoryLimit), sc.Load.TotalDuration(), h.opts.FailFast)
	tick := time.NewTicker(sc.SampleInterval.D())
	defer tick.Stop()
	var lr *loadResult
	for lr == nil {
		select {
		case <-tick.C:
			el := time.Since(r.t0)
			r.takeSample(el, stall)
			r.timeline(el)
			r.testPanic()
			if r.failFastCheck(ff, el) {
				cancelLoad()
			}
		case <-r.p.Done():
			// When ctx ended, the process was stopped for us (exec's
			// Cancel sends SIGTERM to the group): not a death.
			if ctx.Err() != nil {
				r.stopped = true
				cancelLoad()
				res := <-loadDone
				lr = &res
				break
			}
			if r.killedBy == killNone {
				r.killedAt = time.Since(r.t0)
			}
			if r.recordDeath(ctx) {
				stall = newStallDetector(int64(sc.MemoryLimit), h.opts.StallWindow)
				continue
			}
			// Dead for good: the rest of the load would only meet a
			// closed port, so stop it.
			cancelLoad()
			res := <-loadDone
			lr = &res
		case res := <-loadDone:
			lr = &res
		}
	}
	wg.Wait()
	r.res.DurationSeconds = time.Since(r.t0).Seconds()
	r.res.Stages = lr.stages
	if r.res.Stages == nil {
		r.res.Stages = []results.Stage{}
	}
	if lr.err != nil && !errors.Is(lr.err, context.Canceled) {
		r.res.Error = lr.err.Error()
	}
	for _, st := range r.res.Stages {
		if st.Behind {
			w := fmt.Sprintf("stage %d fell behind: %.1f of %.0f requests/s offered (lagged up to %.1f s); the load generator, not the target, limited this stage",
				st.Index+1, st.AchievedRatePerSecond, st.OfferedRatePerSecond, st.MaxLagSeconds)
			fmt.Fprintf(h.opts.Log, "  warning: %s\n", w)
			h.rec.Event(results.RunEvent{Kind: results.EventWarning, Target: r.t.Name, AtSeconds: time.Since(r.t0).Seconds(), Detail: w})
		}
	}
	r.evidenceEnd()
	select {
	case <-r.p.Done():
	default:
		r.stopped = true
		r.p.Stop(stopGrace)
	}
	r.takeSample(time.Since(r.t0), nil) // final counters of the cgroup
	r.res.Downstream = r.down.figures()
}

// onWindow receives one load window; it runs on the load's aggregating
// goroutine and stays quick: one CSV row and two atomic stores.
func (r *targetRun) onWindow(row results.LoadRow) {
	row.Target = r.t.Name
	r.h.rec.LoadWindow(row)
	if row.Successes > 0 {
		r.lastSuccess.Store(int64(row.TSeconds * float64(time.Second)))
	}
	r.lastRow.Store(&row)
}

// takeSample samples the target, its cgroup and the harness, writes a row,
// and enforces the watchdog and the stall rule (stall may be nil): a
// target it kills is then seen dead by drive.
func (r *targetRun) takeSample(el time.Duration, stall *stallDetector) {
	row := results.SampleRow{Target: r.t.Name, TSeconds: el.Seconds(), CgroupUsageBytes: -1, CgroupFailCount: -1, GCCount: -1, HeapBytes: -1}
	alive := true
	// A process being torn down by the kernel reads RSS 0 before it turns
	// zombie: that is not a sample of the live process.
	if p, err := r.sampler.Sample(); err == nil && p.RSSBytes > 0 {
		row.RSSBytes, row.HWMBytes, row.CPUPercent, row.Threads, row.FDs = p.RSSBytes, p.HWMBytes, p.CPUPercent, p.Threads, p.FDs
		r.rss = p.RSSBytes
		r.peak = max(r.peak, p.RSSBytes, p.HWMBytes)
		r.cpuSum += p.CPUPercent
		r.cpuN++
		r.tree.note(r.sampler, p)
	} else {
		alive = false
	}
	if r.group != nil {
		if st, err := r.group.Stats(); err == nil {
			row.CgroupUsageBytes, row.CgroupFailCount = st.UsageBytes, st.FailCount
			r.cgPeak = max(r.cgPeak, st.PeakBytes, st.UsageBytes)
			r.failCnt = st.FailCount
			r.oomKills = st.OOMKills
			if st.OOMKills > r.oomBase && r.killedBy == killNone {
				r.endKilledTree(el)
				alive = false // what is left is not the target's memory
			}
		}
	}
	row.GCCount, row.HeapBytes = r.tracker.Snapshot()
	if row.GCCount >= 0 {
		row.GCCount += r.gcBase
	}
	row.HarnessRSSBytes = r.h.sampleSelf()
	if !alive {
		return // the process is gone; Done will tell how
	}
	r.mem = max(row.RSSBytes, row.CgroupUsageBytes)
	r.h.rec.Sample(row)
	r.evidenceObserve(el, row)
	if stall == nil || r.killedBy != killNone {
		return
	}
	limit := int64(r.h.opts.Scenario.MemoryLimit)
	if r.group == nil && row.RSSBytes > limit {
		r.killedBy, r.killedAt = killWatchdog, el
		r.p.Kill()
		fmt.Fprintf(r.h.opts.Log, "  watchdog: RSS %s passed the limit %s at %.1fs: killed\n", mib(row.RSSBytes), mib(limit), el.Seconds())
		return
	}
	mem := max(row.RSSBytes, row.CgroupUsageBytes)
	if stalled, since := stall.observe(el, mem, row.CgroupFailCount, time.Duration(r.lastSuccess.Load())); stalled {
		r.killedBy, r.killedAt = killStall, since
		r.p.Kill()
		fmt.Fprintf(r.h.opts.Log, "  limit-stall: at the limit since %.1fs with no success: killed by the harness\n", since.Seconds())
	}
}
