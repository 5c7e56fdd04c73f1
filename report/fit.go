package report

import (
	"io"
	"strings"
	"unicode/utf8"
)

// TermColumns is the width the terminal summary is laid out for: a
// workshop's projector or a CI log at 80 columns shows every line whole.
const TermColumns = 80

// columnGap is the space between two columns of a terminal table.
const columnGap = 2

// textWidth is the columns s takes in a terminal: one per rune (the
// summary's symbols — → ✓ ✗ — ± – — are one column wide each).
func textWidth(s string) int { return utf8.RuneCountInString(s) }

// writeFitTable writes a table of heads and rows, each line prefixed by
// indent, within width columns. A table wider than that is wrapped by
// column, as R prints a wide data frame: the columns that fit come first,
// then the next block of columns under a blank line, each block repeating
// the first column (the row's name) so a row can be followed across
// blocks. A column is never split; a first column plus one other that are
// wider than width alone still make a (wide) block. Lines carry no
// trailing spaces. Errors are w's, ignored as fmt.Fprint's are.
func writeFitTable(w io.Writer, width int, indent string, heads []string, rows [][]string) {
	widths := make([]int, len(heads))
	for i, h := range heads {
		widths[i] = textWidth(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], textWidth(c))
			}
		}
	}
	for bi, block := range columnBlocks(widths, width-textWidth(indent)) {
		if bi > 0 {
			io.WriteString(w, "\n")
		}
		writeBlock(w, indent, widths, block, heads)
		for _, r := range rows {
			writeBlock(w, indent, widths, block, r)
		}
	}
}

// columnBlocks splits the columns after the first into blocks that fit
// width beside the first column: the indexes of each block's columns, the
// first column (0) leading every block. At least one column is placed per
// block, so the split always ends.
func columnBlocks(widths []int, width int) [][]int {
	if len(widths) == 0 {
		return nil
	}
	var blocks [][]int
	block, used := []int{0}, widths[0]
	for i := 1; i < len(widths); i++ {
		if len(block) > 1 && used+columnGap+widths[i] > width {
			blocks = append(blocks, block)
			block, used = []int{0}, widths[0]
		}
		block = append(block, i)
		used += columnGap + widths[i]
	}
	return append(blocks, block)
}

// writeBlock writes one line of a block: cells padded to their column's
// width, the last one not padded.
func writeBlock(w io.Writer, indent string, widths, block []int, cells []string) {
	var b strings.Builder
	b.WriteString(indent)
	for n, i := range block {
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		b.WriteString(cell)
		if n < len(block)-1 {
			b.WriteString(strings.Repeat(" ", widths[i]-textWidth(cell)+columnGap))
		}
	}
	io.WriteString(w, strings.TrimRight(b.String(), " ")+"\n")
}

// writeWrapped writes text as lines of at most width columns, breaking
// between words: the first line starts with first, the others with
// hanging (spaces, usually, so a wrapped item reads as one). A word longer
// than a line (a URL, a command) keeps a line of its own rather than being
// cut. Runs of spaces inside text become one; a check's mark (✓ ✗) stays
// on the line of the word before it, a `code span` on one line.
func writeWrapped(w io.Writer, width int, first, hanging, text string) {
	var b strings.Builder
	b.WriteString(first)
	col, lineStart := textWidth(first), true
	for _, word := range wrapWords(text) {
		ww := textWidth(word)
		if !lineStart && col+1+ww > width {
			b.WriteString("\n" + hanging)
			col, lineStart = textWidth(hanging), true
		}
		if !lineStart {
			b.WriteString(" ")
			col++
		}
		b.WriteString(word)
		col += ww
		lineStart = false
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}

// wrapWords are text's words as writeWrapped places them: a check mark
// joined to the word before, so "ran) ✗" never leaves the ✗ alone on a
// line (nor "✗;"), and a command between backticks kept whole, so it can
// be read (and copied) from one line.
func wrapWords(text string) []string {
	var words []string
	inCode := false
	for _, f := range strings.Fields(text) {
		glue := inCode || strings.HasPrefix(f, "✓") || strings.HasPrefix(f, "✗")
		if strings.Count(f, "`")%2 == 1 {
			inCode = !inCode
		}
		if glue && len(words) > 0 {
			words[len(words)-1] += " " + f
			continue
		}
		words = append(words, f)
	}
	return words
}
