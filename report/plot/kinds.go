package plot

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
)

// kindGlyphs tell the request kinds apart in the per-kind panel, by the
// kind's place in the scenario's order; a target keeps its colour. Beyond
// four kinds the shapes repeat (the legend still names each kind).
var kindGlyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.TriangleGlyph{}, draw.CrossGlyph{}}

// kindStep is one request kind's p95 through one target's stages: a step
// per stage, two points each (the stage's start, and its end for that
// target), NaN for a stage where the kind has no p95.
type kindStep struct {
	Run, Target int
	Kind        string
	// Index is the kind's place among the run's kinds (its glyph).
	Index int
	X, Y  []float64
}

// mids are where the kind's glyphs go: the middle of each step with a
// p95.
func (ks kindStep) mids() plotter.XYs {
	var out plotter.XYs
	for i := 0; i+1 < len(ks.X); i += 2 {
		if !math.IsNaN(ks.Y[i]) {
			out = append(out, plotter.XY{X: (ks.X[i] + ks.X[i+1]) / 2, Y: ks.Y[i]})
		}
	}
	return out
}

// kindSteps returns the per-stage p95 of every kind of every target that
// has a mix (judge.ShowsKinds), in run, target and kind order.
func kindSteps(runs []*saved.Run) []kindStep {
	var out []kindStep
	for ri, r := range runs {
		for ti, t := range r.Results.Targets {
			if !judge.ShowsKinds(t.Kinds) {
				continue
			}
			for ki, k := range t.Kinds {
				ks := kindStep{Run: ri, Target: ti, Kind: k.Name, Index: ki}
				for _, st := range t.Stages {
					if st.Index < 0 || st.Index >= len(r.Results.Stages) {
						continue
					}
					start := r.Results.Stages[st.Index].StartSeconds
					p95 := math.NaN()
					for _, sk := range st.Kinds {
						if sk.Name == k.Name && sk.Requests > 0 && sk.LatencyP95Ms > 0 {
							p95 = sk.LatencyP95Ms
						}
					}
					ks.X, ks.Y = append(ks.X, start, start+st.DurationSeconds), append(ks.Y, p95, p95)
				}
				out = append(out, ks)
			}
		}
	}
	return out
}

// kindNames lists the kinds' names in order of first appearance, each
// once: the kinds panel's legend, one glyph each.
func kindNames(steps []kindStep) []legendItem {
	var out []legendItem
	seen := map[string]bool{}
	for _, ks := range steps {
		if seen[ks.Kind] {
			continue
		}
		seen[ks.Kind] = true
		g := kindGlyph(ks.Index, color.Black)
		out = append(out, legendItem{Label: "kind " + ks.Kind, Line: draw.LineStyle{Color: color.Black, Width: vg.Points(2)}, Glyph: &g})
	}
	return out
}

func kindGlyph(i int, c color.Color) draw.GlyphStyle {
	return draw.GlyphStyle{Color: c, Radius: vg.Points(6), Shape: kindGlyphs[i%len(kindGlyphs)]}
}

// kindPanel draws each request kind's p95 per stage: a target's colour, a
// kind's glyph at the middle of each stage's step. When the kinds' p95s
// span more than two decades (a fast kind beside a slow one) it draws
// log10 of them on a linear axis labelled in powers of ten (decadeTicks):
// gonum centres an axis label at the arithmetic middle of the range, which
// on a log scale sits near the top and pushes the panel down.
func kindPanel(newPanel func(string) *plot.Plot, styles [][]traceStyle, steps []kindStep) *plot.Plot {
	p := newPanel("p95 per kind (ms)")
	lo, hi := math.NaN(), math.NaN()
	for _, ks := range steps {
		if m := saved.FiniteMin(ks.Y); !(m >= lo) {
			lo = m
		}
		if m := saved.FiniteMax(ks.Y); !(m <= hi) {
			hi = m
		}
	}
	logY := !math.IsNaN(hi) && hi/lo > 100
	y := func(v float64) float64 { return v }
	if logY {
		y = math.Log10
	}
	for _, ks := range steps {
		st := styles[ks.Run][ks.Target]
		ys := make([]float64, len(ks.Y))
		for i, v := range ks.Y {
			ys[i] = y(v)
		}
		addLines(p, ks.X, ys, 0, draw.LineStyle{Color: st.Color, Width: vg.Points(3), Dashes: st.Dashes})
		mids := ks.mids()
		for i := range mids {
			mids[i].Y = y(mids[i].Y)
		}
		if sc, err := plotter.NewScatter(mids); err == nil && len(mids) > 0 {
			sc.GlyphStyle = kindGlyph(ks.Index, st.Color)
			p.Add(sc)
		}
	}
	switch {
	case math.IsNaN(hi):
		p.Add(note{Text: "no latency figures per request kind", Size: dashboardFonts.Label})
		p.Y.Min, p.Y.Max = 0, 1
	case logY:
		p.Y.Tick.Marker = decadeTicks{}
		p.Y.Min, p.Y.Max = math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi*1.1))
	default:
		p.Y.Min, p.Y.Max = 0, yTop(hi, 1.15)
	}
	return p
}

// decadeTicks labels an axis of log10 values as logTicks labels a log
// axis: 10^k at each whole k, minor ticks at 2..9 × 10^k.
type decadeTicks struct{}

// Ticks implements plot.Ticker.
func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := logTicks{}.Ticks(math.Pow(10, lo), math.Pow(10, hi))
	for i := range ts {
		ts[i].Value = math.Log10(ts[i].Value)
	}
	return ts
}
