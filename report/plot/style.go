package plot

import (
	"image/color"

	"gonum.org/v1/plot/vg"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
)

// traceStyle is how one target of one run is drawn, the same in every
// plot and panel.
type traceStyle struct {
	Label  string // "upload-naive", or "A:upload-naive" when comparing
	Color  color.Color
	Dashes []vg.Length // nil (solid) for the first run, dashed for the second
}

var (
	naivePalette = []color.Color{rgb(0xd6, 0x27, 0x28), rgb(0xff, 0x7f, 0x0e), rgb(0x8c, 0x1c, 0x13), rgb(0xe3, 0x77, 0xc2)}
	awarePalette = []color.Color{rgb(0x1f, 0x77, 0xb4), rgb(0x2c, 0xa0, 0x2c), rgb(0x17, 0xbe, 0xcf), rgb(0x94, 0x67, 0xbd)}
	// plainPalette is used when targets carry no role: by order of first
	// appearance.
	plainPalette = []color.Color{rgb(0x1f, 0x77, 0xb4), rgb(0xd6, 0x27, 0x28), rgb(0x2c, 0xa0, 0x2c),
		rgb(0xff, 0x7f, 0x0e), rgb(0x94, 0x67, 0xbd), rgb(0x8c, 0x56, 0x4b), rgb(0x17, 0xbe, 0xcf), rgb(0x7f, 0x7f, 0x7f)}

	runDashes = [][]vg.Length{nil, {vg.Points(10), vg.Points(5)}, {vg.Points(3), vg.Points(3)}}
)

func rgb(r, g, b uint8) color.Color { return color.NRGBA{R: r, G: g, B: b, A: 255} }

// withAlpha returns c with its alpha replaced.
func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

// traceStyles assigns a style to every target of every run, indexed
// [run][target]. A target name keeps its colour across runs; the runs
// differ by dash pattern. Roles pick warm colours for naive targets and
// cool ones for aware targets when every target has a role.
func traceStyles(runs []*saved.Run) [][]traceStyle {
	type key struct{ name, role string }
	var order []key
	seen := map[string]bool{}
	allRoles := true
	for _, r := range runs {
		for _, t := range r.Results.Targets {
			if seen[t.Name] {
				continue
			}
			seen[t.Name] = true
			order = append(order, key{t.Name, t.Role})
			if t.Role != "naive" && t.Role != "aware" {
				allRoles = false
			}
		}
	}
	colors := map[string]color.Color{}
	var nNaive, nAware int
	for i, k := range order {
		switch {
		case !allRoles:
			colors[k.name] = plainPalette[i%len(plainPalette)]
		case k.role == "naive":
			colors[k.name] = naivePalette[nNaive%len(naivePalette)]
			nNaive++
		default:
			colors[k.name] = awarePalette[nAware%len(awarePalette)]
			nAware++
		}
	}
	out := make([][]traceStyle, len(runs))
	for i, r := range runs {
		for _, t := range r.Results.Targets {
			st := traceStyle{Label: t.Name, Color: colors[t.Name], Dashes: runDashes[i%len(runDashes)]}
			if len(runs) > 1 {
				st.Label = format.RunLabel(i) + ":" + t.Name
			}
			out[i] = append(out[i], st)
		}
	}
	return out
}
