package judge_test

import (
	"math"
	"testing"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
)

// repeat is one run of the recorded upload-proxy run, edited: the aware
// target's peak RSS and outcome, and the last stage's latency digest of
// each target (nil: none recorded).
type repeat struct {
	awarePeakMiB float64
	awareOutcome string
	digest       results.Digest
}

// repeats loads the recorded upload-proxy run once per repeat, edited.
func repeats(t *testing.T, rs []repeat) ([]*saved.Run, [][]judge.Verdict) {
	t.Helper()
	var runs []*saved.Run
	for _, r := range rs {
		run := savedtest.Upload(t)
		for i := range run.Results.Targets {
			tg := &run.Results.Targets[i]
			last := &tg.Stages[len(tg.Stages)-1]
			last.LatencyDigest = r.digest
			if tg.Name == "upload-aware" {
				tg.RSSPeakBytes = int64(r.awarePeakMiB * (1 << 20))
				if r.awareOutcome != "" {
					tg.Outcome = r.awareOutcome
				}
			}
		}
		runs = append(runs, run)
	}
	return runs, judge.Runs(runs)
}

func row(t *testing.T, rows []judge.SpreadRow, target, figure string) judge.SpreadRow {
	t.Helper()
	for _, r := range rows {
		if r.Target == target && r.Figure == figure {
			return r
		}
	}
	t.Fatalf("no spread row for %s %s in %d rows", target, figure, len(rows))
	return judge.SpreadRow{}
}

func TestSpread(t *testing.T) {
	fast := results.Digest{{10, 1000}}
	slow := results.Digest{{500, 1000}}
	runs, verdicts := repeats(t, []repeat{
		{awarePeakMiB: 20, digest: fast},
		{awarePeakMiB: 30, digest: fast},
		{awarePeakMiB: 50, awareOutcome: results.OutcomeCrashed, digest: fast},
		{awarePeakMiB: 40, digest: slow},
	})
	rows := judge.Spread(runs, verdicts)
	if got, want := len(rows), 2*9; got != want {
		t.Fatalf("Spread gave %d rows; want %d (2 targets × 9 figures)", got, want)
	}
	if !judge.Several(rows) {
		t.Errorf("Several(rows) = false for 4 runs of one scenario")
	}
	peak := row(t, rows, "upload-aware", judge.SpreadPeakRSS)
	if peak.Runs != 4 || peak.Have != 4 || peak.Min != 20 || peak.Median != 35 || peak.Max != 50 {
		t.Errorf("peak RSS row = %+v; want 4 runs, min 20, median 35 (mean of the middle two), max 50", peak)
	}
	out := row(t, rows, "upload-aware", judge.SpreadOutcome)
	want := []judge.SpreadCount{{Value: results.OutcomeSurvived, N: 3}, {Value: results.OutcomeCrashed, N: 1}}
	if len(out.Counts) != 2 || out.Counts[0] != want[0] || out.Counts[1] != want[1] {
		t.Errorf("outcome counts = %v; want %v", out.Counts, want)
	}
	if out.Passes != 3 || out.Checked != 4 || out.PassText() != "3 of 4" {
		t.Errorf("aware passes = %d of %d checked (%q); want 3 of 4", out.Passes, out.Checked, out.PassText())
	}
	if n := row(t, rows, "upload-naive", judge.SpreadOutcome); n.PassText() != "4 of 4" {
		t.Errorf("naive passes = %q; want 4 of 4", n.PassText())
	}
	p95 := row(t, rows, "upload-aware", judge.SpreadP95)
	_, merged, _, _ := results.Quantiles(fast, fast, fast, slow)
	if p95.MergedP95Ms == nil || *p95.MergedP95Ms != merged {
		t.Fatalf("merged p95 = %v; want %v, the digests merged", p95.MergedP95Ms, merged)
	}
	// A quarter of all latencies took 500 ms: the true p95 is near 500,
	// though three runs of four had a p95 of 10 ms.
	if *p95.MergedP95Ms < 400 {
		t.Errorf("merged p95 = %.1f ms; want near 500 ms (a quarter of the requests)", *p95.MergedP95Ms)
	}
	ttl := row(t, rows, "upload-aware", judge.SpreadTimeToLimit)
	if ttl.Have > ttl.Runs {
		t.Errorf("time to limit: %d of %d runs have it", ttl.Have, ttl.Runs)
	}
}

func TestSpreadMergedP95NeedsEveryDigest(t *testing.T) {
	tests := []struct {
		name    string
		digests []results.Digest
		want    bool
	}{
		{"every run has one", []results.Digest{{{10, 5}}, {{20, 5}}}, true},
		{"one run has none (an older run)", []results.Digest{{{10, 5}}, nil}, false},
		{"a damaged digest", []results.Digest{{{10, 5}}, {{math.NaN(), 5}}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rs []repeat
			for _, d := range tc.digests {
				rs = append(rs, repeat{awarePeakMiB: 20, digest: d})
			}
			runs, verdicts := repeats(t, rs)
			r := row(t, judge.Spread(runs, verdicts), "upload-aware", judge.SpreadP95)
			if got := r.MergedP95Ms != nil; got != tc.want {
				t.Errorf("merged p95 = %v; want one: %v", r.MergedP95Ms, tc.want)
			}
		})
	}
}

func TestSpreadOneRunAndOrder(t *testing.T) {
	runs, verdicts := repeats(t, []repeat{{awarePeakMiB: 20}})
	other := savedtest.Upload(t)
	other.Results.Scenario = "another"
	runs = append([]*saved.Run{other}, runs...)
	verdicts = append([][]judge.Verdict{judge.Judge(other)}, verdicts...)
	rows := judge.Spread(runs, verdicts)
	if judge.Several(rows) {
		t.Errorf("Several = true for two scenarios run once each")
	}
	if rows[0].Scenario != "another" || rows[len(rows)-1].Scenario != "upload-proxy" {
		t.Errorf("rows run from %s to %s; want the runs' order, another first", rows[0].Scenario, rows[len(rows)-1].Scenario)
	}
	for _, r := range rows {
		if r.Runs != 1 {
			t.Errorf("%s %s %s: %d runs; want 1", r.Scenario, r.Target, r.Figure, r.Runs)
		}
	}
}
