package runner

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/oomlab/oomlab/runner/load"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// drive runs the load against the started target until the load ends,
// the target dies for good, or ctx ends. At each tick the monitor samples
// and decides, and drive carries out its decisions; at each death the
// target's restart policy says whether it runs again.
func (r *targetRun) drive(ctx context.Context) {
	loadCtx, cancelLoad := context.WithCancel(ctx)
	defer cancelLoad()
	finish := make(chan struct{})
	ends := loadEnds{end: cancelLoad, stop: sync.OnceFunc(func() { close(finish) })}
	r.t0 = r.now()
	r.down.Begin(r.t0)
	r.h.rec.Event(results.RunEvent{Kind: results.EventLoadStarted, Target: r.t.Name})
	r.res.LoadStartedAt = r.t0.UTC()
	loadDone, waitLoad := r.startLoad(loadCtx, finish)

	tick := time.NewTicker(r.h.opts.Scenario.SampleInterval.D())
	defer tick.Stop()
	var lr *loadResult
	for lr == nil {
		select {
		case <-tick.C:
			ds := r.mon.tick(r.elapsed())
			r.h.opts.hooks.sample()
			r.act(ds, ends)
		case <-r.p.Done():
			if r.died(ctx) {
				continue
			}
			// Stopped, or dead for good: the rest of the load would only
			// meet a closed port, so stop it.
			cancelLoad()
			res := <-loadDone
			lr = &res
		case res := <-loadDone:
			lr = &res
		}
	}
	waitLoad()
	r.loadOver(*lr)
	r.act(r.mon.last(r.elapsed()), ends) // final counters of the cgroup
	r.res.Downstream = r.down.figures()
}

// loadResult is how a target's load ended.
type loadResult struct {
	fig load.Figures
	err error
}

// loadEnds are the two ways the monitor's decisions can end a load: end
// aborts it with the requests in flight (--fail-fast), stop stops sending
// and lets them finish (--fast). Both are safe to call more than once.
type loadEnds struct {
	end, stop func()
}

// startLoad starts the load against the target on a goroutine of its own;
// the result arrives on the returned channel, and wait returns once that
// goroutine has ended. The load ends with ctx; closing finish ends its
// schedule early (load.Config.Finish).
func (r *targetRun) startLoad(ctx context.Context, finish <-chan struct{}) (<-chan loadResult, func()) {
	sc := r.h.opts.Scenario
	cfg := load.Config{
		Name: r.t.Name, Kinds: loadKinds(sc.Load.Kinds(), "http://"+r.addr, r.h.bodies),
		Stages: loadStages(sc.Load), MaxWorkers: sc.Load.MaxWorkers,
		MaxConnections: sc.Load.MaxConnections, AllowRemote: r.h.opts.AllowRemote, Finish: finish,
	}
	onWindow := r.mon.onWindow
	if k := r.h.opts.hooks; k.inLoad() {
		onWindow = func(row results.LoadRow) { k.window(); r.mon.onWindow(row) }
	}
	done := make(chan loadResult, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		// A panic here (the load's own code, or the monitor's window
		// callback) is not on runTarget's goroutine: it is recovered
		// here, stops the run as any harness panic does, and ends the
		// load with the error, so drive goes on to write what it has.
		defer func() {
			if v := recover(); v != nil {
				r.h.notePanic(v)
				done <- loadResult{err: fmt.Errorf("%w: %v", ErrPanic, v)}
			}
		}()
		fig, err := load.Run(ctx, cfg, onWindow)
		done <- loadResult{fig, err}
	})
	return done, wg.Wait
}

// loadKinds converts the scenario's request kinds into the load's, each
// sent to base (the target's address) plus its path, with its body from
// bodies (same order).
func loadKinds(kinds []scenarios.RequestKind, base string, bodies [][]byte) []load.Kind {
	out := make([]load.Kind, len(kinds))
	for i, k := range kinds {
		header := http.Header{}
		for name, v := range k.Headers {
			header.Set(name, v)
		}
		out[i] = load.Kind{
			Name: k.Name, Weight: k.Weight, Method: k.Method, URL: base + k.Path, Header: header, Body: bodies[i],
			Timeout: k.Timeout.D(), DownloadBytesPerSecond: int64(k.DownloadBandwidth),
			UploadBytesPerSecond: int64(k.UploadBandwidth), SlowShare: k.SlowShare, KeepAlive: k.KeepsAlive(),
		}
	}
	return out
}

// act carries out the monitor's decisions, in order: it kills the process
// for the watchdog or a limit stall, ends the rest of a tree the kernel
// OOM-killed a process of (a wrapper, sh -c "server; true", or a master
// left alive would be sampled as a healthy few MiB from then on), or ends
// the load for --fail-fast (aborting the requests in flight), or stops it
// for --fast (letting them finish, as at the load's end). A killed process's death then comes to drive
// as any other, dated and classified by the cause recorded here.
func (r *targetRun) act(ds []decision, ends loadEnds) {
	log := r.h.opts.Log
	for _, d := range ds {
		switch d.Action {
		case actKillWatchdog:
			r.killedBy, r.killedAt = killWatchdog, d.At
			r.p.Kill()
			fmt.Fprintf(log, "  %s\n", d.Detail)
		case actKillStall:
			r.killedBy, r.killedAt = killStall, d.At
			r.p.Kill()
			fmt.Fprintf(log, "  %s\n", d.Detail)
		case actEndTree:
			r.killedBy, r.killedAt = killKernel, d.At
			if err := r.p.Kill(); err == nil {
				fmt.Fprintf(log, "  %s\n", d.Detail)
			}
		case actEndLoad:
			fmt.Fprintf(log, "  %s\n", d.Detail)
			ends.end()
		case actStopLoad:
			fmt.Fprintf(log, "  %s\n", d.Detail)
			ends.stop()
		}
	}
}

// loadOver records how the load went, warns of stages the load generator
// could not keep up with, takes the end-of-load evidence and stops the
// target if it still runs.
func (r *targetRun) loadOver(lr loadResult) {
	h := r.h
	r.res.DurationSeconds = r.elapsed().Seconds()
	r.res.Stages = lr.fig.Stages
	if r.res.Stages == nil {
		r.res.Stages = []results.Stage{}
	}
	r.res.Kinds = lr.fig.Kinds
	if lr.err != nil && !errors.Is(lr.err, context.Canceled) {
		r.res.Error = lr.err.Error()
	}
	for _, st := range r.res.Stages {
		if st.Behind {
			w := fmt.Sprintf("stage %d fell behind: %.1f of %.0f requests/s offered (lagged up to %.1f s); the load generator, not the target, limited this stage",
				st.Index+1, st.AchievedRatePerSecond, st.OfferedRatePerSecond, st.MaxLagSeconds)
			fmt.Fprintf(h.opts.Log, "  warning: %s\n", w)
			h.rec.Event(results.RunEvent{Kind: results.EventWarning, Target: r.t.Name, AtSeconds: r.elapsed().Seconds(), Detail: w})
		}
	}
	r.evidenceEnd()
	select {
	case <-r.p.Done():
	default:
		r.stopped = true
		r.p.Stop(stopGrace)
	}
}
