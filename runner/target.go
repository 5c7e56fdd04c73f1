package runner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/oomlab/oomlab/runner/cgroup"
	"github.com/oomlab/oomlab/runner/proc"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/sample"
	"github.com/oomlab/oomlab/scenarios"
)

// stopGrace is how long a target gets between SIGTERM and SIGKILL.
const stopGrace = 3 * time.Second

// targetRun is the lifecycle of one target: it starts the target, drives
// the load against it, carries out what its monitor (targetMonitor)
// decides, records its deaths, starts it again when its restart policy
// allows, stops it and gives its outcome.
type targetRun struct {
	h       *harness
	t       *scenarios.Target
	res     results.Target
	p       process // the current process
	group   *cgroup.Group
	mon     *targetMonitor   // sampling, figures and the rules that call for a kill
	now     func() time.Time // the clock (time.Now; tests use a fake)
	t0      time.Time        // the load's start
	addr    string
	down    downstreamer
	downURL string

	killedBy killCause     // set when the harness killed it for memory
	killedAt time.Duration // when it did, or when the death was seen
	stopped  bool          // the harness stopped the target (end of load, interrupt)

	spec   proc.Spec // how to start it again
	deaths []results.Event
	signs  *memorySigns   // the current process's out-of-memory lines
	ev     targetEvidence // heap evidence near the limit (evidence.go)
}

// runTarget runs one target from start to cleanup and returns its findings.
// What the target does is a finding; only harness trouble is logged as an
// error in the result's Error field.
func (h *harness) runTarget(ctx context.Context, t *scenarios.Target) (tr results.Target) {
	r := &targetRun{h: h, t: t, now: time.Now, res: results.Target{
		Name: t.Name, Role: t.Role, Runtime: t.Runtime, Stages: []results.Stage{}, Command: []string{},
	}}
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

// process is what the lifecycle needs of a target's running process;
// *proc.Process is one, the lifecycle's tests use a fake.
type process interface {
	PID() int
	// Done is closed once the process has exited and been reaped.
	Done() <-chan struct{}
	// Exit is how it ended: an exit code, or the signal that killed it.
	Exit() (code *int, signal string)
	StderrTail() string
	// Kill sends SIGKILL to its process group; Stop SIGTERM, then SIGKILL
	// after grace.
	Kill() error
	Stop(grace time.Duration) error
}

var _ process = (*proc.Process)(nil)

// elapsed is the time since the load's start.
func (r *targetRun) elapsed() time.Duration { return r.now().Sub(r.t0) }

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
	if h.cgroups != nil {
		if r.group, err = h.cgroups.New(t.Name, int64(h.opts.Scenario.MemoryLimit)); err != nil {
			return fmt.Errorf("runner: cgroup for %s: %w", t.Name, err)
		}
	}
	r.mon = h.newMonitor(t, r.group, r.evidenceObserve)
	// Between FreePort closing its probe and the target binding, another
	// process can take the port (targets, downstreams and load share the
	// loopback ports, all the more with --parallel): try another, twice.
	for attempt := 1; ; attempt++ {
		port, err := h.opts.hooks.port("127.0.0.1")
		if err != nil {
			return err
		}
		vars := targetVars(port, r.downURL, r.down.addr())
		cmd, env, err := h.targetCommand(t, argv, vars)
		if err != nil {
			return err
		}
		if env, err = r.evidenceEnv(env); err != nil {
			return err
		}
		plainCmd, plainEnv := h.untracedCommand(t, argv, vars)
		r.res.Injected = injected(plainCmd, plainEnv, cmd, env)
		r.res.Command = cmd
		r.spec = proc.Spec{Name: t.Name, Argv: cmd, Env: env, Dir: t.Dir}
		r.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		err = r.launch(ctx)
		if !errors.Is(err, errPortTaken) || attempt == maxPortAttempts {
			return err
		}
		fmt.Fprintf(h.opts.Log, "  %s: %v; starting it again on another port\n", t.Name, err)
		r.p.Stop(stopGrace)
		if r.ev.capt != nil { // it took nothing yet, and holds the old address
			r.ev.capt.Close()
			r.ev.capt = nil
		}
	}
}

// maxPortAttempts bounds the starts of a target whose port another
// process took first.
const maxPortAttempts = 3

// errPortTaken: what answered on the target's port is not the target.
var errPortTaken = errors.New("runner: port taken")

// launch starts the target's process (again, after a death, when its
// restart policy says so) in its cgroup and waits until it listens.
func (r *targetRun) launch(ctx context.Context) error {
	tracker := r.mon.nextProcess(r.t.Runtime) // before the start: the cgroup's baselines
	spec := r.spec
	// Go's gctrace goes to stderr; V8's --trace-gc to stdout (printf), and
	// on a heap OOM V8 repeats recent GC lines on stderr, which must not be
	// counted twice: read each runtime's trace from its own stream only.
	r.signs = &memorySigns{}
	spec.OnStderrLine = r.signs.Feed
	switch r.t.Runtime {
	case "node":
		spec.OnStdoutLine = r.nodeLines(tracker.Feed)
	case "python":
		// The preload writes on stdout, away from stderr's tail.
		spec.OnStdoutLine = tracker.Feed
	default:
		signs := r.signs
		spec.OnStderrLine = func(l string) { tracker.Feed(l); signs.Feed(l) }
	}
	// The target's lines are read on proc's goroutines: the parsers of
	// what the target prints must not end the harness with a panic there.
	spec.OnStderrLine, spec.OnStdoutLine = r.h.guardLines(spec.OnStderrLine), r.h.guardLines(spec.OnStdoutLine)
	if r.group != nil {
		// Started by a shim that joins the group first: no moment outside it.
		spec.Argv = execInArgv(r.h.opts.Executable, filepath.Join(r.group.Path(), "cgroup.procs"), spec.Argv)
	}
	// r.p keeps the previous (dead) process until the new one started: a
	// restart that cannot even start leaves drive a process to wait on.
	p, err := proc.Start(ctx, spec)
	if err != nil {
		return err
	}
	r.p = p
	sampler, err := newTreeSampler(p.PID(), r.group)
	if err != nil {
		return p.ExitedEarly(err)
	}
	r.mon.attach(sampler)
	r.evidenceAttach()
	rctx, cancel := context.WithTimeout(ctx, r.t.ReadyTimeout.D())
	defer cancel()
	if err := proc.WaitReady(rctx, p, r.addr, r.t.ReadyPath); err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			// Still running, not ready: say what it listens on instead.
			listening, lerr := proc.ListeningAddrs("/proc", sampler.Members())
			if lerr == nil {
				return fmt.Errorf("%w; %s", err, portHint(r.addr, listening))
			}
		}
		return err
	}
	return r.checkListener(sampler)
}

// checkListener makes sure that what answered on the target's address is
// the target's tree, whose members s lists: it may be another process's
// server that took the port between FreePort and the target's bind (the
// target then dies of EADDRINUSE), and the load must never go to it. A
// target dying at that moment (an OOM kill right after a restart) can
// look the same — its listener still open, its descriptors no longer
// readable — so the finding must hold 100 ms later, when a dying target's
// listener is gone and a stranger's is still there.
func (r *targetRun) checkListener(s *sample.Tree) error {
	_, port, _ := net.SplitHostPort(r.addr)
	n, _ := strconv.Atoi(port)
	foreign := func() bool {
		f, err := proc.ForeignListener("/proc", n, s.Members())
		return err == nil && f
	}
	if foreign() {
		time.Sleep(100 * time.Millisecond)
		if foreign() {
			return fmt.Errorf("%w: another process answers on %s, not %s", errPortTaken, r.addr, r.t.Name)
		}
	}
	return nil
}

// cleanup ends the target's process group and removes its cgroup. It is
// safe to call in every state, more than once.
func (r *targetRun) cleanup() {
	if r.p != nil {
		select {
		case <-r.p.Done():
		default:
			r.stopped = true
			r.p.Stop(stopGrace)
		}
	}
	r.evidenceFinish()
	if r.group != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.group.Remove(ctx); err != nil {
			fmt.Fprintf(r.h.opts.Log, "  warning: %v\n", err)
		}
	}
}
