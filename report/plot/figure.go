package plot

import (
	"bytes"
	"fmt"
	"image/color"

	"github.com/oomlab/oomlab/runner/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// legendItem is one entry of a figure's legend: a short line sample (and
// glyph) followed by its label.
type legendItem struct {
	Label string
	Line  draw.LineStyle
	Glyph *draw.GlyphStyle
}

// Figure is a title, legend rows and one or more plots stacked on one
// time axis. Building the plots and drawing them are separate steps so
// tests can inspect the plots before anything is rendered.
type Figure struct {
	Title         string
	Legend        [][]legendItem
	Plots         []*plot.Plot
	Width, Height vg.Length
	Fonts         fonts
}

// Draw draws the figure on c.
func (f *Figure) Draw(c draw.Canvas) {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	pad := f.Fonts.Title * 0.4
	top := c.Max.Y - pad
	if f.Title != "" {
		sty := textStyle(f.Fonts.Title, color.Black)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: top}, f.Title)
		top -= sty.Height(f.Title) + pad
	}
	for _, row := range f.Legend {
		top = f.drawLegendRow(c, row, top)
	}
	area := draw.Crop(c, 0, 0, 0, top-c.Max.Y-pad)
	tiles := draw.Tiles{Rows: len(f.Plots), Cols: 1, PadY: f.Fonts.Tick * 0.8,
		PadLeft: pad, PadRight: f.Fonts.Tick * 1.5, PadBottom: pad}
	rows := make([][]*plot.Plot, len(f.Plots))
	for i, p := range f.Plots {
		rows[i] = []*plot.Plot{p}
	}
	canvases := plot.Align(rows, tiles, area)
	for i, p := range f.Plots {
		p.Draw(canvases[i][0])
	}
}

// drawLegendRow draws items left to right, wrapping to a new line when
// the width runs out, and returns the y below the last line.
func (f *Figure) drawLegendRow(c draw.Canvas, items []legendItem, top vg.Length) vg.Length {
	size := f.Fonts.Legend
	sty := textStyle(size, color.Black)
	sty.YAlign = draw.YCenter
	sample, gap := size*2.2, size*1.2
	lineH := size * 1.5
	x, y := c.Min.X+size, top-lineH/2
	for _, it := range items {
		w := sample + size*0.4 + sty.Width(it.Label)
		if x+w > c.Max.X && x > c.Min.X+size {
			x, y = c.Min.X+size, y-lineH
		}
		c.StrokeLine2(it.Line, x, y, x+sample, y)
		if it.Glyph != nil {
			c.DrawGlyphNoClip(*it.Glyph, vg.Point{X: x + sample/2, Y: y})
		}
		c.FillText(sty, vg.Point{X: x + sample + size*0.4, Y: y}, it.Label)
		x += w + gap
	}
	return y - lineH/2
}

// PNG renders the figure at 96 dots per inch.
func (f *Figure) PNG() ([]byte, error) {
	img := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))
	f.Draw(draw.New(img))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: encoding png: %w", err)
	}
	return buf.Bytes(), nil
}

// SVG renders the figure as an SVG document (fonts named, not embedded).
func (f *Figure) SVG() ([]byte, error) {
	svg := vgsvg.New(f.Width, f.Height)
	f.Draw(draw.New(xmlCanvas{svg}))
	var buf bytes.Buffer
	if _, err := svg.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: encoding svg: %w", err)
	}
	return buf.Bytes(), nil
}

// Write renders the figure to base.png and base.svg in out and returns
// the paths and the SVG (for inlining in HTML).
func (f *Figure) Write(out *results.OutDir, base string) (paths []string, svg []byte, err error) {
	png, err := f.PNG()
	if err != nil {
		return nil, nil, err
	}
	svg, err = f.SVG()
	if err != nil {
		return nil, nil, err
	}
	for _, o := range []struct {
		ext string
		b   []byte
	}{{".png", png}, {".svg", svg}} {
		if err := out.WriteFile(base+o.ext, o.b); err != nil {
			return paths, nil, fmt.Errorf("report: %w", err)
		}
		paths = append(paths, out.Join(base+o.ext))
	}
	return paths, svg, nil
}

// writeDir is write into the directory at dir, made when missing.
func (f *Figure) writeDir(dir, base string) ([]string, []byte, error) {
	out, err := results.CreateOutDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("report: %w", err)
	}
	defer out.Close()
	return f.Write(out, base)
}
