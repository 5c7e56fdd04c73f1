package runner

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/cgroup"
	"github.com/oomlab/oomlab/runner/proc"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// fakeProcess is a target's process whose end a test decides.
type fakeProcess struct {
	done    chan struct{}
	code    *int
	sig     string
	tail    string
	killErr error // what Kill returns (a process already gone)
	kills   int
	stops   int
}

var _ process = (*fakeProcess)(nil)

// exited returns a process that has ended with code (nil: by signal sig).
func exited(code *int, sig, tail string) *fakeProcess {
	p := &fakeProcess{done: make(chan struct{}), code: code, sig: sig, tail: tail}
	close(p.done)
	return p
}

func (p *fakeProcess) PID() int                       { return 4242 }
func (p *fakeProcess) Done() <-chan struct{}          { return p.done }
func (p *fakeProcess) Exit() (*int, string)           { return p.code, p.sig }
func (p *fakeProcess) StderrTail() string             { return p.tail }
func (p *fakeProcess) Kill() error                    { p.kills++; return p.killErr }
func (p *fakeProcess) Stop(grace time.Duration) error { p.stops++; return nil }

// fakeClock is a clock that moves only when the test says.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time                        { return c.t }
func (c *fakeClock) advance(d time.Duration)               { c.t = c.t.Add(d) }
func (c *fakeClock) before(d time.Duration) (t0 time.Time) { return c.t.Add(-d) }

// lifecycleScenario is one target, a 10 s load, a 100 MiB limit.
const lifecycleScenario = `
name: lifecycle
memory_limit: 100MiB
targets:
  - {name: naive, builtin: upload-naive, restart: RESTART}
load:
  stages: [{rate: 5, duration: 10s}]
downstream:
  phases: [{at: 0s}]
`

// fakeRun is a target's lifecycle with no process started: its process is
// p, its cgroup's counters (nil: none) g, its clock c at 5 s into the load.
type fakeRun struct {
	*targetRun
	log   *bytes.Buffer
	rec   *memRecorder
	clock *fakeClock
}

func newFakeRun(t *testing.T, restart string, p *fakeProcess, g statReader) fakeRun {
	t.Helper()
	if restart == scenarios.RestartOnFailure {
		restart += ", max_restarts: 1"
	}
	sc := parse(t, strings.Replace(lifecycleScenario, "RESTART", restart, 1))
	log, rec := &bytes.Buffer{}, &memRecorder{}
	h := &harness{opts: Options{Scenario: sc, Log: log, StallWindow: 5 * time.Second}, res: &results.Results{}, rec: rec}
	tg := &sc.Targets[0]
	mon := h.newMonitor(tg, nil, nil)
	if g != nil {
		mon.counters = newGroupCounters(g, results.MechanismCgroupV2)
		mon.counters.begin()
	}
	clock := &fakeClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	r := &targetRun{h: h, t: tg, mon: mon, now: clock.now, t0: clock.before(5 * time.Second), signs: &memorySigns{},
		res: results.Target{Name: tg.Name, Stages: []results.Stage{}, Command: []string{}}}
	if p != nil {
		r.p = p
	}
	return fakeRun{r, log, rec, clock}
}

// TestAct: each of the monitor's decisions is carried out on the process
// or the load, in order, with the cause and time of a kill kept for the
// death that follows.
func TestAct(t *testing.T) {
	tests := []struct {
		name      string
		ds        []decision
		killErr   error
		wantKills int
		wantBy    killCause
		wantAt    time.Duration
		wantEnd   int
		wantStop  int
		wantLog   []string
	}{
		{name: "nothing decided: carry on"},
		{name: "the watchdog kills", ds: []decision{{Action: actKillWatchdog, At: 3 * time.Second, Detail: "watchdog: killed"}},
			wantKills: 1, wantBy: killWatchdog, wantAt: 3 * time.Second, wantLog: []string{"watchdog: killed"}},
		{name: "a limit stall kills, dated when it began", ds: []decision{{Action: actKillStall, At: 2 * time.Second, Detail: "limit-stall: killed"}},
			wantKills: 1, wantBy: killStall, wantAt: 2 * time.Second, wantLog: []string{"limit-stall: killed"}},
		{name: "the kernel killed into the tree: the rest is ended", ds: []decision{{Action: actEndTree, At: 4 * time.Second, Detail: "oom-kill: ended"}},
			wantKills: 1, wantBy: killKernel, wantAt: 4 * time.Second, wantLog: []string{"oom-kill: ended"}},
		{name: "a tree already gone is not said to be ended", ds: []decision{{Action: actEndTree, At: 4 * time.Second, Detail: "oom-kill: ended"}},
			killErr: errors.New("no such process"), wantKills: 1, wantBy: killKernel, wantAt: 4 * time.Second},
		{name: "fail-fast ends the load, not the process", ds: []decision{{Action: actEndLoad, At: 7 * time.Second, Detail: "fail-fast: load ended"}},
			wantEnd: 1, wantLog: []string{"fail-fast: load ended"}},
		{name: "fast stops the load, not the process", ds: []decision{{Action: actStopLoad, At: 7 * time.Second, Detail: "fast: load ended"}},
			wantStop: 1, wantLog: []string{"fast: load ended"}},
		{name: "a kill and the end of the load: both, in order",
			ds:        []decision{{Action: actKillWatchdog, At: 7 * time.Second, Detail: "watchdog: killed"}, {Action: actEndLoad, At: 7 * time.Second, Detail: "fail-fast: load ended"}},
			wantKills: 1, wantBy: killWatchdog, wantAt: 7 * time.Second, wantEnd: 1, wantLog: []string{"watchdog: killed", "fail-fast: load ended"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fakeProcess{done: make(chan struct{}), killErr: tt.killErr}
			r := newFakeRun(t, scenarios.RestartNever, p, nil)
			ends, stops := 0, 0
			r.act(tt.ds, loadEnds{end: func() { ends++ }, stop: func() { stops++ }})
			if p.kills != tt.wantKills || ends != tt.wantEnd || stops != tt.wantStop {
				t.Errorf("act(%v): %d kills, %d ends and %d stops of the load; want %d, %d, %d", tt.ds, p.kills, ends, stops, tt.wantKills, tt.wantEnd, tt.wantStop)
			}
			if r.killedBy != tt.wantBy || r.killedAt != tt.wantAt {
				t.Errorf("act(%v): killed by %q at %v; want %q at %v", tt.ds, r.killedBy, r.killedAt, tt.wantBy, tt.wantAt)
			}
			var want string
			for _, l := range tt.wantLog {
				want += "  " + l + "\n"
			}
			if got := r.log.String(); got != want {
				t.Errorf("act(%v) logged %q; want %q", tt.ds, got, want)
			}
		})
	}
}

// TestRecordDeath: a death is classified from how the process ended, why
// the harness killed it and what its cgroup counted since it started; it
// is recorded, logged and sent as an event, and the harness's kill is
// forgotten for the next process.
func TestRecordDeath(t *testing.T) {
	code1 := ptr(1)
	tests := []struct {
		name       string
		p          *fakeProcess
		group      *fakeGroup // counters when the process started, then at its death
		atDeath    cgroup.Stats
		killedBy   killCause
		killedAt   time.Duration
		wantEvent  results.Event // Detail: a part of it
		wantStop   bool
		wantFailed int64 // the monitor's fail counter after
	}{
		{name: "it exited on its own", p: exited(code1, "", "panic: boom"), killedAt: 5 * time.Second,
			wantEvent: results.Event{AtSeconds: 5, Outcome: results.OutcomeCrashed, Detail: "exit code 1"}},
		{name: "the watchdog's kill", p: exited(nil, "SIGKILL", ""), killedBy: killWatchdog, killedAt: 3 * time.Second,
			wantEvent: results.Event{AtSeconds: 3, Outcome: results.OutcomeOOMKilled, Mechanism: results.MechanismWatchdog, Detail: "watchdog killed it"},
			wantStop:  true},
		{name: "a stall the harness ended", p: exited(nil, "SIGKILL", ""), killedBy: killStall, killedAt: 2 * time.Second,
			group:     &fakeGroup{st: cgroup.Stats{FailCount: 10}},
			atDeath:   cgroup.Stats{FailCount: 900},
			wantEvent: results.Event{AtSeconds: 2, Outcome: results.OutcomeLimitStall, Mechanism: results.MechanismCgroupV2, Detail: "fail counter rose to 900"},
			wantStop:  true, wantFailed: 900},
		{name: "the kernel's kill, counted from the process's start", p: exited(nil, "SIGKILL", ""), killedAt: 4 * time.Second,
			group:      &fakeGroup{st: cgroup.Stats{OOMKills: 2, FailCount: 100}},
			atDeath:    cgroup.Stats{OOMKills: 3, FailCount: 130},
			wantEvent:  results.Event{AtSeconds: 4, Outcome: results.OutcomeOOMKilled, Mechanism: results.MechanismCgroupV2, Detail: "oom_kill counter +1, fail counter +30"},
			wantFailed: 130},
		{name: "an OOM kill before it started is not its own", p: exited(code1, "", ""), killedAt: 4 * time.Second,
			group:     &fakeGroup{st: cgroup.Stats{OOMKills: 2}},
			atDeath:   cgroup.Stats{OOMKills: 2},
			wantEvent: results.Event{AtSeconds: 4, Outcome: results.OutcomeCrashed, Detail: "exited on its own at 4.0 s: exit code 1"}},
		{name: "its runtime's heap limit", p: exited(code1, "", "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"),
			killedAt:  6 * time.Second,
			wantEvent: results.Event{AtSeconds: 6, Outcome: results.OutcomeHeapLimit, Detail: "hit the V8 heap limit at 6.0 s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g statReader
			if tt.group != nil {
				g = tt.group
			}
			r := newFakeRun(t, scenarios.RestartNever, tt.p, g)
			if tt.group != nil {
				tt.group.st = tt.atDeath
			}
			r.killedBy, r.killedAt = tt.killedBy, tt.killedAt
			r.mon.rules.Acted = tt.killedBy != killNone
			if again := r.recordDeath(context.Background()); again {
				t.Fatal("recordDeath = true; want false (restart: never)")
			}
			if len(r.deaths) != 1 {
				t.Fatalf("deaths = %+v; want one", r.deaths)
			}
			ev := r.deaths[0]
			if ev.AtSeconds != tt.wantEvent.AtSeconds || ev.Outcome != tt.wantEvent.Outcome || ev.Mechanism != tt.wantEvent.Mechanism ||
				!strings.Contains(ev.Detail, tt.wantEvent.Detail) || ev.Restarted {
				t.Errorf("death = %+v; want %+v (detail containing it), not restarted", ev, tt.wantEvent)
			}
			if r.stopped != tt.wantStop || r.killedBy != killNone || r.mon.rules.Acted {
				t.Errorf("after: stopped %v, killed by %q, rules acted %v; want stopped %v, no kill kept, rules free to act again",
					r.stopped, r.killedBy, r.mon.rules.Acted, tt.wantStop)
			}
			if r.res.StderrTail != tt.p.tail || r.mon.counters.failLast != tt.wantFailed {
				t.Errorf("stderr tail %q, fail counter %d; want %q, %d", r.res.StderrTail, r.mon.counters.failLast, tt.p.tail, tt.wantFailed)
			}
			evs := r.rec.events
			if len(evs) != 1 || evs[0].Kind != results.EventDeath || evs[0].Target != "naive" || evs[0].Outcome != ev.Outcome ||
				evs[0].Mechanism != ev.Mechanism || evs[0].Detail != ev.Detail || evs[0].AtSeconds != ev.AtSeconds {
				t.Errorf("events = %+v; want one death event of naive saying %+v", evs, ev)
			}
			if want := "  naive " + ev.Outcome + ": " + ev.Detail + "\n"; r.log.String() != want {
				t.Errorf("log = %q; want %q", r.log.String(), want)
			}
		})
	}
}

// TestRecordDeathRestart: a target whose restart policy allows it is
// started again; a start that fails leaves it dead, says so, and is not
// counted; an ended run starts nothing.
func TestRecordDeathRestart(t *testing.T) {
	t.Run("the start fails", func(t *testing.T) {
		r := newFakeRun(t, scenarios.RestartOnFailure, exited(ptr(1), "", ""), nil)
		r.spec = proc.Spec{Name: "naive", Argv: nil} // proc.Start refuses an empty argv
		if again := r.recordDeath(context.Background()); again {
			t.Fatal("recordDeath = true; want false: the restart could not start")
		}
		if r.res.Restarts != 0 || r.deaths[0].Restarted {
			t.Errorf("restarts %d, death restarted %v; want 0, false", r.res.Restarts, r.deaths[0].Restarted)
		}
		if !strings.Contains(r.log.String(), "  restart failed: proc: start naive: empty argv\n") {
			t.Errorf("log = %q; want the failed restart", r.log.String())
		}
		if k := r.rec.kinds("naive"); len(k) != 1 || k[0] != results.EventDeath {
			t.Errorf("events = %v; want the death only", k)
		}
	})
	t.Run("the run has ended", func(t *testing.T) {
		r := newFakeRun(t, scenarios.RestartOnFailure, exited(ptr(1), "", ""), nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if again := r.recordDeath(ctx); again || strings.Contains(r.log.String(), "restart") {
			t.Errorf("recordDeath = %v, log %q; want false and no restart tried", again, r.log.String())
		}
	})
	t.Run("its restarts are used up", func(t *testing.T) {
		r := newFakeRun(t, scenarios.RestartOnFailure, exited(ptr(1), "", ""), nil)
		r.res.Restarts = 1 // max_restarts: 1
		if again := r.recordDeath(context.Background()); again || strings.Contains(r.log.String(), "restart") {
			t.Errorf("recordDeath = %v, log %q; want false and no restart tried", again, r.log.String())
		}
	})
}

// TestDeathSeen: the end of the process is a death dated by the clock,
// or by the harness's kill when it killed; when the run ended it is the
// harness's stop, not a death.
func TestDeathSeen(t *testing.T) {
	r := newFakeRun(t, scenarios.RestartNever, exited(ptr(2), "", ""), nil)
	r.clock.advance(1500 * time.Millisecond)
	r.died(context.Background())
	if len(r.deaths) != 1 || r.deaths[0].AtSeconds != 6.5 {
		t.Errorf("deaths = %+v; want one at 6.5 s (the clock)", r.deaths)
	}

	r = newFakeRun(t, scenarios.RestartNever, exited(nil, "SIGKILL", ""), nil)
	r.killedBy, r.killedAt = killWatchdog, 3*time.Second
	r.died(context.Background())
	if len(r.deaths) != 1 || r.deaths[0].AtSeconds != 3 {
		t.Errorf("deaths = %+v; want one at 3 s (the kill's cause)", r.deaths)
	}

	r = newFakeRun(t, scenarios.RestartNever, exited(nil, "SIGTERM", ""), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r.died(ctx) || len(r.deaths) != 0 || !r.stopped {
		t.Errorf("after the run ended: deaths %+v, stopped %v; want none, stopped", r.deaths, r.stopped)
	}
}

// TestFinish: the outcome is the first death's, else a forecast that
// ended the load, else how the load ended; the figures, the exit and the
// deaths are those of the whole life.
func TestFinish(t *testing.T) {
	crash := results.Event{AtSeconds: 4, Outcome: results.OutcomeCrashed, Detail: "exited on its own at 4.0 s: exit code 1"}
	kernel := results.Event{AtSeconds: 6.5, Outcome: results.OutcomeOOMKilled, Mechanism: results.MechanismCgroupV2,
		Detail: "killed by the kernel at 6.5 s", Restarted: true}
	cut := &results.Forecast{AtSeconds: 25, EarliestSeconds: 20, LatestSeconds: ptr(30.0), SlopeBytesPerSecond: 10 * mb,
		ToSeconds: 7, LimitBytes: 100 * mb, CutShort: true}
	tests := []struct {
		name        string
		p           *fakeProcess
		deaths      []results.Event
		restarts    int
		stopped     bool
		ended       bool    // the run's ctx ended
		duration    float64 // seconds the load ran (of 10)
		heapLineAt  time.Duration
		cut, latest *results.Forecast
		want        results.Target // the fields checked; OutcomeDetail: its start
		wantOOMAt   *float64
	}{
		{name: "alive at the end of the load", p: exited(nil, "SIGTERM", ""), stopped: true, duration: 10,
			want: results.Target{Outcome: results.OutcomeSurvived, OutcomeDetail: "alive at the end of the load; stopped by the harness",
				Exit: results.Exit{Signal: "SIGTERM", ByHarness: true}}},
		{name: "a survivor keeps the forecast of a sure climb", p: exited(nil, "SIGTERM", ""), stopped: true, duration: 10,
			latest: &results.Forecast{AtSeconds: 40, LatestSeconds: ptr(60.0)},
			want: results.Target{Outcome: results.OutcomeSurvived, OutcomeDetail: "alive at the end of the load",
				Exit: results.Exit{Signal: "SIGTERM", ByHarness: true}, Forecast: &results.Forecast{AtSeconds: 40, LatestSeconds: ptr(60.0)}}},
		{name: "a survivor does not keep a forecast with no latest crossing", p: exited(nil, "SIGTERM", ""), stopped: true, duration: 10,
			latest: &results.Forecast{AtSeconds: 40},
			want:   results.Target{Outcome: results.OutcomeSurvived, OutcomeDetail: "alive at the end of the load", Exit: results.Exit{Signal: "SIGTERM", ByHarness: true}}},
		{name: "interrupted under load", p: exited(nil, "SIGTERM", ""), stopped: true, ended: true, duration: 3,
			want: results.Target{Outcome: results.OutcomeInterrupted, OutcomeDetail: "the run was interrupted while this target was under load",
				Exit: results.Exit{Signal: "SIGTERM", ByHarness: true}}},
		{name: "interrupted after its load: survived", p: exited(nil, "SIGTERM", ""), stopped: true, ended: true, duration: 10,
			want: results.Target{Outcome: results.OutcomeSurvived, OutcomeDetail: "alive at the end of the load", Exit: results.Exit{Signal: "SIGTERM", ByHarness: true}}},
		{name: "alive, but its runtime refused allocations", p: exited(nil, "SIGTERM", "java.lang.OutOfMemoryError: Java heap space"), stopped: true,
			duration: 10, heapLineAt: 3 * time.Second,
			want: results.Target{Outcome: results.OutcomeHeapLimit, OutcomeDetail: "alive at the end of the load, but JVM refused allocations from 3.0 s on",
				Exit: results.Exit{Signal: "SIGTERM", ByHarness: true}, StderrTail: "java.lang.OutOfMemoryError: Java heap space"},
			wantOOMAt: ptr(3.0)},
		{name: "the load ended by --fail-fast", p: exited(nil, "SIGTERM", ""), stopped: true, duration: 7, cut: cut,
			want: results.Target{Outcome: results.OutcomeForecastOOM, OutcomeDetail: "load ended early by --fail-fast at 7.0 s",
				Exit: results.Exit{Signal: "SIGTERM", ByHarness: true}, Forecast: cut}},
		{name: "one death decides", p: exited(ptr(1), "", "boom"), deaths: []results.Event{crash}, duration: 4,
			want:      results.Target{Outcome: results.OutcomeCrashed, OutcomeDetail: crash.Detail, Exit: results.Exit{Code: ptr(1)}, StderrTail: "boom"},
			wantOOMAt: ptr(4.0)},
		{name: "a death outranks a forecast", p: exited(ptr(1), "", ""), deaths: []results.Event{crash}, duration: 4, cut: cut,
			want:      results.Target{Outcome: results.OutcomeCrashed, OutcomeDetail: crash.Detail, Exit: results.Exit{Code: ptr(1)}},
			wantOOMAt: ptr(4.0)},
		{name: "the first of several deaths decides, and they are counted", p: exited(ptr(1), "", ""),
			deaths: []results.Event{kernel, crash}, restarts: 1, duration: 10,
			want: results.Target{Outcome: results.OutcomeOOMKilled, OOMKilled: true, OOMMechanism: ptr(results.MechanismCgroupV2),
				OutcomeDetail: kernel.Detail + "; died 2 times under load, restarted 1 times", Exit: results.Exit{Code: ptr(1)}},
			wantOOMAt: ptr(6.5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newFakeRun(t, scenarios.RestartNever, tt.p, nil)
			r.deaths, r.res.Restarts, r.stopped, r.res.DurationSeconds = tt.deaths, tt.restarts, tt.stopped, tt.duration
			r.mon.rules.Cut, r.mon.rules.LastForecast = tt.cut, tt.latest
			r.mon.peak, r.mon.cpuSum, r.mon.cpuN = 70*mb, 30, 2
			if tt.heapLineAt > 0 {
				r.signs.Feed(tt.p.tail)
				r.signs.first = r.t0.Add(tt.heapLineAt)
			}
			ctx, cancel := context.WithCancel(context.Background())
			if tt.ended {
				cancel()
			}
			defer cancel()
			r.finish(ctx)
			got := r.res
			if got.Outcome != tt.want.Outcome || !strings.HasPrefix(got.OutcomeDetail, tt.want.OutcomeDetail) {
				t.Errorf("outcome %s: %q; want %s: %q…", got.Outcome, got.OutcomeDetail, tt.want.Outcome, tt.want.OutcomeDetail)
			}
			if got.OOMKilled != tt.want.OOMKilled || !equalPtr(got.OOMMechanism, tt.want.OOMMechanism) || !equalPtr(got.OOMAtSeconds, tt.wantOOMAt) {
				t.Errorf("oom killed %v, mechanism %v, at %v; want %v, %v, %v", got.OOMKilled, deref(got.OOMMechanism), deref(got.OOMAtSeconds),
					tt.want.OOMKilled, deref(tt.want.OOMMechanism), deref(tt.wantOOMAt))
			}
			if !equalPtr(got.Exit.Code, tt.want.Exit.Code) || got.Exit.Signal != tt.want.Exit.Signal || got.Exit.ByHarness != tt.want.Exit.ByHarness {
				t.Errorf("exit %v %q by harness %v; want %v %q %v", deref(got.Exit.Code), got.Exit.Signal, got.Exit.ByHarness,
					deref(tt.want.Exit.Code), tt.want.Exit.Signal, tt.want.Exit.ByHarness)
			}
			if got.Forecast != tt.want.Forecast && (got.Forecast == nil || tt.want.Forecast == nil || got.Forecast.AtSeconds != tt.want.Forecast.AtSeconds) {
				t.Errorf("forecast %+v; want %+v", got.Forecast, tt.want.Forecast)
			}
			if got.StderrTail != tt.want.StderrTail || got.RSSPeakBytes != 70*mb || got.CPUPercentMean != 15 || len(got.Events) != len(tt.deaths) {
				t.Errorf("stderr %q, peak %d, cpu %.0f, %d events; want %q, %d, 15, %d (the deaths)",
					got.StderrTail, got.RSSPeakBytes, got.CPUPercentMean, len(got.Events), tt.want.StderrTail, 70*mb, len(tt.deaths))
			}
		})
	}
}

func equalPtr[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// deref shows what a pointer holds, "<nil>" for none.
func deref[T any](p *T) any {
	if p == nil {
		return "<nil>"
	}
	return *p
}
