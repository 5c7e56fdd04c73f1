package plot

import (
	"bytes"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
)

// TestDashboardKinds: a run with two request kinds gets a sixth panel,
// below the latencies, with each kind's p95 per stage for each target;
// its axis is logarithmic since the status kind's p95 is ~100× below the
// uploads'. The image renders at the taller size.
func TestDashboardKinds(t *testing.T) {
	run := savedtest.UploadMix().Run()
	f := DashboardFigure([]*saved.Run{run})
	if len(f.Plots) != 6 {
		t.Fatalf("dashboard of a mix: %d panels; want 6", len(f.Plots))
	}
	kp := f.Plots[3]
	if kp.Y.Label.Text != "p95 per kind (ms)" {
		t.Fatalf("panel 4 = %q; want the per-kind p95", kp.Y.Label.Text)
	}
	// 31 ms beside 23.8 s: log10 of the p95s, labelled in powers of ten.
	if _, ok := kp.Y.Tick.Marker.(decadeTicks); !ok || kp.Y.Min != 1 || kp.Y.Max != 5 {
		t.Errorf("per-kind panel axis = %T [%v, %v]; want decadeTicks over [1, 5] (10 ms to 100 s)", kp.Y.Tick.Marker, kp.Y.Min, kp.Y.Max)
	}
	steps := kindSteps([]*saved.Run{run})
	if len(steps) != 4 {
		t.Fatalf("kindSteps: %d series; want 2 targets × 2 kinds", len(steps))
	}
	// What is drawn is the data: each step is its stage's p95 for the kind,
	// with a glyph in its middle; none where the kind has no p95.
	measured := 0
	for _, ks := range steps {
		tg := run.Results.Targets[ks.Target]
		for i, st := range tg.Stages {
			want := st.Kinds[ks.Index].LatencyP95Ms
			if st.Kinds[ks.Index].Requests == 0 || want <= 0 {
				want = math.NaN()
			}
			if !math.IsNaN(want) {
				measured++
			}
			got := ks.Y[2*i]
			if !(got == want || math.IsNaN(got) && math.IsNaN(want)) || ks.Y[2*i+1] != got && !math.IsNaN(got) {
				t.Errorf("%s %s stage %d: step at %v; want %v", tg.Name, ks.Kind, i+1, got, want)
			}
			if start := run.Results.Stages[st.Index].StartSeconds; ks.X[2*i] != start || ks.X[2*i+1] != start+st.DurationSeconds {
				t.Errorf("%s %s stage %d: step over [%v, %v]; want [%v, %v]", tg.Name, ks.Kind, i+1, ks.X[2*i], ks.X[2*i+1], start, start+st.DurationSeconds)
			}
			if got > 0 && (math.Log10(got) < kp.Y.Min || math.Log10(got) > kp.Y.Max) {
				t.Errorf("%s %s p95 %v outside the axis [%v, %v]", tg.Name, ks.Kind, got, kp.Y.Min, kp.Y.Max)
			}
		}
	}
	var glyphs int
	for _, ks := range steps {
		glyphs += len(ks.mids())
	}
	if glyphs != measured || measured < 8 {
		t.Errorf("per-kind panel: %d glyphs; want one per stage with a p95 (%d, at least 8)", glyphs, measured)
	}
	if legend := f.Legend[len(f.Legend)-1]; len(legend) != 2 || legend[0].Label != "kind upload" || legend[1].Label != "kind status" {
		t.Errorf("kinds legend = %+v; want kind upload, kind status", legend)
	}
	b, err := f.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	if got := img.Bounds().Size(); got.X != 1536 || got.Y != 2496 {
		t.Errorf("dashboard of a mix = %v; want 1536x2496", got)
	}
	// A run without kinds keeps its five panels.
	if n := len(DashboardFigure([]*saved.Run{savedtest.UploadProxy().Run()}).Plots); n != 5 {
		t.Errorf("dashboard without kinds: %d panels; want 5", n)
	}
}

func TestDecadeTicks(t *testing.T) {
	ts := decadeTicks{}.Ticks(1, 3)
	var labels []string
	for _, tk := range ts {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if len(ts) != 19 || ts[0].Value != 1 || math.Abs(ts[1].Value-math.Log10(20)) > 1e-12 || ts[18].Value != 3 {
		t.Errorf("decadeTicks(1, 3) = %+v; want 19 ticks from log10(10) to log10(1000), minor at log10(20)…", ts)
	}
	if strings.Join(labels, ",") != "10,100,1000" {
		t.Errorf("decadeTicks labels = %q; want 10, 100, 1000", labels)
	}
}
