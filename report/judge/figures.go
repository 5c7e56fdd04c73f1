package judge

import (
	"math"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// Sources of a verdict's time to limit.
const (
	LimitReachedKilled  = "killed"    // the target was OOM-killed (or the watchdog killed it)
	LimitReachedStalled = "stalled"   // it stalled at the limit
	LimitForecast       = "forecast"  // still growing at the end: the line fitted to its last samples
	LimitFailFast       = "fail-fast" // the forecast --fail-fast ended its load on
)

// TimeToLimit is when a target reached, or is forecast to reach, its
// memory limit, in seconds since the load's start.
type TimeToLimit struct {
	Seconds float64 `json:"seconds"`
	// EarliestSeconds and LatestSeconds bound a forecast (see
	// results.Forecast, curve.ForecastLimit); LatestSeconds is null when the fit cannot rule
	// out a flat curve. Both are null for a limit actually reached.
	EarliestSeconds *float64 `json:"earliest_seconds"`
	LatestSeconds   *float64 `json:"latest_seconds"`
	// Source is one of LimitReachedKilled, LimitReachedStalled,
	// LimitForecast, LimitFailFast.
	Source string `json:"source"`
}

// Forecast reports whether the time is a forecast rather than a reached
// limit.
func (t TimeToLimit) Forecast() bool { return t.Source == LimitForecast || t.Source == LimitFailFast }

// ciFigures fills in the figures a CI gate reads beyond the class: shed
// and goodput ratios (goodputOf: the downstream's, or the slow clients')
// and the time to limit.
func ciFigures(run *saved.Run, i int, v *Verdict) {
	t := run.Results.Targets[i]
	v.ShedRatio = shedRatio(t.Stages)
	v.GoodputRatio, _ = goodputOf(run.Results, t)
	v.TimeToLimit = timeToLimit(run, i, v.Class)
}

func shedRatio(stages []results.Stage) float64 {
	var req, shed uint64
	for _, s := range stages {
		req += s.Requests
		shed += s.Shed
	}
	if req == 0 {
		return 0
	}
	return float64(shed) / float64(req)
}

// timeToLimit is the kill or stall time of a target that reached its
// limit, the forecast --fail-fast acted on, or, for a target whose class
// is growing, the forecast from the samples of its last
// curve.ForecastWindowSeconds (the larger of RSS and cgroup usage);
// nil otherwise.
func timeToLimit(run *saved.Run, i int, class string) *TimeToLimit {
	t, s := run.Results.Targets[i], run.Series[i]
	switch {
	case t.OOMAtSeconds != nil:
		src := LimitReachedKilled
		if t.Outcome == results.OutcomeLimitStall {
			src = LimitReachedStalled
		}
		return &TimeToLimit{Seconds: format.Round(*t.OOMAtSeconds, 1), Source: src}
	case t.Forecast != nil && t.Forecast.CutShort:
		return fromForecast(*t.Forecast, LimitFailFast)
	case class != ClassGrowing || run.Results.MemoryLimitBytes <= 0:
		return nil
	}
	var ts, ys []float64
	for k, at := range s.T {
		m := math.Max(nanTo0(s.RSSMiB[k]), nanTo0(s.CgroupMiB[k])) * format.BytesPerMiB
		if at >= 0 && m > 0 {
			ts, ys = append(ts, at), append(ys, m)
		}
	}
	f, ok := curve.ForecastLimit(ts, ys, run.Results.MemoryLimitBytes)
	if !ok {
		return nil
	}
	return fromForecast(f, LimitForecast)
}

func fromForecast(f results.Forecast, src string) *TimeToLimit {
	out := &TimeToLimit{Seconds: format.Round(f.AtSeconds, 1), Source: src}
	e := format.Round(f.EarliestSeconds, 1)
	out.EarliestSeconds = &e
	if f.LatestSeconds != nil {
		l := format.Round(*f.LatestSeconds, 1)
		out.LatestSeconds = &l
	}
	return out
}

func nanTo0(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
