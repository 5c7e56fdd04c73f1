package plot

import (
	"errors"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
)

var memoryFonts = fonts{Title: 30, Axis: 24, Tick: 21, Label: 20, Legend: 22}

// WriteMemoryPlot writes memory.png and memory.svg to dir: the RSS of every
// target against time since its load started, with the rate stages and
// downstream phases shaded, the memory limit dashed and an X where a
// target was OOM-killed or stalled at the limit. It returns the paths
// written.
func WriteMemoryPlot(run *saved.Run, dir string) (paths []string, err error) {
	if run == nil {
		return nil, errors.New("report: no run")
	}
	paths, _, err = MemoryFigure([]*saved.Run{run}).writeDir(dir, "memory")
	return paths, err
}

// MemoryFigure builds the memory plot of one run, or of two overlaid
// (targets "A:…" solid and "B:…" dashed).
func MemoryFigure(runs []*saved.Run) *Figure {
	f := memoryFonts
	styles := traceStyles(runs)
	p := newPlot(f, "RSS (MiB)")
	p.X.Label.Text = "time since load start (s)"
	stages, phases := timelineSpans(runs[0].Results)
	p.Add(bands{Spans: stages}, bands{Spans: phases}, grid())

	limit, limitLabel := limitMiB(runs)
	top := limit
	var legend []legendItem
	for i, r := range runs {
		for j, s := range r.Series {
			st := styles[i][j]
			line := draw.LineStyle{Color: st.Color, Width: vg.Points(4), Dashes: st.Dashes}
			addLines(p, s.T, s.RSSMiB, 0, line)
			legend = append(legend, legendItem{Label: st.Label, Line: line})
			if m := saved.FiniteMax(s.RSSMiB); m > top {
				top = m
			}
		}
	}
	var avoid []hline
	if limit > 0 {
		avoid = append(avoid, limitLine(limit, limitLabel, f.Label))
		p.Add(avoid[0])
	}
	p.Add(marks{Marks: killMarks(runs, styles), Size: f.Label, Labels: true, Avoid: avoid})
	p.Add(bandLabels{Spans: append(stages, phases...), Size: f.Label})

	if top <= 0 || math.IsNaN(top) {
		top = 1
	}
	// Head room above the limit for the stage and phase labels.
	p.Y.Min, p.Y.Max = 0, top*1.3
	p.X.Min, p.X.Max = 0, timeEnd(runs)

	names := make([]string, len(runs))
	for i, r := range runs {
		names[i] = r.Results.Scenario
	}
	return &Figure{Title: format.Versus(names), Legend: [][]legendItem{legend}, Plots: []*plot.Plot{p},
		Width: 16 * vg.Inch, Height: 9 * vg.Inch, Fonts: f}
}
