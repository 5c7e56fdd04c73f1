package plot

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// fonts are the text sizes of one figure, in points. Figures are drawn
// for a projector: large text, thick lines.
type fonts struct {
	Title, Axis, Tick, Label, Legend vg.Length
}

var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

func textStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(sansFont, size), Handler: plot.DefaultTextHandler,
		XAlign: draw.XLeft, YAlign: draw.YBottom}
}

// newPlot returns a plot with the figure's fonts and a light grid.
func newPlot(f fonts, yLabel string) *plot.Plot {
	p := plot.New()
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sansFont, f.Axis)
		ax.Label.Padding = f.Tick * 0.4
		ax.Tick.Label.Font = font.From(sansFont, f.Tick)
		ax.LineStyle.Width = vg.Points(1)
		ax.Tick.LineStyle.Width = vg.Points(1)
		ax.Tick.Marker = niceTicks{N: 10}
	}
	p.Y.Tick.Marker = niceTicks{N: 6}
	p.Y.Label.Text = yLabel
	p.X.Padding, p.Y.Padding = 0, 0
	return p
}

// span is a shaded interval of the time axis with an optional label.
type span struct {
	Start, End float64
	Fill       color.Color
	Label      string
	LabelColor color.Color
	Row        int // label row, 0 = top
}

// bands shades spans over the full height of the data area. Add it first
// so the data draws over it.
type bands struct{ Spans []span }

// Plot implements plot.Plotter.
func (b bands) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, s := range b.Spans {
		x0, x1 := trX(math.Max(s.Start, p.X.Min)), trX(math.Min(s.End, p.X.Max))
		if x1 <= x0 || s.Fill == nil {
			continue
		}
		c.FillPolygon(s.Fill, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
	}
}

// bandLabels writes span labels at the top of the data area, centred in
// their span, one row per Row. A label wider than its span is left out
// rather than overlap its neighbours.
type bandLabels struct {
	Spans []span
	Size  vg.Length
}

// Plot implements plot.Plotter.
func (b bandLabels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	sty := textStyle(b.Size, color.Black)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
	pad := b.Size * 0.3
	for _, s := range b.Spans {
		if s.Label == "" {
			continue
		}
		x0, x1 := trX(math.Max(s.Start, p.X.Min)), trX(math.Min(s.End, p.X.Max))
		if sty.Width(s.Label) > x1-x0-pad {
			continue
		}
		sty.Color = s.LabelColor
		if sty.Color == nil {
			sty.Color = color.Black
		}
		y := c.Max.Y - pad - vg.Length(s.Row)*b.Size*1.35
		c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: y}, s.Label)
	}
}

// hline is a horizontal line across the data area with a label above its
// left end: the memory limit.
type hline struct {
	Y     float64
	Line  draw.LineStyle
	Label string
	Size  vg.Length
}

// Plot implements plot.Plotter.
func (h hline) Plot(c draw.Canvas, p *plot.Plot) {
	if h.Y < p.Y.Min || h.Y > p.Y.Max {
		return
	}
	_, trY := p.Transforms(&c)
	y := trY(h.Y)
	c.StrokeLine2(h.Line, c.Min.X, y, c.Max.X, y)
	if h.Label != "" {
		sty := textStyle(h.Size, h.Line.Color)
		c.FillText(sty, vg.Point{X: c.Min.X + h.Size*0.4, Y: y + h.Size*0.25}, h.Label)
	}
}

// labelRect is where hline.Plot writes the label when the line is at y.
func (h hline) labelRect(c draw.Canvas, y vg.Length) vg.Rectangle {
	if h.Label == "" {
		return vg.Rectangle{}
	}
	sty := textStyle(h.Size, h.Line.Color)
	x, b := c.Min.X+h.Size*0.4, y+h.Size*0.25
	return vg.Rectangle{Min: vg.Point{X: x, Y: b}, Max: vg.Point{X: x + sty.Width(h.Label), Y: b + sty.Height(h.Label)}}
}

// mark is an X at a point with a label: where a target was killed.
type mark struct {
	X, Y  float64
	Color color.Color
	Label string
}

// marks draws marks and their labels. A label goes right of and below its
// mark (or ends at the plot's right edge), on a light box, and never on
// another label, on a mark, on a line of Avoid (the memory limit) or on
// that line's own label: it steps down, then up, a line at a time until
// clear.
type marks struct {
	Marks  []mark
	Size   vg.Length // label size; the X is 0.6× as large
	Labels bool
	Avoid  []hline
}

// Plot implements plot.Plotter.
func (m marks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var taken []vg.Rectangle
	var lines []vg.Length
	for _, h := range m.Avoid {
		if h.Y < p.Y.Min || h.Y > p.Y.Max {
			continue
		}
		y := trY(h.Y)
		lines = append(lines, y)
		if r := h.labelRect(c, y); r != (vg.Rectangle{}) {
			taken = append(taken, r)
		}
	}
	// Every mark first, each one's square taken: a label never hides
	// another target's mark (two kills a second apart).
	pts := make([]vg.Point, len(m.Marks))
	r := m.Size * 0.45
	for i, mk := range m.Marks {
		pt := vg.Point{X: trX(mk.X), Y: trY(mk.Y)}
		pts[i] = pt
		x := draw.LineStyle{Color: mk.Color, Width: vg.Points(5)}
		c.StrokeLine2(x, pt.X-r, pt.Y-r, pt.X+r, pt.Y+r)
		c.StrokeLine2(x, pt.X-r, pt.Y+r, pt.X+r, pt.Y-r)
		taken = append(taken, vg.Rectangle{Min: vg.Point{X: pt.X - r, Y: pt.Y - r}, Max: vg.Point{X: pt.X + r, Y: pt.Y + r}})
	}
	for i, mk := range m.Marks {
		if !m.Labels || mk.Label == "" {
			continue
		}
		pt := pts[i]
		sty := textStyle(m.Size, mk.Color)
		sty.YAlign = draw.YTop
		w, h := sty.Width(mk.Label), sty.Height(mk.Label)
		start := vg.Point{X: pt.X + m.Size*0.8, Y: pt.Y - m.Size*0.6}
		if start.X+w > c.Max.X {
			// Not enough room right of the mark: end at the plot's edge.
			start.X = max(c.Max.X-w-m.Size*0.3, c.Min.X)
		}
		pos := placeLabel(start, w, h, m.Size*1.3, c.Rectangle, taken, lines)
		taken = append(taken, vg.Rectangle{Min: vg.Point{X: pos.X, Y: pos.Y - h}, Max: vg.Point{X: pos.X + w, Y: pos.Y}})
		// A light box keeps the label readable over the curves.
		pad := m.Size * 0.15
		c.FillPolygon(color.NRGBA{R: 255, G: 255, B: 255, A: 210}, []vg.Point{
			{X: pos.X - pad, Y: pos.Y + pad}, {X: pos.X + w + pad, Y: pos.Y + pad},
			{X: pos.X + w + pad, Y: pos.Y - h - pad}, {X: pos.X - pad, Y: pos.Y - h - pad}})
		c.FillText(sty, pos, mk.Label)
	}
}

// placeLabel returns the top left corner for a label of width w and
// height h: start if it is clear, else the first clear position a step
// lower, then a step higher, inside area. Clear means it overlaps no
// rectangle of taken and no horizontal line at the heights in lines (with
// a margin of a fifth of a step). When nothing is clear it returns start.
func placeLabel(start vg.Point, w, h, step vg.Length, area vg.Rectangle, taken []vg.Rectangle, lines []vg.Length) vg.Point {
	margin := step / 5
	clear := func(pos vg.Point) bool {
		for _, y := range lines {
			if pos.Y+margin > y && pos.Y-h-margin < y {
				return false
			}
		}
		return !overlapsAny(taken, pos, w, h)
	}
	for _, dir := range []vg.Length{-1, 1} {
		for k := range 40 {
			pos := vg.Point{X: start.X, Y: start.Y + dir*vg.Length(k)*step}
			if pos.Y-h < area.Min.Y || pos.Y > area.Max.Y {
				break
			}
			if clear(pos) {
				return pos
			}
		}
	}
	return start
}

// maxPlotPoints bounds the points drawn per series: more than a figure
// has pixels across only costs time. Decimation keeps each bucket's
// minimum and maximum, so peaks survive.
const maxPlotPoints = 2400

// segments returns the finite stretches of (x, y) as separate point
// lists, broken at NaN, decimated to about maxPlotPoints in all. Points
// with x < xMin are dropped.
func segments(x, y []float64, xMin float64) []plotter.XYs {
	n := min(len(x), len(y))
	var segs []plotter.XYs
	var cur plotter.XYs
	flush := func() {
		if len(cur) > 0 {
			segs = append(segs, cur)
		}
		cur = nil
	}
	if n <= maxPlotPoints {
		for i := range n {
			if x[i] < xMin {
				continue
			}
			if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
				flush()
				continue
			}
			cur = append(cur, plotter.XY{X: x[i], Y: y[i]})
		}
		flush()
		return segs
	}
	lo, hi := math.Max(x[0], xMin), x[n-1]
	width := (hi - lo) / float64(maxPlotPoints/2)
	bucket, iMin, iMax := -1, -1, -1
	emit := func() {
		if iMin < 0 {
			return
		}
		a, b := iMin, iMax
		if a > b {
			a, b = b, a
		}
		cur = append(cur, plotter.XY{X: x[a], Y: y[a]})
		if b != a {
			cur = append(cur, plotter.XY{X: x[b], Y: y[b]})
		}
		iMin, iMax = -1, -1
	}
	for i := range n {
		if x[i] < xMin {
			continue
		}
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			emit()
			flush()
			continue
		}
		bk := int((x[i] - lo) / width)
		if bk != bucket {
			emit()
			bucket = bk
		}
		if iMin < 0 || y[i] < y[iMin] {
			iMin = i
		}
		if iMax < 0 || y[i] > y[iMax] {
			iMax = i
		}
	}
	emit()
	flush()
	return segs
}

// addLines adds the series as lines broken at gaps, all in one style.
func addLines(p *plot.Plot, x, y []float64, xMin float64, sty draw.LineStyle) {
	for _, seg := range segments(x, y, xMin) {
		l, err := plotter.NewLine(seg)
		if err != nil {
			continue // only non-finite points fail, and segments has none
		}
		l.LineStyle = sty
		p.Add(l)
	}
}

// blankLabels keeps the default tick positions but writes no labels:
// the upper panels of the dashboard share the bottom panel's time axis.
var blankLabels = plot.TickerFunc(func(min, max float64) []plot.Tick {
	ts := niceTicks{N: 10}.Ticks(min, max)
	for i := range ts {
		ts[i].Label = ""
	}
	return ts
})

// grid returns light grid lines.
func grid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{Y: 215}
	g.Horizontal.Color = color.Gray{Y: 215}
	g.Vertical.Width, g.Horizontal.Width = vg.Points(0.6), vg.Points(0.6)
	return g
}

// niceTicks puts about N major ticks at steps of 1, 2 or 5 × 10^k (the
// one nearest (max−min)/N on a log scale), with
// a minor tick between two majors.
type niceTicks struct{ N int }

// Ticks implements plot.Ticker.
func (n niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || n.N < 1 {
		return nil
	}
	raw := (hi - lo) / float64(n.N)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{2, 5, 10} {
		if math.Abs(math.Log(m*mag/raw)) < math.Abs(math.Log(step/raw)) {
			step = m * mag
		}
	}
	var ts []plot.Tick
	for i := math.Ceil(lo / step * 2); i <= math.Floor(hi/step*2) && len(ts) < 4*n.N+4; i++ {
		v := i * step / 2
		t := plot.Tick{Value: v}
		if math.Mod(i, 2) == 0 {
			t.Label = strconv.FormatFloat(v, 'g', 6, 64)
		}
		ts = append(ts, t)
	}
	return ts
}

var _ plot.Ticker = niceTicks{}

var (
	_ plot.Plotter = bands{}
	_ plot.Plotter = bandLabels{}
	_ plot.Plotter = hline{}
	_ plot.Plotter = marks{}
	_ plot.Plotter = note{}
)

// overlapsAny reports whether a label of width w and height h whose top
// left corner is at pos overlaps one of the rectangles.
func overlapsAny(rs []vg.Rectangle, pos vg.Point, w, h vg.Length) bool {
	for _, r := range rs {
		if pos.X < r.Max.X && pos.X+w > r.Min.X && pos.Y > r.Min.Y && pos.Y-h < r.Max.Y {
			return true
		}
	}
	return false
}
