package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/oomlab/oomlab/runner/cgroup"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/sample"
	"github.com/oomlab/oomlab/scenarios"
)

// Limit modes a user can ask for.
const (
	LimitAuto     = "auto"     // a cgroup where one can be made, else the watchdog
	LimitCgroup   = "cgroup"   // a cgroup or fail
	LimitWatchdog = "watchdog" // never a cgroup: the harness kills past the limit
)

// Options configure Run.
type Options struct {
	// Scenario is the parsed scenario (required).
	Scenario *scenarios.Scenario
	// OutDir receives results.json, samples.csv and load.csv; created if
	// missing.
	OutDir string
	// Executable is the oomlab binary that built-in Go targets re-execute
	// as "Executable fixture NAME", and that starts every target inside
	// its cgroup as "Executable exec-in PROCS -- ARGV" (default
	// os.Executable()).
	Executable string
	// Node is the node executable for Node.js targets (default: "node"
	// looked up in PATH).
	Node string
	// LimitMode is LimitAuto (default), LimitCgroup or LimitWatchdog.
	LimitMode string
	// CgroupRoot is the file system root cgroups are detected under
	// (default "/"; tests point it at a fake tree).
	CgroupRoot string
	// AllowRemote lets the load reach addresses other than loopback.
	AllowRemote bool
	// Log receives one line per step (nil: discarded).
	Log io.Writer
	// Version is written to results.json.
	Version string
	// Shard ("I/N"), Repeat and Repeats are written to results.json as
	// they are: which share of a sharded run and which of several repeats
	// this run is (results.Results).
	Shard           string
	Repeat, Repeats int
	// FailFast ends a target's load once its memory is confidently
	// forecast to reach the limit before the load's end (three forecasts
	// in a row, one a second, see curve.ForecastLimit); the target's
	// outcome is then results.OutcomeForecastOOM.
	FailFast bool
	// Fast stops a target's load early once its memory is flat beyond
	// doubt over the settled part of the top stage (fastStop: the
	// verdict's settling and growth threshold, three checks in a row, one
	// a second); the requests in flight then finish as at the load's end,
	// the outcome stays survived and results.Target.StoppedEarly says
	// when and why.
	Fast bool
	// StallWindow is how long a target must sit at its limit, answering
	// nothing, before it is called stalled (default 5s).
	StallWindow time.Duration
	// Recorder receives the run as it happens, besides the CSV files
	// (nil: none). See Recorder for what it must promise.
	Recorder Recorder
	// Parallel runs every target at once (also set by the scenario's
	// parallel: true).
	Parallel bool
	// NoEvidence turns off evidence near the limit (--no-evidence).
	NoEvidence bool

	// hooks are the fault-injection points only this package's tests set
	// (nil: those of TestPanicEnv, if set, else none).
	hooks *hooks
}

// ErrInterrupted is returned (wrapped) when ctx ended the run early; the
// results written are marked partial.
var ErrInterrupted = errors.New("runner: run interrupted")

// ErrDeadline is returned (wrapped) when the scenario's deadline ended the
// run; the results written are marked partial.
var ErrDeadline = errors.New("runner: scenario deadline reached")

// Run runs every target of the scenario in turn and writes the results to
// opts.OutDir. It always writes results.json, also when the run is
// interrupted or a target fails to start (then marked partial or carrying
// the failure); the returned Results is what was written. The error is
// non-nil only for harness failures and interruptions, never for what a
// target did: an OOM kill or a crash is a finding, recorded in Results.
func Run(ctx context.Context, opts Options) (*results.Results, error) {
	if opts.Scenario == nil {
		return nil, errors.New("runner: no scenario")
	}
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	if err := Check(opts.Scenario); err != nil {
		return nil, err
	}
	sc := opts.Scenario
	out, err := results.CreateOutDir(opts.OutDir)
	if err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	defer out.Close()
	res := newResults(sc, opts.Version)
	ctx, cancel := context.WithTimeoutCause(ctx, sc.Deadline.D(), fmt.Errorf("%w (%s)", ErrDeadline, sc.Deadline))
	defer cancel()
	defer func() { res.FinishedAt = time.Now().UTC() }()

	h, err := newHarness(ctx, opts, res, out)
	if err != nil {
		res.Partial, res.PartialReason = true, err.Error()
		return res, errors.Join(err, writeResults(out, res))
	}
	res.Schedule = results.ScheduleSequential
	if h.parallel() {
		res.Schedule = results.ScheduleParallel
	}
	res.Shard, res.Repeat, res.Repeats = opts.Shard, opts.Repeat, opts.Repeats
	// A header results.json first: a harness killed mid-run leaves a
	// readable, partial run behind.
	headErr := writeResults(out, headerResults(res, sc))
	h.rec.RunStarted(runInfo(res, sc, h.parallel()))
	runErr := h.runAllRecovered(ctx)
	closeErr := h.close()
	if runErr != nil {
		res.Partial = true
		res.PartialReason = runErr.Error()
	}
	res.FinishedAt = time.Now().UTC()
	err = errors.Join(runErr, headErr, closeErr, writeResults(out, res))
	h.rec.RunFinished(res)
	return res, err
}

func (o *Options) defaults() error {
	if o.OutDir == "" {
		return errors.New("runner: no output directory")
	}
	if o.Executable == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("runner: finding own executable: %w", err)
		}
		o.Executable = exe
	}
	if o.LimitMode == "" {
		o.LimitMode = LimitAuto
	}
	if o.CgroupRoot == "" {
		o.CgroupRoot = "/"
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	o.Log = &lockedWriter{w: o.Log}
	if o.StallWindow == 0 {
		o.StallWindow = 5 * time.Second
	}
	if o.hooks == nil {
		o.hooks = hooksFromEnv()
	}
	return nil
}

// harness holds what lives for the whole run: the output files, the
// downstream, the cgroup manager and the harness's own sampler.
type harness struct {
	opts     Options
	res      *results.Results
	csv      *csvRecorder
	rec      Recorder        // csv and opts.Recorder
	mu       sync.Mutex      // guards selfPeak, selfSum and selfN (parallel targets)
	down     downstreamer    // the mock, or the TCP fault proxy (nil when parallel)
	downURL  string          // DOWNSTREAM_URL
	services *services       // started before the targets, stopped after
	cgroups  *cgroup.Manager // nil under the watchdog
	selfProc string          // the /proc holding the harness's own status ("/proc")
	selfPID  int
	selfPeak int64
	selfSum  int64
	selfN    int64
	scratch  scratchDir // the run's temporary directory
	bodies   [][]byte   // each request kind's body, in Load.Kinds() order

	panics panics // a panic while targets ran (recover.go)
}

func newHarness(ctx context.Context, opts Options, res *results.Results, out *results.OutDir) (*harness, error) {
	h := &harness{opts: opts, res: res}
	var err error
	if h.bodies, err = makeBodies(opts.Scenario.Load.Kinds()); err != nil {
		return nil, err
	}
	if err := h.setupLimits(); err != nil {
		return nil, err
	}
	if h.csv, err = newCSVRecorder(out); err != nil {
		return nil, err
	}
	res.Files["samples"], res.Files["load"] = results.SamplesFile, results.LoadFile
	h.rec = h.csv
	if opts.Recorder != nil {
		h.rec = fanOut{h.csv, opts.Recorder}
	}
	h.selfProc, h.selfPID = "/proc", os.Getpid()
	if _, err = sample.ReadStatus(h.selfProc, h.selfPID); err != nil {
		h.close()
		return nil, err
	}
	if h.services, err = startServices(ctx, opts.Scenario.Services, opts); err != nil {
		h.close()
		return nil, err
	}
	if h.parallel() {
		return h, nil // each target starts its own downstream
	}
	if h.down, h.downURL, err = h.newDownstream(ctx, ""); err != nil {
		h.close()
		return nil, err
	}
	return h, nil
}

// setupLimits chooses how the memory limit is enforced and removes groups
// left behind by a harness that was killed before it could clean up.
func (h *harness) setupLimits() error {
	if h.opts.LimitMode == LimitWatchdog {
		h.res.LimitMode = results.MechanismWatchdog
		h.res.LimitNote = "watchdog asked for (--limit-mode watchdog): the harness kills a target whose RSS passes the limit"
		return nil
	}
	m, err := cgroup.Detect(h.opts.CgroupRoot)
	if err == nil && m.Mode() != "none" {
		if removed, err := m.Sweep(); err == nil && len(removed) > 0 {
			fmt.Fprintf(h.opts.Log, "cgroups     removed %d left by an earlier run\n", len(removed))
		}
		h.cgroups = m
		h.res.LimitMode = m.Mode()
		h.res.LimitNote = m.Note()
		fmt.Fprintf(h.opts.Log, "limits      %s (%s) %s\n", m.Mode(), m.Placement(), m.Parent())
		return nil
	}
	reason := "no cgroup memory controller"
	if err != nil {
		reason = err.Error()
	} else if m.Reason() != "" {
		reason = m.Reason()
	}
	if h.opts.LimitMode == LimitCgroup {
		return fmt.Errorf("--limit-mode cgroup: no memory cgroup can be made here: %s; run as root or in a delegated cgroup ('oomlab doctor' says what this machine allows), or leave --limit-mode at auto to use the watchdog", reason)
	}
	h.res.LimitMode = results.MechanismWatchdog
	h.res.LimitNote = "no cgroup could be made (" + reason + "): a watchdog stands in and kills a target whose RSS passes the limit; the kernel does not"
	fmt.Fprintf(h.opts.Log, "limits      WATCHDOG: %s\n", h.res.LimitNote)
	return nil
}

// sampleSelf records the harness's own RSS and returns it. The peak is
// the largest sample, not VmHWM: the process's lifetime peak would carry
// over what an earlier scenario of a catalog run, or its report
// rendering, used. It reads /proc/self/status only, outside the lock:
// every target's monitor calls it on every tick, and the full sampler
// (CPU, and a listing of the harness's descriptors — tens of thousands
// under load, one per connection) took long enough, serialised over four
// parallel targets, to stall their sampling for tens of seconds.
func (h *harness) sampleSelf() int64 {
	st, err := sample.ReadStatus(h.selfProc, h.selfPID)
	if err != nil {
		return -1
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.selfPeak = max(h.selfPeak, st.VmRSS)
	h.selfSum += st.VmRSS
	h.selfN++
	return st.VmRSS
}

func (h *harness) close() error {
	var errs []error
	if h.down != nil {
		errs = append(errs, h.down.Close())
	}
	errs = append(errs, h.services.stop())
	if h.csv != nil {
		errs = append(errs, h.csv.Close())
	}
	errs = append(errs, h.scratch.remove())
	return errors.Join(errs...)
}

// lockedWriter serialises writes: targets running in parallel log to the
// same writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
