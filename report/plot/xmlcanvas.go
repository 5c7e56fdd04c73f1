package plot

import (
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"

	"github.com/oomlab/oomlab/report/format"
)

// xmlCanvas is the SVG canvas with every string drawn made fit for XML by
// format.XMLText: a name holding ESC or BEL must not make the figure
// invalid.
type xmlCanvas struct{ vg.CanvasSizer }

// FillString implements vg.Canvas.
func (c xmlCanvas) FillString(f font.Face, pt vg.Point, text string) {
	c.CanvasSizer.FillString(f, pt, format.XMLText(text))
}
