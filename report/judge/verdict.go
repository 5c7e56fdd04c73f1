package judge

import (
	"fmt"
	"math"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
	"github.com/oomlab/oomlab/scenarios"
)

// Verdict classes. The outcome classes repeat the runner's outcome (a
// newer runner's outcome, such as a heap-limit death, becomes a class of
// its own); growing, bounded and inconclusive are decided here from the
// RSS curve by curve's rule (classify.go).
const (
	ClassOOMKilled  = results.OutcomeOOMKilled
	ClassLimitStall = results.OutcomeLimitStall
	ClassCrashed    = results.OutcomeCrashed
	// ClassHeapLimit is a death at the runtime's own heap limit.
	ClassHeapLimit     = results.OutcomeHeapLimit
	ClassFailedToStart = results.OutcomeFailedToStart
	ClassGrowing       = scenarios.ClassGrowing
	ClassBounded       = scenarios.ClassBounded
	// ClassInconclusive is a survivor whose curve cannot be classed: the
	// last stage is too short after settling, or the slope too uncertain.
	// It never passes an expectation that asks for a class.
	ClassInconclusive = scenarios.ClassInconclusive
	// ClassSkipped is a target the runner could not run here.
	ClassSkipped = results.OutcomeSkipped
	// ClassNoData is a target that ran but left no samples to judge.
	ClassNoData = "no-data"
)

// Verdict is the judgement of one target.
type Verdict struct {
	Target string `json:"target"`
	// Class is one of the Class constants.
	Class string `json:"class"`
	// Confidence says how sure Class is and what it rests on.
	Confidence Confidence `json:"confidence"`
	// Story is the verdict in one line, agreeing with the class, the
	// symptoms and the expectations: "bounded: RSS levelled off …;
	// expectations pass".
	Story string `json:"story"`
	// SlopeMiBPerSec is the RSS slope over SlopeWindow: the settled
	// window for a survivor, the steepest stage or phase for a target
	// that reached the limit.
	SlopeMiBPerSec float64 `json:"slope_mib_per_sec"`
	// Symptoms are the findings with numbers, each only when seen.
	Symptoms []string `json:"symptoms"`
	// Expectations are the scenario's expect: entries, checked.
	Expectations []Check `json:"expectations"`
	// Pass is true when no expectation of this target failed. A target
	// with no expectations has Pass true but was not checked: the
	// outputs mark it "not checked", and the gate (GateOf) does not
	// count it as a pass.
	Pass bool `json:"pass"`
	// Recommendation is what to do about it, for this pattern and runtime.
	Recommendation string `json:"recommendation"`
	// StoppedEarly says when and why --fast stopped the target's load
	// before its end ("stopped early at 40.4 s of 50 s under --fast:
	// memory flat (…)"); the story says it too. Empty when the load ran
	// out.
	StoppedEarly string `json:"stopped_early,omitempty"`

	Outcome     string  `json:"outcome"`
	Runtime     string  `json:"runtime,omitempty"`
	SlopeWindow string  `json:"slope_window,omitempty"`
	SlopeR2     float64 `json:"slope_r2"`
	// KilledAtSeconds is when the target was OOM-killed or stalled.
	KilledAtSeconds *float64 `json:"killed_at_seconds,omitempty"`
	PeakRSSMiB      float64  `json:"peak_rss_mib"`
	// GCPerSecondMax is the highest per-stage GC rate, nil when unknown.
	GCPerSecondMax *float64 `json:"gc_per_second_max,omitempty"`
	SuccessRatio   float64  `json:"success_ratio"`
	// P95LastStageMs is the p95 latency of the last stage with requests.
	P95LastStageMs float64 `json:"p95_last_stage_ms"`
	// GoodputRatio is the downstream's goodput while this target ran
	// (results.Downstream.GoodputRatio); for a target without one whose
	// load has slow clients (a download bandwidth), the client goodput:
	// the share of those clients' reading capacity that was used, body
	// bytes read ÷ (bandwidth × client-seconds connected), and a symptom
	// says so (see goodputOf, clientReads). Null when it has neither.
	// ShedRatio is the share of requests the target shed on purpose
	// (results.IsShed); TimeToLimit when it reached or will reach its
	// limit (null: not forecast).
	GoodputRatio *float64     `json:"goodput_ratio"`
	ShedRatio    float64      `json:"shed_ratio"`
	TimeToLimit  *TimeToLimit `json:"time_to_limit"`
	StageFits    []Fit        `json:"stage_fits,omitempty"`
	PhaseFits    []Fit        `json:"phase_fits,omitempty"`
	// Kinds are the load's figures per request kind, in the scenario's
	// order; empty for a run without a mix (see ShowsKinds).
	Kinds []Kind `json:"kinds,omitempty"`
}

// Check is one expectation and whether it held.
type Check struct {
	// Name is the expect: key ("outcome", "oom_within", "max_rss",
	// "min_rss", "min_success_ratio") or "ran".
	Name string `json:"name"`
	// Kind is the request kind the expectation names, if any.
	Kind string `json:"kind,omitempty"`
	Pass bool   `json:"pass"`
	// Text reads "expected oom-killed within 60s: killed at 27.3 s ✓".
	Text string `json:"text"`
}

// Label names the check where a list or a CI system names it: the
// expect: key, and the request kind it names in parentheses
// ("max_p95 (export)").
func (c Check) Label() string {
	if c.Kind == "" {
		return c.Name
	}
	return c.Name + " (" + c.Kind + ")"
}

// Fit is a straight line fitted to RSS over one window.
type Fit struct {
	Window         string  `json:"window"`
	StartSeconds   float64 `json:"start_seconds"`
	EndSeconds     float64 `json:"end_seconds"`
	SlopeMiBPerSec float64 `json:"slope_mib_per_sec"`
	R2             float64 `json:"r2"`
	Samples        int     `json:"samples"`
}

// Judge returns one verdict per target of run, in target order.
func Judge(run *saved.Run) []Verdict {
	out := make([]Verdict, 0, len(run.Results.Targets))
	for i := range run.Results.Targets {
		out = append(out, judgeTarget(run, i))
	}
	return out
}

func judgeTarget(run *saved.Run, i int) Verdict {
	res, t, s := run.Results, run.Results.Targets[i], run.Series[i]
	v := Verdict{Target: t.Name, Outcome: t.Outcome, Runtime: t.Runtime, KilledAtSeconds: t.OOMAtSeconds,
		PeakRSSMiB: float64(t.RSSPeakBytes) / format.BytesPerMiB, SuccessRatio: successRatio(t.Stages)}
	if m := saved.FiniteMax(s.RSSMiB); m > v.PeakRSSMiB {
		v.PeakRSSMiB = m
	}
	if st := lastStageWithRequests(t.Stages); st != nil {
		v.P95LastStageMs = st.LatencyP95Ms
	}
	if rates := stageGCRates(res, s); len(rates) > 0 {
		m := rates[0]
		for _, r := range rates {
			m = math.Max(m, r)
		}
		v.GCPerSecondMax = &m
	}
	for k, st := range res.Stages {
		if f, ok := fitRSS(s, st.StartSeconds, st.EndSeconds); ok {
			f.Window = fmt.Sprintf("stage %d (%s rps)", k+1, format.Rate(st.RatePerSecond))
			v.StageFits = append(v.StageFits, f)
		}
	}
	for k, ph := range res.Phases {
		if f, ok := fitRSS(s, ph.StartSeconds, ph.EndSeconds); ok {
			f.Window = "phase " + PhaseName(ph, k)
			v.PhaseFits = append(v.PhaseFits, f)
		}
	}
	v.Class, v.Confidence = classify(res, t, s)
	if c := v.Confidence; c.Window != "outcome" && c.Samples >= curve.MinSettledSamples && c.EndSeconds-c.StartSeconds >= curve.MinSettledSeconds {
		v.SlopeMiBPerSec, v.SlopeR2, v.SlopeWindow = c.SlopeMiBPerSec, c.R2, c.Window
	} else if f, ok := decisiveFit(v, s, t.OOMAtSeconds != nil); ok {
		v.SlopeMiBPerSec, v.SlopeR2, v.SlopeWindow = format.Round(f.SlopeMiBPerSec, 3), format.Round(f.R2, 3), f.Window
	}
	ciFigures(run, i, &v)
	v.Kinds = kindsOf(t)
	v.Symptoms = symptoms(run, i, v)
	v.Expectations = checkExpectations(res, t, v)
	v.Expectations = append(v.Expectations, gcThrashCheck(run, i)...)
	v.Pass = true
	for _, c := range v.Expectations {
		v.Pass = v.Pass && c.Pass
	}
	v.Recommendation = recommend(res, t, v)
	v.StoppedEarly = earlyStopText(t)
	v.Story = story(v)
	return v
}

func PhaseName(ph results.PhaseSpan, k int) string {
	if ph.Name != "" {
		return ph.Name
	}
	return fmt.Sprintf("%d", k+1)
}

// decisiveFit is the fit the class rests on: the last phase with data,
// else the last stage with data, else every sample from the load's start.
// For a target that reached the limit (atLimit) the last window is flat
// against the limit, so the steepest window of the same kind is used.
func decisiveFit(v Verdict, s *saved.Series, atLimit bool) (Fit, bool) {
	for _, fits := range [][]Fit{v.PhaseFits, v.StageFits} {
		if len(fits) == 0 {
			continue
		}
		best := fits[len(fits)-1]
		for _, f := range fits {
			if atLimit && f.SlopeMiBPerSec > best.SlopeMiBPerSec {
				best = f
			}
		}
		return best, true
	}
	f, ok := fitRSS(s, 0, math.Inf(1))
	f.Window = "whole run"
	return f, ok
}

// fitRSS fits RSS = α + β·t over the samples with t0 ≤ t ≤ t1 with
// curve's one line fit (curve.Curve.Fit: at least curve.MinFitSamples
// samples over curve.MinFitSeconds); β is the slope in MiB/s, R² says how
// well a line describes the window (0 for a flat line).
func fitRSS(s *saved.Series, t0, t1 float64) (Fit, bool) {
	f, ok := rssCurve(s).Fit(t0, t1)
	if !ok {
		return Fit{}, false
	}
	return Fit{StartSeconds: f.Start, EndSeconds: f.End, SlopeMiBPerSec: format.Round(f.Slope, 3), R2: format.Round(f.R2, 3), Samples: f.N}, true
}

func successRatio(stages []results.Stage) float64 {
	var req, ok uint64
	for _, s := range stages {
		req += s.Requests
		ok += s.Successes
	}
	if req == 0 {
		return 0
	}
	return float64(ok) / float64(req)
}

func lastStageWithRequests(stages []results.Stage) *results.Stage {
	for i := len(stages) - 1; i >= 0; i-- {
		if stages[i].Requests > 0 {
			return &stages[i]
		}
	}
	return nil
}

// stageGCRates returns the GC rate of each stage that has GC counts:
// (last count − first count) ÷ (last t − first t) over the stage's
// samples. Stages with less than half a second of counts are left out.
func stageGCRates(res *results.Results, s *saved.Series) []float64 {
	var out []float64
	for _, st := range res.Stages {
		t0, c0, t1, c1 := math.NaN(), 0.0, math.NaN(), 0.0
		for i, t := range s.T {
			if t < st.StartSeconds || t > st.EndSeconds || math.IsNaN(s.GCCount[i]) {
				continue
			}
			if math.IsNaN(t0) {
				t0, c0 = t, s.GCCount[i]
			}
			t1, c1 = t, s.GCCount[i]
		}
		if !math.IsNaN(t0) && t1-t0 >= 0.5 {
			out = append(out, (c1-c0)/(t1-t0))
		}
	}
	return out
}
