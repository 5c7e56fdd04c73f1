package plot

import (
	"cmp"
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
	"github.com/oomlab/oomlab/runner/results"
)

var edgeFonts = fonts{Title: 24, Axis: 17, Tick: 15, Label: 15, Legend: 17}

// WriteEdge writes edge.png and edge.svg to dir: three panels against the
// offered rate (log scale, as the search doubles): the RSS slope (with
// the slope allowed), the downstream's goodput ratio — its capacity kept
// busy — (with the floor), and the p95 latency (with its ceiling); one
// trace per target through the probes judged, crosses for those the load
// generator could not offer in full; its edge marked by a dashed
// vertical line, or a lower bound by a dotted one with an arrow
// ("holds ≥ 160/s, ceiling →").
func WriteEdge(run *results.EdgeRun, dir string) ([]string, error) {
	if run == nil || len(run.Targets) == 0 {
		return nil, errors.New("report: no edge to plot")
	}
	paths, _, err := edgeFigure(run).writeDir(dir, "edge")
	return paths, err
}

// edgeColor picks a target's colour as the dashboards do: warm for naive,
// cool for aware, by order otherwise.
func edgeColor(e results.Edge, i int) color.Color {
	switch e.Role {
	case "naive":
		return naivePalette[i%len(naivePalette)]
	case "aware":
		return awarePalette[i%len(awarePalette)]
	}
	return plainPalette[i%len(plainPalette)]
}

// edgePoints are a target's probes sorted by rate (a repeated rate keeps
// every probe, in the order run).
func edgePoints(e results.Edge) []results.EdgeProbe {
	ps := slices.Clone(e.Probes)
	slices.SortStableFunc(ps, func(a, b results.EdgeProbe) int { return cmp.Compare(a.RatePerSecond, b.RatePerSecond) })
	return ps
}

func edgeFigure(run *results.EdgeRun) *Figure {
	f := edgeFonts
	panels := []struct {
		label string
		y     func(results.EdgeProbe) float64
	}{
		{"RSS slope (MiB/s)", func(p results.EdgeProbe) float64 { return p.SlopeMiBPerSec }},
		{"downstream goodput", func(p results.EdgeProbe) float64 {
			if p.GoodputRatio == nil {
				return math.NaN()
			}
			return *p.GoodputRatio
		}},
		{"p95 latency (s)", func(p results.EdgeProbe) float64 { return p.P95Ms / 1000 }},
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, e := range run.Targets {
		for _, p := range e.Probes {
			lo, hi = math.Min(lo, p.RatePerSecond), math.Max(hi, p.RatePerSecond)
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 1, 2
	}
	var plots []*plot.Plot
	for k, pn := range panels {
		p := newPlot(f, pn.label)
		p.Add(grid())
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = rateTicks{}
		p.X.Min, p.X.Max = lo/1.15, hi*1.15
		for i, e := range run.Targets {
			c := edgeColor(e, i)
			var xy, unjudged plotter.XYs
			for _, pr := range edgePoints(e) {
				v := pn.y(pr)
				switch {
				case math.IsNaN(v) || math.IsInf(v, 0):
				case pr.Inconclusive:
					unjudged = append(unjudged, plotter.XY{X: pr.RatePerSecond, Y: v})
				default:
					xy = append(xy, plotter.XY{X: pr.RatePerSecond, Y: v})
				}
			}
			if len(xy) > 0 {
				if line, points, err := plotter.NewLinePoints(xy); err == nil {
					line.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(3)}
					points.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(5), Shape: draw.CircleGlyph{}}
					p.Add(line, points)
				}
			}
			// Probes the load generator could not offer in full are no
			// evidence: crosses, off the line.
			if len(unjudged) > 0 {
				if sc, err := plotter.NewScatter(unjudged); err == nil {
					sc.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(7), Shape: draw.CrossGlyph{}}
					p.Add(sc)
				}
			}
			if e.RatePerSecond > 0 {
				p.Add(edgeMark(e, c, f.Label, i))
			}
		}
		switch k {
		case 0:
			p.Add(hline{Y: run.Criteria.MaxSlopeMiBPerSec, Line: draw.LineStyle{Color: color.Gray{Y: 90}, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(4), vg.Points(4)}},
				Label: "slope allowed " + format.SlopeLimit(run.Criteria.MaxSlopeMiBPerSec), Size: f.Label})
		case 1:
			p.Y.Min, p.Y.Max = 0, 1.05
			p.Add(hline{Y: run.Criteria.MinGoodputRatio, Line: draw.LineStyle{Color: color.Gray{Y: 90}, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(4), vg.Points(4)}},
				Label: fmt.Sprintf("goodput floor %.2g (or success ≥ %s)", run.Criteria.MinGoodputRatio, format.Percent(run.Criteria.MinSuccessRatio)), Size: f.Label})
		case 2:
			p.Add(hline{Y: run.Criteria.MaxP95Ms / 1000, Line: draw.LineStyle{Color: color.Gray{Y: 90}, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(4), vg.Points(4)}},
				Label: fmt.Sprintf("p95 ceiling %.3g s", run.Criteria.MaxP95Ms/1000), Size: f.Label})
		}
		if k < len(panels)-1 {
			p.X.Tick.Marker = rateTicks{blank: true}
		} else {
			p.X.Label.Text = "offered rate (requests/s, constant for each probe)"
		}
		plots = append(plots, p)
	}
	var legend []legendItem
	anyUnjudged := false
	for i, e := range run.Targets {
		legend = append(legend, legendItem{Label: e.Target + " (" + edgeLabel(e) + ")",
			Line: draw.LineStyle{Color: edgeColor(e, i), Width: vg.Points(4)}})
		for _, p := range e.Probes {
			anyUnjudged = anyUnjudged || p.Inconclusive
		}
	}
	if anyUnjudged {
		legend = append(legend, legendItem{Label: "not judged: the load generator fell behind",
			Glyph: &draw.GlyphStyle{Color: color.Gray{Y: 90}, Radius: vg.Points(7), Shape: draw.CrossGlyph{}}})
	}
	title := fmt.Sprintf("%s: breaking point under the downstream's %s phase", run.Scenario, cmp.Or(run.Phase.Name, "steady"))
	return &Figure{Title: title, Legend: [][]legendItem{legend}, Plots: plots, Width: 14 * vg.Inch, Height: 11 * vg.Inch, Fonts: f}
}

// edgeLabel is the short mark of an edge: "edge 10/s", or for a lower
// bound "holds ≥ 160/s, ceiling" / "holds ≥ 80/s, load generator".
func edgeLabel(e results.Edge) string {
	r := strconv.FormatFloat(e.RatePerSecond, 'f', -1, 64) + "/s"
	switch e.Kind() {
	case results.BoundLower:
		switch e.LimitedBy {
		case results.LimitLoadGenerator:
			return "holds ≥ " + r + ", load generator"
		case results.LimitCeiling:
			return "holds ≥ " + r + ", ceiling"
		case results.LimitProbeBudget:
			return "holds ≥ " + r + ", probe budget"
		}
		return "holds ≥ " + r
	case results.BoundNone:
		return "held none"
	}
	return "edge " + r
}

// edgeMark is the vertical line at an edge: long dashes for an edge, a
// dotted line with an arrow to the right (the edge is further on) for a
// lower bound.
func edgeMark(e results.Edge, c color.Color, size vg.Length, row int) vline {
	v := vline{X: e.RatePerSecond, Line: draw.LineStyle{Color: c, Width: vg.Points(2.5), Dashes: []vg.Length{vg.Points(8), vg.Points(4)}},
		Label: edgeLabel(e), Size: size, Row: row}
	if e.Kind() == results.BoundLower {
		v.Line.Dashes = []vg.Length{vg.Points(2), vg.Points(3)}
		v.Label += " →"
	}
	return v
}

// rateTicks marks a log rate axis at 1, 2 and 5 × 10ᵏ (labels blank for
// the upper panels, which share the bottom one's axis).
type rateTicks struct{ blank bool }

// Ticks implements plot.Ticker.
func (r rateTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	if lo <= 0 || hi <= lo {
		return ts
	}
	for k := math.Floor(math.Log10(lo)); k <= math.Ceil(math.Log10(hi)); k++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, k)
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if !r.blank {
				t.Label = strconv.FormatFloat(v, 'g', -1, 64)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// vline is a vertical line across the data area at X with a label near
// the top, on its right or, where that would leave the plot, on its left
// (Row staggers the labels of several lines).
type vline struct {
	X     float64
	Line  draw.LineStyle
	Label string
	Size  vg.Length
	Row   int
}

// Plot implements plot.Plotter.
func (v vline) Plot(c draw.Canvas, p *plot.Plot) {
	if v.X < p.X.Min || v.X > p.X.Max {
		return
	}
	trX, _ := p.Transforms(&c)
	x := trX(v.X)
	c.StrokeLine2(v.Line, x, c.Min.Y, x, c.Max.Y)
	if v.Label != "" {
		sty := textStyle(v.Size, v.Line.Color)
		sty.YAlign = draw.YTop
		at := vg.Point{X: x + v.Size*0.3, Y: c.Max.Y - vg.Length(v.Row)*v.Size*1.3 - v.Size*0.2}
		if at.X+sty.Width(v.Label) > c.Max.X { // no room on the right (a mark at the largest rate): on the left
			sty.XAlign = draw.XRight
			at.X = x - v.Size*0.3
		}
		c.FillText(sty, at, v.Label)
	}
}
