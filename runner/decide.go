package runner

import (
	"fmt"
	"time"

	"github.com/oomlab/oomlab/runner/cgroup"
	"github.com/oomlab/oomlab/runner/results"
)

// action is what a target's monitor asks of the target's lifecycle after
// a sample.
type action string

// What a sample can call for. No decision at all means carry on.
const (
	// actKillWatchdog: RSS passed the limit and there is no cgroup to
	// enforce it; kill the process.
	actKillWatchdog action = "kill-watchdog"
	// actKillStall: the target sat at its limit answering nothing for the
	// stall window (stallDetector); kill the process.
	actKillStall action = "kill-stall"
	// actEndTree: the kernel OOM-killed a process of the target's tree
	// (the cgroup's oom_kill counter rose); end the rest of it.
	actEndTree action = "end-tree"
	// actEndLoad: --fail-fast is sure the limit will be reached before the
	// load ends; end the load early.
	actEndLoad action = "end-load"
	// actStopLoad: --fast is sure the target's memory is flat; stop
	// sending, let the requests in flight finish as at the load's end.
	actStopLoad action = "stop-load"
)

// decision is one thing the lifecycle must do.
type decision struct {
	Action action
	// At is when the cause began, since the load's start: the sample's
	// time, or for a stall the start of the stall.
	At time.Duration
	// Detail is the log line that says what was decided and why.
	Detail string
	// Forecast is, for actEndLoad, the forecast that ended the load
	// (CutShort set).
	Forecast *results.Forecast
	// EarlyStop is, for actStopLoad, why --fast stopped the load.
	EarlyStop *results.EarlyStop
}

// reading is what one sample of a target measured.
type reading struct {
	// At is the time of the sample since the load's start.
	At time.Duration
	// RSSBytes is the process tree's RSS; 0 when it could not be read: the
	// process is gone, or being torn down by the kernel (it reads RSS 0
	// before it turns zombie).
	RSSBytes int64
	// Cgroup is the group's counters, nil without a cgroup or when they
	// could not be read.
	Cgroup *cgroup.Stats
	// NewOOMKills is the rise of the cgroup's oom_kill counter since the
	// current process started (groupCounters keeps the baseline).
	NewOOMKills int64
	// LastSuccess is the end of the latest load window with a success
	// response, -1 when none yet.
	LastSuccess time.Duration
	// AfterLoad marks the sample taken once the load is over, for the
	// cgroup's final counters: only the tree's OOM kill is looked at.
	AfterLoad bool
}

// watch is what the monitor's rules carry from one sample to the next. It
// is a value: decide returns the next one and leaves its argument as it
// was.
type watch struct {
	// LimitBytes is the scenario's memory limit.
	LimitBytes int64
	// Cgroup says the target runs in a cgroup; without one the watchdog
	// enforces the limit.
	Cgroup bool
	// Acted says a kill was asked for the current process: nothing more
	// is asked of it until the next process, or until its death was seen.
	Acted bool
	// MemBytes is the latest max(RSS, cgroup usage) of the live target.
	MemBytes int64
	// Stall is the stall rule, started again for each process.
	Stall stallDetector
	// FailFast is the fail-fast rule over the whole load.
	FailFast failFast
	// LastForecast is the latest forecast made; Cut the one that ended the
	// load (--fail-fast), nil until then.
	LastForecast, Cut *results.Forecast
	// Fast is the --fast rule over the top stage; Stopped the early stop
	// it called for, nil until then.
	Fast    fastStop
	Stopped *results.EarlyStop
	// Started says a process of the target was started already: the next
	// one is a restart, after a death.
	Started bool
}

// watchOptions are what the rules need of the scenario and the options.
type watchOptions struct {
	// StallWindow is Options.StallWindow, Load the load's length;
	// FailFast and Fast are the options of those names.
	StallWindow, Load time.Duration
	FailFast, Fast    bool
	// Stages and Phases are the load's stages and the downstream's
	// phases, as results.json gives them.
	Stages []results.StageSpan
	Phases []results.PhaseSpan
}

// newWatch returns the rules for a target under the given limit.
func newWatch(limit int64, cgroup bool, o watchOptions) watch {
	return watch{
		LimitBytes: limit, Cgroup: cgroup,
		Stall:    *newStallDetector(limit, o.StallWindow),
		FailFast: *newFailFast(limit, o.Load, o.FailFast),
		Fast:     *newFastStop(limit, o.Stages, o.Phases, o.Fast),
	}
}

// process returns the rules for a new process of the target: the stall
// rule starts again, the fail-fast rule goes on, and after a restart the
// --fast rule never stops the load.
func (w watch) process() watch {
	w.Acted = false
	w.Stall.reset()
	if w.Started {
		w.Fast.spoil()
	}
	w.Started = true
	return w
}

// decide is the monitor's rule book, a pure function: from the rules'
// state and one sample it returns what the lifecycle must do (in order: at
// most one kill, then at most the end of the load; none: carry on),
// whether the sample is of the live target (to be recorded), and the
// rules' next state. In order:
//
//  1. The cgroup's oom_kill counter rose since the process started: the
//     kernel killed a process of the tree; the rest is ended (actEndTree),
//     and what is left is not the target's memory (not live).
//  2. Nothing more while the process cannot be read, after a kill was
//     asked for it, or after the load (AfterLoad).
//  3. No cgroup and RSS past the limit: the watchdog (actKillWatchdog).
//  4. The stall rule (stallDetector) fires: actKillStall.
//  5. Every sample, dead or alive, feeds the fail-fast rule the latest
//     live memory until it has ended the load; when it may act and is sure:
//     actEndLoad.
//  6. Under --fast, each sample of the live target feeds the --fast rule
//     (fastStop) until it has stopped the load or the load was ended;
//     a kill asked for spoils it, a sample of no live target starts its
//     streak again; when it is sure: actStopLoad.
func decide(w watch, r reading) ([]decision, bool, watch) {
	var out []decision
	live := r.RSSBytes > 0
	if r.Cgroup != nil && r.NewOOMKills > 0 && !w.Acted {
		w.Acted, live = true, false
		w.Fast.spoil()
		out = append(out, decision{Action: actEndTree, At: r.At,
			Detail: fmt.Sprintf("oom-kill in its cgroup at %.1fs: the target is ended, every process of it", r.At.Seconds())})
	}
	usage, fails := int64(-1), int64(-1)
	if r.Cgroup != nil {
		usage, fails = r.Cgroup.UsageBytes, r.Cgroup.FailCount
	}
	if live {
		w.MemBytes = max(r.RSSBytes, usage)
	}
	if r.AfterLoad {
		return out, live, w
	}
	if live && !w.Acted {
		if !w.Cgroup && r.RSSBytes > w.LimitBytes {
			w.Acted = true
			w.Fast.spoil()
			out = append(out, decision{Action: actKillWatchdog, At: r.At,
				Detail: fmt.Sprintf("watchdog: RSS %s passed the limit %s at %.1fs: killed", mib(r.RSSBytes), mib(w.LimitBytes), r.At.Seconds())})
		} else if stalled, since := w.Stall.observe(r.At, w.MemBytes, fails, r.LastSuccess); stalled {
			w.Acted = true
			w.Fast.spoil()
			out = append(out, decision{Action: actKillStall, At: since,
				Detail: fmt.Sprintf("limit-stall: at the limit since %.1fs with no success: killed by the harness", since.Seconds())})
		}
	}
	if w.Cut != nil {
		return out, live, w
	}
	fc, cut := w.FailFast.observe(r.At.Seconds(), w.MemBytes)
	if fc.Samples > 0 {
		w.LastForecast = &fc
	}
	if cut && w.FailFast.act {
		fc.CutShort = true
		w.Cut = &fc
		out = append(out, decision{Action: actEndLoad, At: r.At, Forecast: w.Cut,
			Detail: fmt.Sprintf("fail-fast: memory climbs %.1f ± %.1f MiB/s and will reach the %s limit at about %.0f s (by %.0f s at the latest), before the load ends at %.0f s: load ended at %.1f s",
				fc.SlopeBytesPerSecond/(1<<20), fc.SlopeStdErrBytesPerSecond/(1<<20), mib(fc.LimitBytes), fc.AtSeconds, *fc.LatestSeconds, w.FailFast.endsAt, r.At.Seconds())})
		return out, live, w
	}
	if !w.Fast.act || w.Stopped != nil {
		return out, live, w
	}
	if !live || w.Acted {
		w.Fast.miss()
		return out, live, w
	}
	if es, stop := w.Fast.observe(r.At.Seconds(), r.RSSBytes, w.MemBytes); stop {
		w.Stopped = &es
		out = append(out, decision{Action: actStopLoad, At: r.At, EarlyStop: w.Stopped, Detail: fastDetail(es)})
	}
	return out, live, w
}
