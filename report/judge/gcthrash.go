package judge

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// The gc-thrash symptom: a runtime with a soft memory limit (Go's
// GOMEMLIMIT) near its cgroup's limit may never be killed. As its live
// heap nears the soft limit it collects ever more often, spends its CPU
// there, and its throughput collapses (golang/go#58106): alive, not
// serving. Over a window of gcThrashWindowSeconds it is seen when all
// hold:
//
//   - GC rate ≥ gcThrashMinPerSecond and ≥ gcThrashRiseFactor × the rate
//     over the load's first gcThrashWindowSeconds (at least 0.5/s);
//   - successes per second ≤ gcThrashThroughputShare × the best earlier
//     window's, while the offered rate is no lower than it was then;
//   - median RSS ≥ gcThrashNearLimit × the soft limit: GOMEMLIMIT when the
//     target's env sets one below the memory limit, else the memory limit.
//
// The first such window is reported, with its figures. A survivor with the
// symptom fails its verdict unless its expect.outcome lists "gc-thrash".
const (
	gcThrashWindowSeconds   = 3.0
	gcThrashMinPerSecond    = 5.0
	gcThrashRiseFactor      = 4.0
	gcThrashThroughputShare = 0.5
	gcThrashNearLimit       = 0.9
	// GCThrashExpect is the expect.outcome entry that accepts the symptom.
	GCThrashExpect = "gc-thrash"
)

// GCThrash holds the figures of a gc-thrash window.
type GCThrash struct {
	StartSeconds       float64 `json:"start_seconds"`
	EndSeconds         float64 `json:"end_seconds"`
	GCPerSecond        float64 `json:"gc_per_second"`
	GCPerSecondBefore  float64 `json:"gc_per_second_before"`
	CPUPercent         float64 `json:"cpu_percent"`
	SuccessesPerSecond float64 `json:"successes_per_second"`
	SuccessesPeak      float64 `json:"successes_per_second_peak"`
	RSSMiB             float64 `json:"rss_mib"`
	SoftLimitMiB       float64 `json:"soft_limit_mib"`
	// SoftLimit names the limit: "GOMEMLIMIT" or "memory limit".
	SoftLimit string `json:"soft_limit"`
}

// String words the symptom with its figures.
func (g GCThrash) String() string {
	return fmt.Sprintf("GC thrash from %.1f s: %s GC cycles/s (%s before) with CPU %.0f%%, while successes fell to %s/s from %s/s and RSS sat at %s against its %s of %s",
		g.StartSeconds, format.RateShort(g.GCPerSecond), format.RateShort(g.GCPerSecondBefore), g.CPUPercent,
		format.RateShort(g.SuccessesPerSecond), format.RateShort(g.SuccessesPeak), format.MiB(g.RSSMiB), g.SoftLimit, format.MiB(g.SoftLimitMiB))
}

// gcThrash looks for the symptom in target i of run.
func gcThrash(run *saved.Run, i int) (GCThrash, bool) {
	res, t, s := run.Results, run.Results.Targets[i], run.Series[i]
	soft, name := float64(res.MemoryLimitBytes)/format.BytesPerMiB, "memory limit"
	if gml, ok := goMemLimit(res, t.Name); ok && gml < soft {
		soft, name = gml, "GOMEMLIMIT"
	}
	if soft <= 0 || len(s.LoadT) == 0 {
		return GCThrash{}, false
	}
	base := gcRateBetween(s, 0, gcThrashWindowSeconds)
	if math.IsNaN(base) {
		return GCThrash{}, false
	}
	base = math.Max(base, 0.5)
	peakSucc, peakOffered := 0.0, 0.0
	for k := range s.LoadT {
		end := s.LoadT[k]
		start := end - gcThrashWindowSeconds
		succ, offered, n := 0.0, 0.0, 0
		for j := range s.LoadT {
			if s.LoadT[j] > start && s.LoadT[j] <= end {
				succ += s.Successes[j]
				offered += s.Offered[j]
				n++
			}
		}
		if n == 0 || start < 0 {
			continue
		}
		succ, offered = succ/float64(n), offered/float64(n)
		gc := gcRateBetween(s, start, end)
		rss, cpu := windowStats(s, start, end)
		if !math.IsNaN(gc) && gc >= gcThrashMinPerSecond && gc >= gcThrashRiseFactor*base &&
			peakSucc > 0 && succ <= gcThrashThroughputShare*peakSucc && offered >= peakOffered &&
			rss >= gcThrashNearLimit*soft {
			return GCThrash{StartSeconds: start, EndSeconds: end, GCPerSecond: format.Round(gc, 1), GCPerSecondBefore: format.Round(base, 1),
				CPUPercent: format.Round(cpu, 0), SuccessesPerSecond: format.Round(succ, 1), SuccessesPeak: format.Round(peakSucc, 1),
				RSSMiB: format.Round(rss, 1), SoftLimitMiB: format.Round(soft, 1), SoftLimit: name}, true
		}
		if succ > peakSucc {
			peakSucc, peakOffered = succ, offered
		}
	}
	return GCThrash{}, false
}

// gcRateBetween is the GC rate over the samples with t0 ≤ t ≤ t1, NaN
// without counts spanning at least half a second.
func gcRateBetween(s *saved.Series, t0, t1 float64) float64 {
	ta, ca, tb, cb := math.NaN(), 0.0, math.NaN(), 0.0
	for i, t := range s.T {
		if t < t0 || t > t1 || math.IsNaN(s.GCCount[i]) {
			continue
		}
		if math.IsNaN(ta) {
			ta, ca = t, s.GCCount[i]
		}
		tb, cb = t, s.GCCount[i]
	}
	if math.IsNaN(ta) || tb-ta < 0.5 {
		return math.NaN()
	}
	return (cb - ca) / (tb - ta)
}

// windowStats returns the median RSS and mean CPU of the samples in
// [t0, t1]; NaN RSS when there are none.
func windowStats(s *saved.Series, t0, t1 float64) (rss, cpu float64) {
	var rs []float64
	cpuSum, cpuN := 0.0, 0
	for i, t := range s.T {
		if t < t0 || t > t1 {
			continue
		}
		if !math.IsNaN(s.RSSMiB[i]) {
			rs = append(rs, s.RSSMiB[i])
		}
		if !math.IsNaN(s.CPUPercent[i]) {
			cpuSum += s.CPUPercent[i]
			cpuN++
		}
	}
	if len(rs) == 0 {
		return math.NaN(), 0
	}
	slices.Sort(rs)
	if cpuN > 0 {
		cpu = cpuSum / float64(cpuN)
	}
	return rs[len(rs)/2], cpu
}

// goMemLimit returns the target's GOMEMLIMIT in MiB when its env sets
// one ("200MiB", "1GiB", "268435456"); "off" or an unreadable value is
// none.
func goMemLimit(res *results.Results, name string) (float64, bool) {
	if res.ScenarioSpec == nil {
		return 0, false
	}
	for _, t := range res.ScenarioSpec.Targets {
		if t.Name == name {
			return parseGoMemLimit(t.Env["GOMEMLIMIT"])
		}
	}
	return 0, false
}

// parseGoMemLimit reads GOMEMLIMIT as the Go runtime does: a number of
// bytes with an optional B, KiB, MiB, GiB or TiB suffix.
func parseGoMemLimit(v string) (float64, bool) {
	v = strings.TrimSpace(v)
	mult := 1.0
	for _, u := range []struct {
		suffix string
		m      float64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if n, ok := strings.CutSuffix(v, u.suffix); ok {
			v, mult = n, u.m
			break
		}
	}
	n, err := strconv.ParseUint(v, 10, 63)
	if err != nil || n == 0 {
		return 0, false
	}
	return float64(n) * mult / format.BytesPerMiB, true
}

// gcThrashSymptom words the symptom for the verdict's list.
func gcThrashSymptom(run *saved.Run, i int) string {
	if g, ok := gcThrash(run, i); ok {
		return g.String()
	}
	return ""
}

// gcThrashCheck fails a survivor that showed the symptom, unless its
// expect.outcome lists "gc-thrash": alive is not serving.
func gcThrashCheck(run *saved.Run, i int) []Check {
	t := run.Results.Targets[i]
	if t.Outcome != results.OutcomeSurvived {
		return nil
	}
	g, ok := gcThrash(run, i)
	if !ok {
		return nil
	}
	allowed := slices.Contains(expectationOf(run.Results, t.Name).Outcomes, GCThrashExpect)
	return []Check{{Name: "gc_thrash", Pass: allowed,
		Text: tick(allowed, fmt.Sprintf("survived, but thrashing in GC from %.1f s (%s GC cycles/s, successes %s/s of %s/s)",
			g.StartSeconds, format.RateShort(g.GCPerSecond), format.RateShort(g.SuccessesPerSecond), format.RateShort(g.SuccessesPeak)))}}
}
