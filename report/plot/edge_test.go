package plot

import (
	"bytes"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
)

func TestEdgeFigure(t *testing.T) {
	run := savedtest.EdgeRun()
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
