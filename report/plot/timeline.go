package plot

import (
	"fmt"
	"image/color"
	"math"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

var (
	stageFill   = color.Gray{Y: 236}
	phaseFills  = []color.Color{color.NRGBA{R: 255, G: 170, B: 40, A: 55}, color.NRGBA{R: 150, G: 90, B: 220, A: 45}}
	phaseLabels = []color.Color{rgb(0x9a, 0x5b, 0x00), rgb(0x5e, 0x2c, 0x9c)}
	limitColor  = rgb(0x33, 0x33, 0x33)
)

// timelineSpans returns the rate stages (alternate ones shaded, all
// labelled "10 rps") and the downstream phases (shaded in alternating
// hues, labelled by name on the second row).
func timelineSpans(res *results.Results) (stages, phases []span) {
	for i, s := range res.Stages {
		sp := span{Start: s.StartSeconds, End: s.EndSeconds, Label: format.Rate(s.RatePerSecond) + " rps"}
		if i%2 == 1 {
			sp.Fill = stageFill
		}
		stages = append(stages, sp)
	}
	for i, ph := range res.Phases {
		name := ph.Name
		if name == "" {
			name = fmt.Sprintf("phase %d", i+1)
		}
		phases = append(phases, span{Start: ph.StartSeconds, End: ph.EndSeconds, Fill: phaseFills[i%len(phaseFills)],
			Label: name, LabelColor: phaseLabels[i%len(phaseLabels)], Row: 1})
	}
	return stages, phases
}

// timeEnd is the right end of the time axis: the last stage, phase or
// sample of any run, whichever is latest.
func timeEnd(runs []*saved.Run) float64 {
	end := 1.0
	for _, r := range runs {
		for _, s := range r.Results.Stages {
			end = math.Max(end, s.EndSeconds)
		}
		for _, s := range r.Series {
			if n := len(s.T); n > 0 {
				end = math.Max(end, s.T[n-1])
			}
			if n := len(s.LoadT); n > 0 {
				end = math.Max(end, s.LoadT[n-1])
			}
		}
	}
	return end
}

// limitMiB returns the memory limit in MiB (0 when there is none) and the
// line's label: "limit 256 MiB (cgroup-v1)".
func limitMiB(runs []*saved.Run) (float64, string) {
	for _, r := range runs {
		if b := r.Results.MemoryLimitBytes; b > 0 {
			return float64(b) / format.BytesPerMiB, "limit " + format.Limit(b, r.Results.LimitMode)
		}
	}
	return 0, ""
}

func limitLine(limit float64, label string, size vg.Length) hline {
	return hline{Y: limit, Label: label, Size: size,
		Line: draw.LineStyle{Color: limitColor, Width: vg.Points(2.5), Dashes: []vg.Length{vg.Points(12), vg.Points(6)}}}
}

// killMarks returns an X for every target that was OOM-killed or stalled
// at the limit, at its RSS when it happened.
func killMarks(runs []*saved.Run, styles [][]traceStyle) []mark {
	var out []mark
	for i, r := range runs {
		for j, t := range r.Results.Targets {
			if t.OOMAtSeconds == nil {
				continue
			}
			at := *t.OOMAtSeconds
			what := "OOM-killed"
			switch t.Outcome {
			case results.OutcomeLimitStall:
				what = "stalled at the limit"
			case results.OutcomeHeapLimit:
				what = "at its heap limit"
			case results.OutcomeCrashed:
				what = "crashed"
			}
			label := fmt.Sprintf("%s %s at %.1f s", styles[i][j].Label, what, at)
			if t.Restarts > 0 {
				label += fmt.Sprintf(", %d× in all", len(t.Events))
			}
			out = append(out, mark{X: at, Y: rssAt(r.Series[j], at, float64(t.RSSPeakBytes)/format.BytesPerMiB),
				Color: styles[i][j].Color, Label: label})
			// Every later death of a restarted target gets its X too.
			for _, ev := range t.Events[min(1, len(t.Events)):] {
				out = append(out, mark{X: ev.AtSeconds, Y: rssAt(r.Series[j], ev.AtSeconds, float64(t.RSSPeakBytes)/format.BytesPerMiB),
					Color: styles[i][j].Color})
			}
		}
	}
	return out
}

// rssAt returns the last RSS sample at or before t, or def when there is
// none.
func rssAt(s *saved.Series, t, def float64) float64 {
	v := math.NaN()
	for i, x := range s.T {
		if x > t {
			break
		}
		if !math.IsNaN(s.RSSMiB[i]) {
			v = s.RSSMiB[i]
		}
	}
	if math.IsNaN(v) {
		return def
	}
	return v
}
