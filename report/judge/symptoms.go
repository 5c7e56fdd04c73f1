package judge

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// Symptom thresholds: a symptom is listed only when it is clearly there.
const (
	// quietCPUPercent: memory climbing while CPU stays under this is the
	// signature of bytes waiting, not work being done.
	quietCPUPercent = 50
	// latencyRiseFactor: p95 of the last stage over that of the first.
	latencyRiseFactor = 3
	// gcRiseFactor: highest stage GC rate over the first stage's.
	gcRiseFactor = 2
	// outsideHeapFactor and outsideHeapMiB: RSS this many times the
	// runtime heap, and this much above it, is memory the heap misses.
	outsideHeapFactor = 3
	outsideHeapMiB    = 64
)

// symptoms returns the findings with numbers for target i.
func symptoms(run *saved.Run, i int, v Verdict) []string {
	res, t, s := run.Results, run.Results.Targets[i], run.Series[i]
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, s)
		}
	}
	add(endSymptom(t))
	add(climbSymptom(s, v))
	add(latencySymptom(res, t))
	out = append(out, kindLatencySymptoms(res, t)...)
	add(gcSymptom(res, s, v))
	add(gcThrashSymptom(run, i))
	add(heapSymptom(t, s))
	add(sheddingSymptom(t, s, v))
	add(clientGoodputSymptom(res, t))
	add(behindSymptom(res, t))
	out = append(out, evidenceSymptoms(t)...)
	return out
}

// restartText tells the crash-and-restart story of a target that was
// started again after dying (restart: on-failure), or nothing.
func restartText(t results.Target) string {
	if t.Restarts == 0 {
		return ""
	}
	ats := make([]string, 0, len(t.Events))
	for _, e := range t.Events {
		ats = append(ats, fmt.Sprintf("%.1f", e.AtSeconds))
	}
	return fmt.Sprintf("; crash and restart: restarted %d times, died %d times under load (at %s s)",
		t.Restarts, len(t.Events), strings.Join(ats, ", "))
}

// endSymptom says how the target ended when that is a finding.
func endSymptom(t results.Target) string {
	at := 0.0
	if t.OOMAtSeconds != nil {
		at = *t.OOMAtSeconds
	}
	mech := ""
	if t.OOMMechanism != nil {
		mech = *t.OOMMechanism
	}
	switch t.Outcome {
	case results.OutcomeOOMKilled:
		if mech == results.MechanismWatchdog {
			return fmt.Sprintf("killed by oomlab's watchdog at %.1f s (RSS reached the limit; no memory cgroup here)%s", at, restartText(t))
		}
		return fmt.Sprintf("killed by the kernel at %.1f s (%s oom_kill)%s", at, mech, restartText(t))
	case results.OutcomeLimitStall:
		return fmt.Sprintf("stalled at the limit at %.1f s: alive but not answering, cgroup failcnt %s%s",
			at, humanize.Comma(t.CgroupFailCount), restartText(t))
	case results.OutcomeHeapLimit:
		return cmp.Or(t.OutcomeDetail, fmt.Sprintf("hit its runtime's own heap limit at %.1f s: %s", at, lastLine(t.StderrTail))) +
			restartText(t)
	case results.OutcomeCrashed:
		how := "crashed"
		switch {
		case t.Exit.Signal != "":
			how += " with " + t.Exit.Signal
		case t.Exit.Code != nil:
			how += fmt.Sprintf(" with exit code %d", *t.Exit.Code)
		}
		if line := lastLine(t.StderrTail); line != "" {
			how += ": " + format.TargetText(line)
		}
		return how
	case results.OutcomeFailedToStart, results.OutcomeSkipped:
		why := cmp.Or(format.TargetText(t.Error), t.OutcomeDetail, "no reason recorded")
		return strings.ReplaceAll(t.Outcome, "-", " ") + ": " + why
	case results.OutcomeInterrupted:
		return "interrupted before its load finished: " + cmp.Or(t.OutcomeDetail, "the run was stopped")
	}
	return ""
}

// climbSymptom: "RSS +4.1 MiB/s while CPU stayed under 30%".
func climbSymptom(s *saved.Series, v Verdict) string {
	// One story: a class that says the memory held (or cannot say) gets
	// no "climbing" symptom; the verdict line tells what the curve did.
	if v.Class == ClassBounded || v.Class == ClassInconclusive ||
		v.SlopeMiBPerSec <= curve.GrowthSlopeMiBPerSec || v.SlopeR2 < curve.LineMinR2 {
		return ""
	}
	var win Fit
	if c := v.Confidence; c.Window == v.SlopeWindow {
		win.StartSeconds, win.EndSeconds = c.StartSeconds, c.EndSeconds // the settled window
	}
	for _, f := range append(append([]Fit(nil), v.StageFits...), v.PhaseFits...) {
		if f.Window == v.SlopeWindow {
			win = f
		}
	}
	var cpu []float64
	for i, t := range s.T {
		if t >= win.StartSeconds && t <= win.EndSeconds && !math.IsNaN(s.CPUPercent[i]) {
			cpu = append(cpu, s.CPUPercent[i])
		}
	}
	climb := fmt.Sprintf("RSS %s over %s", format.Slope(v.SlopeMiBPerSec), v.SlopeWindow)
	if len(cpu) == 0 {
		return climb
	}
	slices.Sort(cpu)
	p90 := cpu[(len(cpu)-1)*9/10]
	if p90 < quietCPUPercent {
		under := math.Floor(p90/10)*10 + 10
		return fmt.Sprintf("RSS %s while CPU stayed under %.0f%% (%s): memory climbing, not work", format.Slope(v.SlopeMiBPerSec), under, v.SlopeWindow)
	}
	return climb + fmt.Sprintf(" with CPU up to %.0f%%", cpu[len(cpu)-1])
}

// latencySymptom: "p95 rose from 12 ms to 2.3 s with 0 errors", first
// stage against the last full stage (or the last before a kill).
func latencySymptom(res *results.Results, t results.Target) string {
	p95 := func(st results.Stage) float64 { return st.LatencyP95Ms }
	first, last, ok := latencyRise(res, t, p95)
	if !ok {
		return ""
	}
	var errs uint64
	for _, st := range t.Stages[:last+1] {
		errs += st.Requests - min(st.Successes, st.Requests)
	}
	return fmt.Sprintf("p95 rose from %s to %s with %s errors (stage %d → %d)", format.Ms(p95(t.Stages[first])), format.Ms(p95(t.Stages[last])),
		humanize.Comma(int64(errs)), first+1, last+1)
}

// latencyRise finds the stages a p95 rose between: the first stage with
// a p95 (p95 of a stage ≤ 0: none) and the last full one (or the last
// before a kill), when the last is at least latencyRiseFactor times the
// first and 50 ms above it.
func latencyRise(res *results.Results, t results.Target, p95 func(results.Stage) float64) (first, last int, ok bool) {
	first, last = -1, -1
	for k, st := range t.Stages {
		if st.Requests == 0 || p95(st) <= 0 {
			continue
		}
		if first < 0 {
			first = k
		}
		if ranInFull(res, t, k) || t.OOMAtSeconds != nil {
			last = k
		}
	}
	if first < 0 || last <= first {
		return 0, 0, false
	}
	a, b := p95(t.Stages[first]), p95(t.Stages[last])
	if b < latencyRiseFactor*a || b-a < 50 {
		return 0, 0, false
	}
	return first, last, true
}

// behindSymptom says when the load fell behind what the scenario offers
// in a stage the target lived through, so that a failed expectation is
// read with it: the target was judged on less load than asked. Only
// stages run in full count: one cut short by a death (a dying target holds
// every worker) or by the run's end says nothing of the load generator.
func behindSymptom(res *results.Results, t results.Target) string {
	var ks []int
	var worst, offered, lag float64
	for k, st := range t.Stages {
		if !st.Behind || st.OfferedRatePerSecond <= 0 {
			continue
		}
		if !ranInFull(res, t, k) {
			continue // cut short by the death
		}
		ks = append(ks, k+1)
		if len(ks) == 1 || st.AchievedRatePerSecond/st.OfferedRatePerSecond < worst/offered {
			worst, offered = st.AchievedRatePerSecond, st.OfferedRatePerSecond
		}
		lag = math.Max(lag, st.MaxLagSeconds)
	}
	if len(ks) == 0 {
		return ""
	}
	which := fmt.Sprintf("stage %d", ks[0])
	if len(ks) > 1 {
		which = fmt.Sprintf("stages %s", joinInts(ks))
	}
	return fmt.Sprintf("load fell behind in %s: as little as %.0f of %s requests/s sent (lag up to %.1f s), so the target was judged on less load than the scenario asks (the load generator lacked CPU, or every worker waited on the target)",
		which, worst, format.Rate(offered), lag)
}

func joinInts(ks []int) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = fmt.Sprint(k)
	}
	return strings.Join(parts, ", ")
}

// gcSymptom: "GC 3.1→19 cycles/s" (first stage against the busiest), or a
// falling rate while the heap grew.
func gcSymptom(res *results.Results, s *saved.Series, v Verdict) string {
	rates := stageGCRates(res, s)
	if len(rates) < 2 {
		return ""
	}
	first, top, last := rates[0], slices.Max(rates), rates[len(rates)-1]
	if top >= gcRiseFactor*first && top >= 1 {
		return fmt.Sprintf("GC %s→%s cycles/s", format.RateShort(first), format.RateShort(top))
	}
	growing := v.Class == ClassGrowing || v.Class == ClassOOMKilled || v.Class == ClassLimitStall || v.Class == ClassHeapLimit
	if growing && first >= 0.5 && last <= first/gcRiseFactor {
		return fmt.Sprintf("GC %s→%s cycles/s: fewer, larger collections as the heap grew",
			format.RateShort(first), format.RateShort(last))
	}
	return ""
}

// heapSymptom: "heap 6 MiB while RSS 250 MiB: memory outside the runtime
// heap (Buffers)". A runtime's heap figures do not count memory held
// outside them (Node's Buffers, Go's stacks and cgo), so a small heap
// does not clear the process: the memory is still memory.
func heapSymptom(t results.Target, s *saved.Series) string {
	heap := saved.FiniteMax(s.HeapMiB)
	rss := math.Max(saved.FiniteMax(s.RSSMiB), float64(t.RSSPeakBytes)/format.BytesPerMiB)
	if math.IsNaN(heap) || rss < outsideHeapFactor*heap || rss-heap < outsideHeapMiB {
		return ""
	}
	where := "outside the runtime heap"
	switch t.Runtime {
	case "node":
		where = "outside the runtime heap (Buffers, process.memoryUsage().arrayBuffers)"
	case "go":
		where = "outside the Go heap (goroutine stacks, cgo, mmap)"
	}
	return fmt.Sprintf("heap %s while RSS %s: memory %s", format.MiB(heap), format.MiB(rss), where)
}

// sheddingSymptom: a bounded target that answered 503 shed load — the
// backpressure working.
func sheddingSymptom(t results.Target, s *saved.Series, v Verdict) string {
	if v.Class != ClassBounded {
		return ""
	}
	var shed uint64
	for _, st := range t.Stages {
		shed += st.StatusCodes["503"] + st.StatusCodes["429"]
	}
	lo, hi := saved.FiniteMin(s.RSSMiB), saved.FiniteMax(s.RSSMiB)
	if shed == 0 || math.IsNaN(lo) {
		return ""
	}
	return fmt.Sprintf("shed load: %s requests answered 503/429 while RSS stayed within %s–%s",
		humanize.Comma(int64(shed)), strings.TrimSuffix(format.MiB(lo), " MiB"), format.MiB(hi))
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if r := []rune(l); len(r) > 120 {
		l = string(r[:117]) + "..."
	}
	return l
}
