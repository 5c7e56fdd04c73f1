package report

import (
	"bytes"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

func edgeRunFixture() *results.EdgeRun {
	g := func(v float64) *float64 { return &v }
	return &results.EdgeRun{
		Schema: results.EdgeSchema, Scenario: "upload-proxy", MemoryLimitBytes: 256 << 20, LimitMode: "cgroup-v1",
		Phase:     results.PhaseSpan{Name: "slow downstream", LatencySeconds: 2, ReadBandwidthBytesPerSecond: 1_000_000, Capacity: 32},
		BodyBytes: 1 << 20, LittleRatePerSecond: 10.497, ProbeSeconds: 20,
		Criteria: results.EdgeCriteria{MaxSlopeMiBPerSec: 0.5, MinTimeToLimitSeconds: 300, MinSuccessRatio: 0.95, MinGoodputRatio: 0.8, MaxP95Ms: 10000},
		Targets: []results.Edge{
			{Target: "upload-naive", Role: "naive", Runtime: "go", RatePerSecond: 10.63, FailedRatePerSecond: 11.25, Bound: results.BoundEdge,
				Confidence: "held 10.63/s, failed 11.25/s",
				Probes: []results.EdgeProbe{
					{RatePerSecond: 10, Holds: true, SlopeMiBPerSec: 0.4, TimeToLimitSeconds: 400, SuccessRatio: 1, GoodputRatio: g(0.79), P95Ms: 3100, RSSPeakBytes: 90 << 20},
					{RatePerSecond: 20, SlopeMiBPerSec: 13, TimeToLimitSeconds: 0, SuccessRatio: 0.4, GoodputRatio: g(0.94), P95Ms: 8200, Reasons: []string{"did not survive: oom-killed"}},
					{RatePerSecond: 11.25, SlopeMiBPerSec: 1.0, TimeToLimitSeconds: 146, SuccessRatio: 1, GoodputRatio: g(0.85), P95Ms: 3900, Reasons: []string{"RSS climbs"}},
					{RatePerSecond: 10.63, Holds: true, Repeat: true, SlopeMiBPerSec: 0.3, TimeToLimitSeconds: -1, SuccessRatio: 1, GoodputRatio: g(0.84), P95Ms: 3200},
				}},
			{Target: "upload-aware", Role: "aware", Runtime: "go", RatePerSecond: 320, Bound: results.BoundLower, LimitedBy: results.LimitLoadGenerator,
				Confidence: "holds ≥ 320/s (the highest rate offered in full; the load generator, not the target, limited the search)",
				Probes: []results.EdgeProbe{
					{RatePerSecond: 10, Holds: true, SuccessRatio: 1, GoodputRatio: g(0.8), P95Ms: 3000},
					{RatePerSecond: 320, Holds: true, SuccessRatio: 0.04, GoodputRatio: g(0.97), P95Ms: 700},
					{RatePerSecond: 640, Inconclusive: true, Behind: true, AchievedRatePerSecond: 588.1, MaxLagSeconds: 1.9, SuccessRatio: 0.01,
						GoodputRatio: g(0.83), P95Ms: math.NaN(), Reasons: []string{"the load generator fell behind (load-generator bound): 588.1 of 640 requests/s sent, up to 1.9 s late"}},
				}},
		},
		MaxRatePerSecond: 640, MaxRateSource: "given (--max-rate)",
		Comparison: "the aware one (upload-aware) holds ≥ 30.1× the load of the naive one (upload-naive): ≥ 320/s (a lower bound: the highest rate offered in full; the load generator, not the target, limited the search) against 10.63/s",
	}
}

func TestEdgeFigure(t *testing.T) {
	run := edgeRunFixture()
	f := edgeFigure(run)
	if len(f.Plots) != 3 {
		t.Fatalf("edge figure has %d panels; want 3", len(f.Plots))
	}
	for i, p := range f.Plots {
		if p.X.Min > 10 || p.X.Max < 640 {
			t.Errorf("panel %d: x from %v to %v; want every rate probed (10 to 640)", i, p.X.Min, p.X.Max)
		}
	}
	b, err := f.PNG()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Errorf("edge.png does not decode: %v", err)
	}
	svg, err := f.SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"edge 10.63/s", "holds ≥ 320/s, load generator →", "upload-aware (holds ≥ 320/s, load generator)", "not judged: the load generator fell behind", "goodput floor 0.8"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("edge.svg lacks %q", want)
		}
	}
	if _, err := WriteEdge(&results.EdgeRun{}, t.TempDir()); err == nil {
		t.Error("WriteEdge(no targets) = nil error; want one")
	}
}

func TestEdgeSummary(t *testing.T) {
	var buf bytes.Buffer
	EdgeSummary(&buf, edgeRunFixture())
	got := buf.String()
	for _, want := range []string{
		"upload-proxy — breaking point under the downstream's slow downstream phase, 256 MiB limit (cgroup-v1), probes of 20 s",
		"upload-naive (go, naive): edge 10.63/s (held 10.63/s, failed 11.25/s)",
		"upload-aware (go, aware): holds ≥ 320/s (the highest rate offered in full; the load generator, not the target, limited the search)",
		"ceiling 640/s — given (--max-rate)",
		"yes (2nd)",
		"did not survive: oom-killed",
		"n/a",
		"32 slots ÷ (2 s latency + 1 MiB body ÷ 1.0 MB/s) = 10.50 requests/s",
		"holds ≥ 30.1× the load",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("EdgeSummary lacks %q:\n%s", want, got)
		}
	}
	golden(t, ".txt", buf.Bytes())
}

// TestEdgeLowerBounds checks that a lower bound never reads as an edge:
// in the summary's headline, in the plot's mark and legend.
func TestEdgeLowerBounds(t *testing.T) {
	tests := []struct {
		name      string
		e         results.Edge
		wantHead  string
		wantLabel string
		dotted    bool
	}{
		{"edge", results.Edge{RatePerSecond: 10, FailedRatePerSecond: 10.63, Bound: results.BoundEdge},
			"edge 10/s (held 10/s, failed 10.63/s)", "edge 10/s", false},
		{"ceiling", results.Edge{RatePerSecond: 160, AtMax: true, Bound: results.BoundLower, LimitedBy: results.LimitCeiling},
			"holds ≥ 160/s (the search's ceiling)", "holds ≥ 160/s, ceiling →", true},
		{"load generator", results.Edge{RatePerSecond: 80, Bound: results.BoundLower, LimitedBy: results.LimitLoadGenerator},
			"holds ≥ 80/s (the highest rate offered in full; the load generator, not the target, limited the search)", "holds ≥ 80/s, load generator →", true},
		{"edge.json before bound: at max", results.Edge{RatePerSecond: 640, AtMax: true}, "holds ≥ 640/s", "holds ≥ 640/s →", true},
		{"edge.json before bound: bracket", results.Edge{RatePerSecond: 10, FailedRatePerSecond: 11}, "edge 10/s", "edge 10/s", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Headline(); !strings.HasPrefix(got, tt.wantHead) {
				t.Errorf("Headline = %q; want %q", got, tt.wantHead)
			}
			m := edgeMark(tt.e, color.Black, 10, 0)
			if m.Label != tt.wantLabel || (m.Line.Dashes[0] < m.Line.Dashes[1]) != tt.dotted {
				t.Errorf("edgeMark = label %q dashes %v; want %q, dotted %v", m.Label, m.Line.Dashes, tt.wantLabel, tt.dotted)
			}
		})
	}
}
