package edge

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// line returns n samples, one a second from t0, of RSS = start + slope·t
// (MiB), with a saw-tooth of ±jitter MiB when jitter > 0.
func line(n int, start, slope, jitter float64) ([]float64, []float64) {
	ts, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		ts[i] = 6 + float64(i)
		y := start + slope*float64(i)
		if jitter > 0 && i%2 == 1 {
			y += jitter
		}
		ys[i] = y * (1 << 20)
	}
	return ts, ys
}

func TestJudge(t *testing.T) {
	c := DefaultCriteria()
	good := 0.92
	idle := 0.2
	ok := results.Stage{Requests: 200, Successes: 200, SuccessRatio: 1, LatencyP95Ms: 3100, DurationSeconds: 20}
	shed := results.Stage{Requests: 1600, Successes: 210, SuccessRatio: 0.13, LatencyP95Ms: 3050, DurationSeconds: 20}
	slow := results.Stage{Requests: 200, Successes: 200, SuccessRatio: 1, LatencyP95Ms: 12000, DurationSeconds: 20}
	behind := results.Stage{Requests: 9000, Successes: 100, SuccessRatio: 0.01, Behind: true, AchievedRatePerSecond: 450, OfferedRatePerSecond: 640, MaxLagSeconds: 1.87, DurationSeconds: 20}
	flatT, flatY := line(14, 24, 0, 0)
	climbT, climbY := line(14, 90, 2.2, 0)
	creepT, creepY := line(14, 85, 0.42, 0) // 171 MiB of headroom: 407 s to the limit
	fastT, fastY := line(14, 200, 0.45, 0)  // under the slope allowed, 124 s to the limit
	sawT, sawY := line(14, 60, 0.1, 12)     // a collector's saw-tooth: no line
	// A saw-tooth whose teeth rise 0.8 MiB every second: the verdict's
	// rule calls it growing (+0.98 ± 0.85 MiB/s, new highs to the end),
	// however poorly a line fits it (R² 0.31).
	sawUpT, sawUpY := line(14, 60, 0.8, 12)
	tests := []struct {
		name       string
		o          Observed
		wantHolds  bool
		wantInconc bool
		wantReason string
	}{
		{"aware sheds, memory flat", Observed{Outcome: "survived", T: flatT, RSSBytes: flatY, Stage: shed, GoodputRatio: &good}, true, false, ""},
		{"naive below capacity", Observed{Outcome: "survived", T: creepT, RSSBytes: creepY, Stage: ok, GoodputRatio: &idle}, true, false, ""},
		{"naive over capacity climbs", Observed{Outcome: "survived", T: climbT, RSSBytes: climbY, Stage: ok, GoodputRatio: &good}, false, false, "RSS climbs +2.20 ± 0.00 MiB/s at constant load"},
		{"slow climb near the limit", Observed{Outcome: "survived", T: fastT, RSSBytes: fastY, Stage: ok, GoodputRatio: &good}, false, false, "reaches the limit in 111 s"},
		{"saw-tooth is not a climb", Observed{Outcome: "survived", T: sawT, RSSBytes: sawY, Stage: ok, GoodputRatio: &good}, true, false, ""},
		{"saw-tooth whose teeth climb", Observed{Outcome: "survived", T: sawUpT, RSSBytes: sawUpY, Stage: ok, GoodputRatio: &good}, false, false, "RSS climbs +0.98"},
		{"too few samples for a fit", Observed{Outcome: "survived", T: flatT[:4], RSSBytes: flatY[:4], Stage: ok, GoodputRatio: &good}, false, false, "too few RSS samples"},
		// Too short for a settled window: the rule's slope test alone.
		{"short probe, flat", Observed{Outcome: "survived", T: flatT[:8], RSSBytes: flatY[:8], Stage: ok, GoodputRatio: &good}, true, false, ""},
		{"short probe climbs", Observed{Outcome: "survived", T: climbT[:8], RSSBytes: climbY[:8], Stage: ok, GoodputRatio: &good}, false, false, "RSS climbs +2.20"},
		{"killed", Observed{Outcome: "oom-killed", T: climbT, RSSBytes: climbY, Stage: ok}, false, false, "did not survive: oom-killed"},
		{"sheds with the downstream idle", Observed{Outcome: "survived", T: flatT, RSSBytes: flatY, Stage: shed, GoodputRatio: &idle}, false, false, "success 13 % under the 95 % floor, and the downstream's goodput 0.20"},
		{"p95 over the ceiling", Observed{Outcome: "survived", T: flatT, RSSBytes: flatY, Stage: slow, GoodputRatio: &good}, false, false, "p95 12000 ms over the 10000 ms ceiling"},
		{"load generator behind", Observed{Outcome: "survived", T: flatT, RSSBytes: flatY, Stage: behind, GoodputRatio: &good}, false, true, "fell behind (load-generator bound): 450.0 of 640 requests/s sent, up to 1.9 s late"},
		{"killed while the generator was behind: still no evidence", Observed{Outcome: "oom-killed", T: climbT, RSSBytes: climbY, Stage: behind}, false, true, "did not survive: oom-killed"},
		{"no samples", Observed{Outcome: "survived", Stage: ok}, false, false, "too few RSS samples"},
		{"nothing sent", Observed{Outcome: "survived", T: flatT, RSSBytes: flatY}, false, false, "no request was sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.LimitBytes = 256 << 20
			p := Judge(c, tt.o)
			if p.Holds != tt.wantHolds || p.Inconclusive != tt.wantInconc {
				t.Errorf("Judge = holds %v inconclusive %v (%q); want %v %v", p.Holds, p.Inconclusive, p.Reasons, tt.wantHolds, tt.wantInconc)
			}
			if tt.wantReason != "" && (len(p.Reasons) == 0 || !strings.Contains(strings.Join(p.Reasons, "; "), tt.wantReason)) {
				t.Errorf("Judge reasons = %q; want one containing %q", p.Reasons, tt.wantReason)
			}
			if tt.wantHolds && len(p.Reasons) > 0 {
				t.Errorf("Judge holds with reasons %q", p.Reasons)
			}
		})
	}
}

func TestJudgeFigures(t *testing.T) {
	ts, ys := line(14, 100, 1, 0)
	g := 0.9
	p := Judge(DefaultCriteria(), Observed{Outcome: "survived", T: ts, RSSBytes: ys, LimitBytes: 256 << 20, RSSPeakBytes: 120 << 20,
		Stage: results.Stage{Requests: 100, Successes: 90, SuccessRatio: 0.9, LatencyP95Ms: 800, DurationSeconds: 10}, GoodputRatio: &g})
	if p.SlopeMiBPerSec != 1 || p.SlopeR2 != 1 || p.TimeToLimitSeconds != 143 || p.SuccessesPerSecond != 9 || p.P95Ms != 800 || p.RSSPeakBytes != 120<<20 {
		t.Errorf("Judge figures = %+v; want slope 1, R² 1, 143 s to the limit ((256−113) ÷ 1), 9 successes/s, p95 800, peak 120 MiB", p)
	}
}

// TestJudgeByVerdictRule: edge judges a probe's memory by the verdict's
// own rule. Each curve is put through report.Judge as a one-stage run
// whose settling ends before the warm-up does (so the verdict fits the
// same samples edge sees) and through Judge; a curve the verdict calls
// growing must fail edge's memory criterion, one it calls bounded must
// pass it.
func TestJudgeByVerdictRule(t *testing.T) {
	const (
		warmUp = 6.0  // seconds: the samples edge sees start here
		end    = 21.0 // the stage's settling, 25 % of 21 s, ends before warmUp
	)
	noise := rand.New(rand.NewPCG(3, 5))
	tests := []struct {
		name  string
		class string // the verdict's, asserted so the table covers both
		mib   func(t float64) float64
	}{
		{"flat with jitter", judge.ClassBounded, func(float64) float64 { return 80 + noise.Float64() }},
		{"go GC saw-tooth", judge.ClassBounded, func(t float64) float64 { return 60 + 7*math.Mod(t, 1.7)/1.7 }},
		{"slow creep under the threshold", judge.ClassBounded, func(t float64) float64 { return 70 + 0.2*t + 0.3*noise.Float64() }},
		{"steady climb", judge.ClassGrowing, func(t float64) float64 { return 50 + 2*t + noise.Float64() }},
		{"climb just over the threshold", judge.ClassGrowing, func(t float64) float64 { return 50 + 0.8*t + 0.2*noise.Float64() }},
		{"climbing saw-tooth", judge.ClassGrowing, func(t float64) float64 { return 50 + 1.5*t + 6*math.Mod(t, 1.3) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &saved.Series{Target: "probe"}
			var o Observed
			for i := int(warmUp * 10); i <= int(end*10); i++ {
				ts := float64(i) / 10
				y := math.Round(tt.mib(ts)*(1<<20)) / (1 << 20)
				s.T, s.RSSMiB = append(s.T, ts), append(s.RSSMiB, y)
				for _, col := range []*[]float64{&s.CPUPercent, &s.CgroupMiB, &s.HeapMiB, &s.GCCount} {
					*col = append(*col, math.NaN())
				}
				o.T, o.RSSBytes = append(o.T, ts), append(o.RSSBytes, y*(1<<20))
			}
			run := &saved.Run{Results: &results.Results{Schema: results.Schema, Scenario: "probe",
				Stages:  []results.StageSpan{{RatePerSecond: 20, StartSeconds: 0, EndSeconds: end}},
				Targets: []results.Target{{Name: "probe", Outcome: results.OutcomeSurvived}}},
				Series: []*saved.Series{s}}
			v := judge.Judge(run)[0]
			if v.Class != tt.class {
				t.Fatalf("verdict class %s (%s); the table wants %s", v.Class, v.Confidence.Reason, tt.class)
			}
			o.Outcome, o.LimitBytes = results.OutcomeSurvived, 64<<30 // far away: only growth can fail
			o.Stage = results.Stage{Requests: 300, Successes: 300, SuccessRatio: 1, LatencyP95Ms: 5, DurationSeconds: end - warmUp}
			p := Judge(DefaultCriteria(), o)
			climbs := strings.Contains(strings.Join(p.Reasons, "; "), "RSS climbs")
			if climbs != (v.Class == judge.ClassGrowing) || p.Holds != (v.Class == judge.ClassBounded) {
				t.Errorf("verdict %s (%s); edge holds %v, reasons %q", v.Class, v.Confidence.Reason, p.Holds, p.Reasons)
			}
		})
	}
}
