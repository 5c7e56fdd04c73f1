package runner

import (
	"cmp"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// fastStages is a load of a 10 s warm-up and a 20 s top stage (settling
// 5 s: its settled part begins at 15 s).
var fastStages = []results.StageSpan{
	{Index: 0, RatePerSecond: 10, StartSeconds: 0, EndSeconds: 10},
	{Index: 1, RatePerSecond: 40, StartSeconds: 10, EndSeconds: 30},
}

// flatRSS is a flat curve with a GC saw-tooth of 2 MiB and a little
// jitter, deterministic.
func flatRSS(t float64) float64 {
	return 40*mb + 2*mb*math.Mod(t, 1.7) + 0.2*mb*math.Sin(t*7)
}

func TestFastStopObserve(t *testing.T) {
	tests := []struct {
		name     string
		phases   []results.PhaseSpan
		limit    int64
		interval float64 // seconds between samples
		until    float64 // samples up to this time
		rss      func(t float64) float64
		spoilAt  float64 // the target died then (0: never)
		// The stop comes at wantStop or later, by stopBy (NaN: never).
		wantStop, stopBy float64
	}{
		// Settled from 15 s, 3 s of fit by 18 s, three checks in a row at
		// 18, 19 and 20 s at the earliest; the saw-tooth may take a few
		// seconds more to fit surely.
		{name: "flat: stops after the streak", until: 30, rss: flatRSS, wantStop: 20, stopBy: 25},
		{name: "rising 1 MiB/s: never", until: 30, wantStop: math.NaN(),
			rss: func(t float64) float64 { return flatRSS(t) + mb*t }},
		// Flat, then a slow climb from 18 s: the streak breaks before it
		// completes, and the climb is never flat again.
		{name: "flat, then climbing before the streak is done", until: 30, wantStop: math.NaN(),
			rss: func(t float64) float64 { return flatRSS(t) + 4*mb*math.Max(0, t-18.5) }},
		{name: "flat, but only the first stage has run", until: 9.9, rss: flatRSS, wantStop: math.NaN()},
		// A phase change at 16 s, before the load's end: nothing before
		// it; after it, the settled part of 16-30 s (from 19.5 s) must
		// hold 3 s first (22.5 s), then three checks: 24.5 s.
		{name: "a later downstream phase pending", until: 15.9, rss: flatRSS, wantStop: math.NaN(),
			phases: []results.PhaseSpan{{Name: "fast", StartSeconds: 0, EndSeconds: 16}, {Name: "slow", StartSeconds: 16, EndSeconds: 30}}},
		{name: "after the last downstream phase began", until: 30, rss: flatRSS, wantStop: 24.5, stopBy: 29,
			phases: []results.PhaseSpan{{Name: "fast", StartSeconds: 0, EndSeconds: 16}, {Name: "slow", StartSeconds: 16, EndSeconds: 30}}},
		// A phase that begins only after the load's end does not hold it.
		{name: "a phase after the load's end", until: 30, rss: flatRSS, wantStop: 20, stopBy: 25,
			phases: []results.PhaseSpan{{Name: "a", StartSeconds: 0, EndSeconds: 40}, {Name: "b", StartSeconds: 40, EndSeconds: 50}}},
		// One sample a second: 15 samples in the settled part at most.
		{name: "too few samples", until: 30, interval: 1, rss: flatRSS, wantStop: math.NaN()},
		{name: "flat near the limit", until: 30, limit: 50 * mb, rss: flatRSS, wantStop: math.NaN()},
		{name: "flat, after a death", until: 30, rss: flatRSS, spoilAt: 12, wantStop: math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit, interval := cmp.Or(tt.limit, 256*mb), cmp.Or(tt.interval, 0.1)
			f := newFastStop(limit, fastStages, tt.phases, true)
			stopAt := math.NaN()
			var es results.EarlyStop
			for i := 0; float64(i)*interval <= tt.until+1e-9; i++ {
				ts := math.Round(float64(i)*interval*1000) / 1000
				if tt.spoilAt > 0 && ts >= tt.spoilAt && !f.spoiled {
					f.spoil()
				}
				b := int64(tt.rss(ts))
				if e, stop := f.observe(ts, b, b); stop {
					stopAt, es = ts, e
					break
				}
			}
			if math.IsNaN(tt.wantStop) != math.IsNaN(stopAt) || stopAt < tt.wantStop-0.05 || stopAt > tt.stopBy {
				t.Fatalf("stopped at %.1f s; want %.1f to %.1f s", stopAt, tt.wantStop, tt.stopBy)
			}
			if math.IsNaN(stopAt) {
				return
			}
			up := es.SlopeUpperBytesPerSecond / mb
			if es.AtSeconds != stopAt || es.LoadSeconds != 30 || es.FromSeconds < 15 || up >= curve.GrowthSlopeMiBPerSec ||
				up < es.SlopeBytesPerSecond/mb || !strings.Contains(es.Reason, "memory flat") {
				t.Errorf("early stop = %+v; want at %.1f s of 30 s, from the settled part, upper bound < %.1f MiB/s", es, stopAt, curve.GrowthSlopeMiBPerSec)
			}
			if f.streak != fastStreak {
				t.Errorf("streak = %d; want %d checks in a row", f.streak, fastStreak)
			}
		})
	}
}

// TestFastStopBounded: the rule keeps the samples from the top stage's
// start only, and gives up past fastMaxSamples.
func TestFastStopBounded(t *testing.T) {
	stages := []results.StageSpan{{StartSeconds: 0, EndSeconds: 10}, {Index: 1, StartSeconds: 10, EndSeconds: 1e6}}
	f := newFastStop(256*mb, stages, nil, true)
	for i := range 10*10 + fastMaxSamples + 50 {
		// Memory near the limit: the rule keeps the samples, and judges
		// no more than that (the test stays quick).
		f.observe(float64(i)/10, 40*mb, 250*mb)
	}
	if len(f.ts) > fastMaxSamples || !f.spoiled {
		t.Errorf("kept %d samples, spoiled %v; want at most %d, then given up", len(f.ts), f.spoiled, fastMaxSamples)
	}
	if f.ts[0] < 10 {
		t.Errorf("first sample kept at %.1f s; want none before the top stage (10 s)", f.ts[0])
	}
}

// TestDecideFast: under --fast decide asks once to stop the load of a
// flat target; without it, or after a kill, never.
func TestDecideFast(t *testing.T) {
	tests := []struct {
		name     string
		fast     bool
		killAt   float64 // a watchdog kill then (no cgroup, RSS past the limit); 0: none
		wantStop bool
	}{
		{name: "flat under --fast", fast: true, wantStop: true},
		{name: "flat without --fast", fast: false},
		{name: "flat under --fast, after a watchdog kill", fast: true, killAt: 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWatch(256*mb, false, watchOptions{StallWindow: 5 * time.Second, Load: 30 * time.Second, Fast: tt.fast,
				Stages: fastStages}).process()
			var stops []decision
			for i := 0; i <= 300; i++ {
				ts := float64(i) / 10
				rss := int64(flatRSS(ts))
				if tt.killAt > 0 && math.Abs(ts-tt.killAt) < 1e-9 {
					rss = 300 * mb
				}
				var ds []decision
				ds, _, w = decide(w, at(ts, rss))
				for _, d := range ds {
					if d.Action == actStopLoad {
						stops = append(stops, d)
					}
				}
				if tt.killAt > 0 && ts > tt.killAt {
					w = w.process() // the restarted process
				}
			}
			if (len(stops) > 0) != tt.wantStop || len(stops) > 1 {
				t.Fatalf("stops = %+v; want one: %v", stops, tt.wantStop)
			}
			if !tt.wantStop {
				if w.Stopped != nil {
					t.Errorf("Stopped = %+v; want nil", w.Stopped)
				}
				return
			}
			if d := stops[0]; d.EarlyStop == nil || d.EarlyStop != w.Stopped || !strings.HasPrefix(d.Detail, "fast: memory flat") {
				t.Errorf("stop = %+v, Stopped = %+v; want the early stop kept and logged", d, w.Stopped)
			}
		})
	}
}

// TestFastAgreesWithVerdict: the window --fast judged flat is the
// window the verdict classes the stopped curve by, and it is bounded.
func TestFastAgreesWithVerdict(t *testing.T) {
	f := newFastStop(256*mb, fastStages, nil, true)
	s := &saved.Series{Target: "aware"}
	var es results.EarlyStop
	for i := 0; ; i++ {
		ts := float64(i) / 10
		b := int64(flatRSS(ts))
		s.T, s.RSSMiB = append(s.T, ts), append(s.RSSMiB, float64(b)/mb)
		for _, col := range []*[]float64{&s.CPUPercent, &s.CgroupMiB, &s.HeapMiB, &s.GCCount} {
			*col = append(*col, math.NaN())
		}
		var stop bool
		if es, stop = f.observe(ts, b, b); stop {
			break
		}
		if ts > 30 {
			t.Fatal("never stopped")
		}
	}
	run := &saved.Run{Results: &results.Results{Schema: results.Schema, Scenario: "agree", MemoryLimitBytes: 256 * mb, Stages: fastStages,
		Targets: []results.Target{{Name: "aware", Outcome: results.OutcomeSurvived, StoppedEarly: &es}}},
		Series: []*saved.Series{s}}
	v := judge.Judge(run)[0]
	c := v.Confidence
	if v.Class != judge.ClassBounded || c.StartSeconds != math.Round(es.FromSeconds*100)/100 || c.EndSeconds != math.Round(es.AtSeconds*100)/100 {
		t.Fatalf("verdict %s over %.2f-%.2f s; want bounded over --fast's window %.2f-%.2f s", v.Class, c.StartSeconds, c.EndSeconds, es.FromSeconds, es.AtSeconds)
	}
	if up := c.SlopeMiBPerSec + curve.SlopeZ*c.SlopeSEMiBPerSec; math.Abs(up-es.SlopeUpperBytesPerSecond/mb) > 0.01 {
		t.Errorf("verdict's upper bound %.3f MiB/s; --fast's %.3f", up, es.SlopeUpperBytesPerSecond/mb)
	}
	if !strings.Contains(v.Story, "stopped early at") || v.StoppedEarly == "" {
		t.Errorf("story = %q; want it to say the load stopped early", v.Story)
	}
}

const fastUpload = `
name: fast
pattern: upload-proxy
targets:
  - {name: aware, builtin: upload-aware, role: aware}
memory_limit: 256MiB
sample_interval: 100ms
load:
  stages:
    - {rate: 1, duration: 1s}
    - {rate: 3, duration: 20s}
  request: {path: /healthz, timeout: 5s}
downstream:
  phases: [{at: 0s}]
`

// TestRunFast is --fast on a real target whose memory stays flat: its
// load ends before the top stage's end, the requests in flight finish
// (none is aborted), it survives, its end-of-load evidence is taken at
// the stop, results.json says when and why, and
// the verdict classes it bounded and says it stopped early. Should the
// machine be too busy for the rule to be sure in the 20 s, the load runs
// out and the test fails: it depends on the rule, not on timing.
func TestRunFast(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real target for about 12 s")
	}
	res, out := mustRun(t, 90*time.Second, parse(t, fastUpload), Options{Fast: true})
	aware := res.Targets[0]
	es := aware.StoppedEarly
	if aware.Outcome != results.OutcomeSurvived || es == nil {
		t.Fatalf("outcome %s (%s), stopped early %+v; want survived, stopped early", aware.Outcome, aware.OutcomeDetail, es)
	}
	if es.LoadSeconds != 21 || es.AtSeconds >= es.LoadSeconds-fastMinGainSeconds || es.FromSeconds < 6 ||
		es.SlopeUpperBytesPerSecond >= curve.GrowthSlopeMiBPerSec*mb {
		t.Errorf("stopped early = %+v; want before 20 s of 21, over the settled part (from 6 s), upper bound < 0.5 MiB/s", es)
	}
	top := aware.Stages[len(aware.Stages)-1]
	if len(aware.Stages) != 2 || top.DurationSeconds >= 20-fastMinGainSeconds || top.Behind {
		t.Errorf("stages = %+v; want the top stage ended early, not behind", aware.Stages)
	}
	for _, st := range aware.Stages {
		if i := slices.IndexFunc(st.Errors, func(e results.ErrorCount) bool { return strings.Contains(e.Error, "interrupted") }); i >= 0 {
			t.Errorf("stage %d errors %+v; want no request aborted", st.Index+1, st.Errors)
		}
	}
	// The end-of-load evidence is taken by the stop, still under load.
	for _, e := range aware.Evidence {
		if e.EndOfLoad && e.AtSeconds > es.AtSeconds {
			t.Errorf("end-of-load evidence at %.2f s; want it by the stop, %.2f s", e.AtSeconds, es.AtSeconds)
		}
	}
	run, err := saved.Load(filepath.Join(out, results.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := run.Results.Targets[0].StoppedEarly; got == nil || *got != *es {
		t.Errorf("results.json stopped_early = %+v; want %+v", got, es)
	}
	v := judge.Judge(run)[0]
	if v.Class != judge.ClassBounded || !strings.Contains(v.Story, "stopped early at") {
		t.Errorf("verdict %s: %s; want bounded, saying it stopped early", v.Class, v.Story)
	}
}

// TestFastKeepsTheClass replays every recorded curve of a survivor
// (report/testdata/curves) through the --fast rule: where it would have
// stopped the load, the verdict on the curve cut there must give the
// class the whole curve gets. This is the rule's promise: stopping early
// changes how long a run takes, not what it finds.
func TestFastKeepsTheClass(t *testing.T) {
	files, err := filepath.Glob(savedtest.Testdata("curves", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("recorded curves: %v (%d)", err, len(files))
	}
	stopped := 0
	for _, file := range files {
		run, err := savedtest.LoadCurve(file)
		if err != nil {
			t.Fatal(err)
		}
		res, tgt, s := run.Results, run.Results.Targets[0], run.Series[0]
		if tgt.Outcome != results.OutcomeSurvived || tgt.Restarts > 0 {
			continue // a death spoils the rule
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			full := judge.Judge(run)[0]
			f := newFastStop(cmp.Or(res.MemoryLimitBytes, 256*mb), res.Stages, res.Phases, true)
			n := -1
			for i, ts := range s.T {
				b := int64(s.RSSMiB[i] * mb)
				if _, stop := f.observe(ts, b, b); stop {
					n = i + 1
					break
				}
			}
			if n < 0 {
				t.Logf("%s: not stopped (%s)", full.Class, full.Confidence.Reason)
				return
			}
			stopped++
			cut := &saved.Series{Target: s.Target, T: s.T[:n], RSSMiB: s.RSSMiB[:n], CPUPercent: s.CPUPercent[:n],
				CgroupMiB: s.CgroupMiB[:n], HeapMiB: s.HeapMiB[:n], GCCount: s.GCCount[:n]}
			early := judge.Judge(&saved.Run{Results: res, Series: []*saved.Series{cut}})[0]
			if early.Class != full.Class {
				t.Errorf("stopped at %.1f s: class %s (%s); the whole curve: %s (%s)", s.T[n-1], early.Class, early.Confidence.Reason,
					full.Class, full.Confidence.Reason)
			}
			t.Logf("stopped at %.1f s of %.0f s: %s, as the whole curve", s.T[n-1], f.endsAt, early.Class)
		})
	}
	if stopped == 0 {
		t.Error("no recorded curve was stopped early: the test checks nothing")
	}
}
