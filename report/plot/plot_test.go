package plot

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

func TestMemoryFigure(t *testing.T) {
	run := savedtest.Upload(t)
	f := MemoryFigure([]*saved.Run{run})
	if len(f.Plots) != 1 {
		t.Fatalf("memoryFigure: %d plots; want 1", len(f.Plots))
	}
	p := f.Plots[0]
	maxRSS := math.Max(saved.FiniteMax(run.Series[0].RSSMiB), saved.FiniteMax(run.Series[1].RSSMiB))
	limit := float64(run.Results.MemoryLimitBytes) / format.BytesPerMiB
	if p.Y.Max < maxRSS || p.Y.Max < limit {
		t.Errorf("memory plot Y max = %.1f; want ≥ max RSS %.1f and limit %.1f", p.Y.Max, maxRSS, limit)
	}
	if p.Y.Min != 0 {
		t.Errorf("memory plot Y min = %v; want 0", p.Y.Min)
	}
	if p.X.Min != 0 || p.X.Max < 40 {
		t.Errorf("memory plot X = [%v, %v]; want [0, ≥ 40]", p.X.Min, p.X.Max)
	}
	if f.Title != "upload-proxy" {
		t.Errorf("memory plot title = %q; want upload-proxy", f.Title)
	}
	ms := killMarks([]*saved.Run{run}, traceStyles([]*saved.Run{run}))
	if len(ms) != 1 || ms[0].Label != "upload-naive OOM-killed at 27.3 s" || ms[0].Y < 250 {
		t.Errorf("killMarks = %+v; want one at ~256 MiB labelled %q", ms, "upload-naive OOM-killed at 27.3 s")
	}
	_, label := limitMiB([]*saved.Run{run})
	if label != "limit 256 MiB (cgroup-v1)" {
		t.Errorf("limit label = %q; want %q", label, "limit 256 MiB (cgroup-v1)")
	}
}

func TestDashboardFigure(t *testing.T) {
	run := savedtest.Upload(t)
	f := DashboardFigure([]*saved.Run{run})
	if len(f.Plots) != 5 {
		t.Fatalf("dashboardFigure: %d panels; want 5", len(f.Plots))
	}
	for i, p := range f.Plots {
		if p.X.Min != f.Plots[0].X.Min || p.X.Max != f.Plots[0].X.Max {
			t.Errorf("panel %d X = [%v, %v]; want the shared [%v, %v]", i, p.X.Min, p.X.Max, f.Plots[0].X.Min, f.Plots[0].X.Max)
		}
	}
	if p := f.Plots[0]; p.Y.Max < 256 {
		t.Errorf("memory panel Y max = %v; want ≥ 256", p.Y.Max)
	}
	lat := f.Plots[2]
	if _, ok := lat.Y.Scale.(plot.LogScale); ok {
		t.Errorf("latency panel scale = %T; want linear (1.6 s to 20 s spans < 2 decades)", lat.Y.Scale)
	}
	fast := savedtest.Upload(t)
	fast.Series[1].P50Ms[0] = 5 // 5 ms to 20 s: more than 2 decades
	if sc := DashboardFigure([]*saved.Run{fast}).Plots[2].Y.Scale; sc != (plot.LogScale{}) {
		t.Errorf("latency panel scale = %T; want log for 5 ms to 20 s", sc)
	}
	if lat.Y.Max < saved.FiniteMax(run.Series[0].P99Ms) {
		t.Errorf("latency panel Y max = %v; want ≥ max p99 %v", lat.Y.Max, saved.FiniteMax(run.Series[0].P99Ms))
	}
	s0 := run.Series[0]
	if cpu, want := f.Plots[4], saved.FiniteMax(movingMean(s0.T, s0.CPUPercent, smoothWindow(timeEnd([]*saved.Run{run})))); cpu.Y.Max < want {
		t.Errorf("CPU panel Y max = %v; want ≥ the smoothed maximum %v", cpu.Y.Max, want)
	}
}

// TestWritePlots renders both figures and checks the files: PNG decodes
// at the expected size, SVG is well-formed XML.
func TestWritePlots(t *testing.T) {
	run := savedtest.Upload(t)
	dir := t.TempDir()
	mem, err := WriteMemoryPlot(run, dir)
	if err != nil {
		t.Fatalf("WriteMemoryPlot: %v", err)
	}
	dash, err := WriteDashboard([]*saved.Run{run}, dir)
	if err != nil {
		t.Fatalf("WriteDashboard: %v", err)
	}
	tests := []struct {
		name string
		w, h int
	}{
		{"memory.png", 1536, 864},
		{"dashboard.png", 1536, 2112},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tt.name))
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("png.Decode(%s): %v", tt.name, err)
			}
			if got := img.Bounds().Size(); got.X != tt.w || got.Y != tt.h {
				t.Errorf("%s size = %v; want %dx%d", tt.name, got, tt.w, tt.h)
			}
		})
	}
	for _, p := range append(mem, dash...) {
		if filepath.Ext(p) != ".svg" {
			continue
		}
		t.Run(filepath.Base(p), func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			checkXML(t, b)
		})
	}
}

func checkXML(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for i := 0; i < 1_000_000; i++ {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("SVG does not parse as XML: %v", err)
		}
	}
	t.Fatal("SVG has more than a million tokens")
}

func TestCompareStyles(t *testing.T) {
	a, b := savedtest.Upload(t), savedtest.Upload(t)
	st := traceStyles([]*saved.Run{a, b})
	if st[0][0].Label != "A:upload-naive" || st[1][0].Label != "B:upload-naive" {
		t.Errorf("labels = %q, %q; want A:upload-naive, B:upload-naive", st[0][0].Label, st[1][0].Label)
	}
	if st[0][0].Color != st[1][0].Color {
		t.Errorf("upload-naive colour A = %v, B = %v; want the same", st[0][0].Color, st[1][0].Color)
	}
	if st[0][0].Dashes != nil || st[1][0].Dashes == nil {
		t.Errorf("dashes A = %v, B = %v; want solid A, dashed B", st[0][0].Dashes, st[1][0].Dashes)
	}
	if st[0][0].Color == st[0][1].Color {
		t.Errorf("naive and aware share colour %v", st[0][0].Color)
	}
	r, g, bl, _ := st[0][0].Color.RGBA()
	if r <= bl || r <= g {
		t.Errorf("naive colour = %v; want a warm one", st[0][0].Color)
	}
	r, _, bl, _ = st[0][1].Color.RGBA()
	if bl <= r {
		t.Errorf("aware colour = %v; want a cool one", st[0][1].Color)
	}
}

func TestSegments(t *testing.T) {
	n := 20_000
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i], y[i] = float64(i)*0.1, float64(i%100)
	}
	y[12_345] = 1000 // a spike must survive decimation
	y[500] = math.NaN()
	segs := segments(x, y, 0)
	total, top := 0, 0.0
	for _, s := range segs {
		total += len(s)
		for _, p := range s {
			top = math.Max(top, p.Y)
		}
	}
	if total > maxPlotPoints+10 {
		t.Errorf("segments kept %d points; want ≤ %d", total, maxPlotPoints+10)
	}
	if top != 1000 {
		t.Errorf("segments max = %v; want the spike 1000", top)
	}
	if len(segs) != 2 {
		t.Errorf("segments = %d stretches; want 2 (broken at the NaN)", len(segs))
	}
}

func TestSlidingRate(t *testing.T) {
	var ts, count []float64
	for i := range 100 { // 10 s at 10 Hz, 3 cycles a second
		x := float64(i) * 0.1
		ts = append(ts, x)
		count = append(count, math.Floor(x*3))
	}
	at, rates := slidingRate(ts, count, 3)
	if len(rates) < 50 || at[0] < 1.5 {
		t.Fatalf("slidingRate: %d points from %.1f s; want ≥ 50 from 1.5 s", len(rates), at[0])
	}
	for i, r := range rates {
		if r < 2.5 || r > 3.5 {
			t.Errorf("slidingRate at %.1f s = %.2f; want about 3", at[i], r)
		}
	}
	none := []float64{math.NaN(), math.NaN(), math.NaN()}
	if _, r := slidingRate([]float64{0, 1, 2}, none, 1); len(r) != 0 {
		t.Errorf("slidingRate(no counts) = %v; want none", r)
	}
	// Before the load (t < 0) does not count.
	if _, r := slidingRate([]float64{-2, -1, 0, 1}, []float64{0, 100, 100, 101}, 1); len(r) != 1 || r[0] != 1 {
		t.Errorf("slidingRate with startup samples = %v; want [1]", r)
	}
}

func TestMovingMean(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		t, v   []float64
		window float64
		want   []float64
	}{
		{"constant", []float64{0, 1, 2}, []float64{5, 5, 5}, 2, []float64{5, 5, 5}},
		{"10 % steps become their mean", []float64{0, 1, 2, 3, 4, 5}, []float64{0, 20, 0, 20, 0, 20}, 2, []float64{0, 10, 10, 10, 10, 10}},
		{"unknown skipped", []float64{0, 1, 2}, []float64{4, nan, 8}, 10, []float64{4, 4, 6}},
		{"nothing known", []float64{0, 1}, []float64{nan, nan}, 1, []float64{nan, nan}},
		{"window drops old values", []float64{0, 1, 5}, []float64{100, 100, 1}, 2, []float64{100, 100, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := movingMean(tt.t, tt.v, tt.window)
			for i := range tt.want {
				if !(got[i] == tt.want[i] || math.IsNaN(got[i]) && math.IsNaN(tt.want[i])) {
					t.Fatalf("movingMean(%v, %v, %g) = %v; want %v", tt.t, tt.v, tt.window, got, tt.want)
				}
			}
		})
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		n      int
		labels []string
	}{
		{0, 40, 10, []string{"0", "5", "10", "15", "20", "25", "30", "35", "40"}},
		{0, 332.8, 6, []string{"0", "50", "100", "150", "200", "250", "300"}},
		{0, 0.9, 6, []string{"0", "0.2", "0.4", "0.6", "0.8"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range (niceTicks{N: tt.n}).Ticks(tt.lo, tt.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if len(got) != len(tt.labels) {
			t.Errorf("niceTicks(%v, %v) = %q; want %q", tt.lo, tt.hi, got, tt.labels)
			continue
		}
		for i := range got {
			if got[i] != tt.labels[i] {
				t.Errorf("niceTicks(%v, %v) = %q; want %q", tt.lo, tt.hi, got, tt.labels)
				break
			}
		}
	}
}

func TestStallMarkAndPlainPalette(t *testing.T) {
	st := savedtest.BaseTarget("node-upload-naive")
	st.Runtime, st.EndAt, st.Outcome = "node", 35, results.OutcomeLimitStall
	st.RSS = savedtest.NaiveRSS(40, 256, 10, 30)
	other := savedtest.BaseTarget("other")
	spec := savedtest.UploadProxy()
	spec.Targets = []savedtest.Target{st, other}
	run := spec.Run()
	styles := traceStyles([]*saved.Run{run})
	ms := killMarks([]*saved.Run{run}, styles)
	if len(ms) != 1 || ms[0].Label != "node-upload-naive stalled at the limit at 35.0 s" {
		t.Errorf("killMarks = %+v; want one labelled %q", ms, "node-upload-naive stalled at the limit at 35.0 s")
	}
	// No roles: the fixed palette by target order.
	if styles[0][0].Color != plainPalette[0] || styles[0][1].Color != plainPalette[1] {
		t.Errorf("colours without roles = %v, %v; want plainPalette[0], [1]", styles[0][0].Color, styles[0][1].Color)
	}
}

func TestPlaceLabel(t *testing.T) {
	area := vg.Rectangle{Min: vg.Point{X: 0, Y: 0}, Max: vg.Point{X: 1000, Y: 1000}}
	const w, h, step = 200, 20, 26
	tests := []struct {
		name  string
		start vg.Point
		taken []vg.Rectangle
		lines []vg.Length
		want  vg.Point
	}{
		{"clear stays", vg.Point{X: 100, Y: 500}, nil, nil, vg.Point{X: 100, Y: 500}},
		{"off the limit line", vg.Point{X: 100, Y: 500}, nil, []vg.Length{490}, vg.Point{X: 100, Y: 474}},
		{"off another label", vg.Point{X: 100, Y: 500},
			[]vg.Rectangle{{Min: vg.Point{X: 150, Y: 470}, Max: vg.Point{X: 400, Y: 500}}}, nil, vg.Point{X: 100, Y: 448}},
		{"off the line and the label below it", vg.Point{X: 100, Y: 500},
			[]vg.Rectangle{{Min: vg.Point{X: 0, Y: 440}, Max: vg.Point{X: 400, Y: 470}}}, []vg.Length{490}, vg.Point{X: 100, Y: 422}},
		{"up when the bottom is reached", vg.Point{X: 100, Y: 30}, nil, []vg.Length{20}, vg.Point{X: 100, Y: 56}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := placeLabel(tt.start, w, h, step, area, tt.taken, tt.lines)
			if got != tt.want {
				t.Fatalf("placeLabel(%v) = %v; want %v", tt.start, got, tt.want)
			}
			for _, y := range tt.lines {
				if got.Y+step/5 > y && got.Y-h-step/5 < y {
					t.Errorf("label at %v crosses the line at %v", got, y)
				}
			}
			if overlapsAny(tt.taken, got, w, h) {
				t.Errorf("label at %v overlaps %v", got, tt.taken)
			}
		})
	}
}

// TestMarksLabelsClearOfMarks: two kills a second and 25 MiB apart (as
// db-pool's naive pair is killed): neither label's box covers the other
// target's mark.
func TestMarksLabelsClearOfMarks(t *testing.T) {
	p := plot.New()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 40, 0, 380
	const size = vg.Length(24) // near the memory figure's labels (20 points)
	ms := marks{Size: size, Labels: true, Marks: []mark{
		{X: 22.6, Y: 294, Color: color.RGBA{R: 255, G: 127, A: 255}, Label: "node-db-pool-naive OOM-killed at 22.6 s"},
		{X: 23.5, Y: 268, Color: color.RGBA{R: 214, G: 39, B: 40, A: 255}, Label: "db-pool-naive OOM-killed at 23.5 s"},
	}}
	rec := &recorder.Canvas{}
	c := draw.Canvas{Canvas: rec, Rectangle: vg.Rectangle{Max: vg.Point{X: 1000, Y: 560}}}
	ms.Plot(c, p)
	trX, trY := p.Transforms(&c)
	r, pad := size*0.45, size*0.15
	var boxes int
	for _, a := range rec.Actions {
		f, ok := a.(*recorder.Fill)
		if !ok {
			continue
		}
		boxes++
		lo, hi := vg.Point{X: 1e9, Y: 1e9}, vg.Point{X: -1e9, Y: -1e9}
		for _, pc := range f.Path {
			if pc.Type == vg.CloseComp {
				continue
			}
			lo = vg.Point{X: min(lo.X, pc.Pos.X), Y: min(lo.Y, pc.Pos.Y)}
			hi = vg.Point{X: max(hi.X, pc.Pos.X), Y: max(hi.Y, pc.Pos.Y)}
		}
		lo, hi = vg.Point{X: lo.X + pad, Y: lo.Y + pad}, vg.Point{X: hi.X - pad, Y: hi.Y - pad} // the label, without its padding
		for _, mk := range ms.Marks {
			x, y := trX(mk.X), trY(mk.Y)
			if lo.X < x+r && hi.X > x-r && lo.Y < y+r && hi.Y > y-r {
				t.Errorf("a label box %v–%v covers the mark of %q at (%v, %v)", lo, hi, mk.Label, x, y)
			}
		}
	}
	if boxes != 2 {
		t.Fatalf("%d label boxes drawn; want 2", boxes)
	}
}
