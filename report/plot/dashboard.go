package plot

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
)

var dashboardFonts = fonts{Title: 28, Axis: 19, Tick: 17, Label: 17, Legend: 19}

var (
	heapDashes   = []vg.Length{vg.Points(2), vg.Points(4)}
	cgroupDashes = []vg.Length{vg.Points(9), vg.Points(3), vg.Points(2), vg.Points(3)}
	offeredColor = color.Gray{Y: 90}
)

// WriteDashboard writes dashboard.png and dashboard.svg to dir: five
// panels on one time axis (RSS with runtime heap and cgroup usage, GC
// cycles per second, latency percentiles, offered/successful/error rates,
// CPU), and a sixth below the latencies when a target's load is a mix of
// request kinds: each kind's p95 per stage (kindPanel). With two runs (a comparison) targets are named "A:…" and "B:…",
// and a target keeps its colour, solid in A and dashed in B.
func WriteDashboard(runs []*saved.Run, dir string) ([]string, error) {
	if len(runs) == 0 {
		return nil, errors.New("report: no run")
	}
	paths, _, err := DashboardFigure(runs).writeDir(dir, "dashboard")
	return paths, err
}

// DashboardFigure builds the dashboard's plots, top to bottom: memory,
// GC, latency, p95 by request kind (a mix only), rates, CPU.
func DashboardFigure(runs []*saved.Run) *Figure {
	f := dashboardFonts
	styles := traceStyles(runs)
	stages, phases := timelineSpans(runs[0].Results)
	end := timeEnd(runs)
	// gonum/plot draws plotters in the order they were added: shading first.
	newPanel := func(yLabel string) *plot.Plot {
		p := newPlot(f, yLabel)
		p.Add(bands{Spans: stages}, bands{Spans: phases}, grid())
		return p
	}
	panels := []*plot.Plot{memoryPanel(newPanel, runs, styles), gcPanel(newPanel, runs, styles),
		latencyPanel(newPanel, runs, styles), ratePanel(newPanel, runs, styles), cpuPanel(newPanel, runs, styles)}
	height := 22 * vg.Inch
	steps := kindSteps(runs)
	if len(steps) > 0 {
		panels = slices.Insert(panels, 3, kindPanel(newPanel, styles, steps))
		height += 4 * vg.Inch
	}
	for i, p := range panels {
		p.X.Min, p.X.Max = 0, end
		if i == 0 {
			p.Add(bandLabels{Spans: append(append([]span(nil), stages...), phases...), Size: f.Label})
		}
		if i < len(panels)-1 {
			p.X.Tick.Marker = blankLabels
		} else {
			p.X.Label.Text = "time since load start (s)"
		}
	}
	var targets []legendItem
	for i, r := range runs {
		for j := range r.Series {
			st := styles[i][j]
			targets = append(targets, legendItem{Label: st.Label, Line: draw.LineStyle{Color: st.Color, Width: vg.Points(4), Dashes: st.Dashes}})
		}
	}
	black := func(w float64, d []vg.Length) draw.LineStyle {
		return draw.LineStyle{Color: color.Black, Width: vg.Points(w), Dashes: d}
	}
	keys := []legendItem{{Label: "RSS / p95 / successes", Line: black(3.5, nil)},
		{Label: "runtime heap", Line: black(2.5, heapDashes)},
		{Label: "cgroup usage (the limit applies to it)", Line: black(1.5, cgroupDashes)},
		{Label: "p50, p99", Line: black(1.2, nil)},
		{Label: "errors/s (failures, timeouts)", Line: black(1.2, nil), Glyph: &draw.GlyphStyle{Color: color.Black, Radius: vg.Points(4), Shape: draw.CrossGlyph{}}},
		{Label: "shed/s (503/429 at once)", Line: black(1.2, shedDashes)},
		{Label: "offered rate", Line: draw.LineStyle{Color: offeredColor, Width: vg.Points(2.5), Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}}}
	if anyCommitted(runs) {
		keys = slices.Insert(keys, 2, legendItem{Label: "heap committed (JVM)", Line: draw.LineStyle{Color: color.Gray{Y: 120}, Width: vg.Points(1.5), Dashes: heapDashes}})
	}
	names := make([]string, len(runs))
	for i, r := range runs {
		names[i] = r.Results.Scenario
	}
	legend := [][]legendItem{targets, keys}
	if len(steps) > 0 {
		legend = append(legend, kindNames(steps))
	}
	return &Figure{Title: format.Versus(names) + " — dashboard", Legend: legend,
		Plots: panels, Width: 16 * vg.Inch, Height: height, Fonts: f}
}

func memoryPanel(newPanel func(string) *plot.Plot, runs []*saved.Run, styles [][]traceStyle) *plot.Plot {
	f := dashboardFonts
	p := newPanel("memory (MiB)")
	limit, label := limitMiB(runs)
	top := limit
	for i, r := range runs {
		for j, s := range r.Series {
			st := styles[i][j]
			addLines(p, s.T, s.CgroupMiB, 0, draw.LineStyle{Color: withAlpha(st.Color, 170), Width: vg.Points(1.5), Dashes: cgroupDashes})
			addLines(p, s.T, s.HeapMiB, 0, draw.LineStyle{Color: st.Color, Width: vg.Points(2.5), Dashes: heapDashes})
			addLines(p, s.T, s.HeapCommittedMiB, 0, draw.LineStyle{Color: withAlpha(st.Color, 120), Width: vg.Points(1.5), Dashes: heapDashes})
			addLines(p, s.T, s.RSSMiB, 0, draw.LineStyle{Color: st.Color, Width: vg.Points(3.5), Dashes: st.Dashes})
			top = math.Max(top, math.Max(saved.FiniteMax(s.RSSMiB), saved.FiniteMax(s.CgroupMiB)))
		}
	}
	var avoid []hline
	if limit > 0 {
		avoid = append(avoid, limitLine(limit, label, f.Label))
		p.Add(avoid[0])
	}
	p.Add(marks{Marks: killMarks(runs, styles), Size: f.Label, Labels: true, Avoid: avoid})
	p.Y.Min, p.Y.Max = 0, yTop(top, 1.45)
	return p
}

// yTop returns max×headroom, or 1 when there is nothing to show.
func yTop(max, headroom float64) float64 {
	if math.IsNaN(max) || max <= 0 {
		return 1
	}
	return max * headroom
}

func gcPanel(newPanel func(string) *plot.Plot, runs []*saved.Run, styles [][]traceStyle) *plot.Plot {
	window := smoothWindow(timeEnd(runs))
	p := newPanel(fmt.Sprintf("GC cycles/s (over %g s)", window))
	top := math.NaN()
	for i, r := range runs {
		for j, s := range r.Series {
			t, rate := slidingRate(s.T, s.GCCount, window)
			st := styles[i][j]
			addLines(p, t, rate, 0, draw.LineStyle{Color: st.Color, Width: vg.Points(3), Dashes: st.Dashes})
			if m := saved.FiniteMax(rate); !(m <= top) {
				top = m
			}
		}
	}
	if math.IsNaN(top) {
		p.Add(note{Text: "no GC figures for these targets (runtime not traced)", Size: dashboardFonts.Label})
	}
	p.Y.Min, p.Y.Max = 0, yTop(top, 1.15)
	return p
}

func latencyPanel(newPanel func(string) *plot.Plot, runs []*saved.Run, styles [][]traceStyle) *plot.Plot {
	p := newPanel("latency (ms)")
	lo, hi := math.NaN(), math.NaN()
	for _, r := range runs {
		for _, s := range r.Series {
			for _, v := range [][]float64{s.P50Ms, s.P95Ms, s.P99Ms} {
				if m := saved.FiniteMin(positive(v)); !(m >= lo) {
					lo = m
				}
				if m := saved.FiniteMax(v); !(m <= hi) {
					hi = m
				}
			}
		}
	}
	logY := !math.IsNaN(lo) && hi/lo > 100
	for i, r := range runs {
		for j, s := range r.Series {
			st := styles[i][j]
			thin := draw.LineStyle{Color: withAlpha(st.Color, 200), Width: vg.Points(1.2), Dashes: st.Dashes}
			p50, p95, p99 := s.P50Ms, s.P95Ms, s.P99Ms
			if logY {
				p50, p95, p99 = positive(p50), positive(p95), positive(p99)
			}
			addLines(p, s.LoadT, p50, 0, thin)
			addLines(p, s.LoadT, p99, 0, thin)
			addLines(p, s.LoadT, p95, 0, draw.LineStyle{Color: st.Color, Width: vg.Points(3.5), Dashes: st.Dashes})
		}
	}
	switch {
	case math.IsNaN(hi):
		p.Add(note{Text: "no latency figures (load.csv missing or empty)", Size: dashboardFonts.Label})
		p.Y.Min, p.Y.Max = 0, 1
	case logY:
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
		p.Y.Min, p.Y.Max = math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi*1.1)))
	default:
		p.Y.Min, p.Y.Max = 0, yTop(hi, 1.1)
	}
	return p
}

// positive returns v with values ≤ 0 replaced by NaN (for a log axis).
func positive(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x
		if x <= 0 {
			out[i] = math.NaN()
		}
	}
	return out
}

// shedDashes draws the shed rate: dots, thinner than any memory trace.
var shedDashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}

func ratePanel(newPanel func(string) *plot.Plot, runs []*saved.Run, styles [][]traceStyle) *plot.Plot {
	p := newPanel("requests/s")
	top := 0.0
	// The offered rate is the schedule: a grey step line.
	var steps plotter.XYs
	for _, s := range runs[0].Results.Stages {
		steps = append(steps, plotter.XY{X: s.StartSeconds, Y: s.RatePerSecond}, plotter.XY{X: s.EndSeconds, Y: s.RatePerSecond})
		top = math.Max(top, s.RatePerSecond)
	}
	if l, err := plotter.NewLine(steps); err == nil && len(steps) > 0 {
		l.LineStyle = draw.LineStyle{Color: offeredColor, Width: vg.Points(2.5), Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}
		p.Add(l)
	}
	for i, r := range runs {
		for j, s := range r.Series {
			st := styles[i][j]
			addLines(p, s.LoadT, s.Successes, 0, draw.LineStyle{Color: st.Color, Width: vg.Points(3.5), Dashes: st.Dashes})
			addLines(p, s.LoadT, s.Errors, 0, draw.LineStyle{Color: st.Color, Width: vg.Points(1.2), Dashes: st.Dashes})
			if len(s.LoadT) <= 300 {
				var pts plotter.XYs
				for k, t := range s.LoadT {
					if s.Errors[k] > 0 {
						pts = append(pts, plotter.XY{X: t, Y: s.Errors[k]})
					}
				}
				if sc, err := plotter.NewScatter(pts); err == nil && len(pts) > 0 {
					sc.GlyphStyle = draw.GlyphStyle{Color: st.Color, Radius: vg.Points(4), Shape: draw.CrossGlyph{}}
					p.Add(sc)
				}
			}
			// Shed (503/429 at once, on purpose) is a thin dotted line,
			// apart from errors and timeouts.
			addLines(p, s.LoadT, s.Shed, 0, draw.LineStyle{Color: st.Color, Width: vg.Points(1.2), Dashes: shedDashes})
			top = math.Max(top, math.Max(saved.FiniteMax(s.Successes), math.Max(saved.FiniteMax(s.Errors), saved.FiniteMax(s.Shed))))
		}
	}
	p.Y.Min, p.Y.Max = 0, yTop(top, 1.15)
	return p
}

func cpuPanel(newPanel func(string) *plot.Plot, runs []*saved.Run, styles [][]traceStyle) *plot.Plot {
	window := smoothWindow(timeEnd(runs))
	p := newPanel(fmt.Sprintf("CPU (%% of a core, mean over %g s)", window))
	top := 0.0
	for i, r := range runs {
		for j, s := range r.Series {
			st := styles[i][j]
			cpu := movingMean(s.T, s.CPUPercent, window)
			addLines(p, s.T, cpu, 0, draw.LineStyle{Color: st.Color, Width: vg.Points(2.5), Dashes: st.Dashes})
			top = math.Max(top, saved.FiniteMax(cpu))
		}
	}
	p.Y.Min, p.Y.Max = 0, yTop(math.Max(top, 10), 1.15)
	return p
}

// note writes a sentence in the middle of an empty panel.
type note struct {
	Text string
	Size vg.Length
}

// Plot implements plot.Plotter.
func (n note) Plot(c draw.Canvas, _ *plot.Plot) {
	sty := textStyle(n.Size, color.Gray{Y: 90})
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	c.FillText(sty, c.Center(), n.Text)
}

// logTicks labels the powers of ten of a log axis, with minor ticks at
// 2..9 × 10^k.
type logTicks struct{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)) && len(ts) < 200; e++ {
		base := math.Pow(10, e)
		for m := 1.0; m < 10; m++ {
			v := m * base
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 {
				t.Label = strconv.FormatFloat(v, 'f', -1, 64)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// anyCommitted reports whether a series has a committed heap to draw
// (the JVM's): only then has the legend a key for it.
func anyCommitted(runs []*saved.Run) bool {
	for _, r := range runs {
		for _, s := range r.Series {
			if !math.IsNaN(saved.FiniteMax(s.HeapCommittedMiB)) {
				return true
			}
		}
	}
	return false
}
