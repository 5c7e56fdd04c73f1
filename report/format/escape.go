package format

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Escaping, one function per output kind, applied where text leaves the
// report: every string that came from a file (results.json, the CSVs) or
// from a target (its stderr, its errors) may hold anything.
//
//   - Markdown (summary.md, catalog.md; GitHub renders it): MarkdownText.
//   - Terminal (the summary printed after a run): TermWriter.
//   - SVG/XML (the figures): report/plot's xmlCanvas, through XMLText.
//   - HTML (report.html): html/template's contextual escaping of every
//     field; the inline SVG is xmlCanvas's output (report's inlineSVG).
//
// Text a target wrote is first made one bounded line and quoted as code by
// TargetText, so each output kind shows it as code: Markdown as a code
// span, the terminal and HTML between backticks.

// maxTargetText bounds the target text quoted in one line, in bytes.
const maxTargetText = 200

// TargetText quotes text that came from a target (a stderr line, an error)
// as code: one line, control characters shown as \xNN, at most
// maxTargetText bytes, between backticks (a backtick inside becomes ');
// "" stays "".
func TargetText(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if len(s) > maxTargetText {
		cut := maxTargetText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return "`" + strings.ReplaceAll(visible(s, true), "`", "'") + "`"
}

// visible shows control characters (C0 but tab, DEL, C1), bidirectional
// overrides and invalid UTF-8 as Go escapes (\x1b, \u202e); newlines too
// unless escapeNewline is false. Everything else passes unchanged.
func visible(s string, escapeNewline bool) string {
	if !needsEscape(s, escapeNewline) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && !escapeNewline:
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case IsControl(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(s string, escapeNewline bool) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\t' || IsControl(r) && (r != '\n' || escapeNewline) {
			return true
		}
		i += n
	}
	return false
}

// IsControl reports C0 and C1 control characters, DEL, and the Unicode
// formatting characters that reorder or hide text on a terminal or page
// (bidirectional embeddings, overrides and isolates; zero-width marks).
func IsControl(r rune) bool {
	return r < 0x20 || r >= 0x7f && r < 0xa0 ||
		r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0xfeff
}

// MarkdownText makes s inline Markdown text that renders as itself in a table
// cell, a list item, a heading or a quote: on one line, with Markdown and
// HTML syntax backslash-escaped, so no heading, list, link, image, tag or
// table cell can start inside it. A span between backticks (TargetText)
// becomes a code span.
func MarkdownText(s string) string {
	s = visible(s, true)
	var b strings.Builder
	ticks := strings.Count(s, "`")
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 && i < ticks {
			b.WriteString(mdCode(part))
			continue
		}
		if i%2 == 1 {
			b.WriteString("\\`")
		}
		mdPlain(&b, part, i == 0)
	}
	return b.String()
}

// mdCode writes s as a code span: nothing inside is Markdown, and a pipe
// is escaped so it does not end a table cell (GFM).
func mdCode(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	if s == "" {
		return "` `"
	}
	return "`` " + s + " ``"
}

// mdPlain writes s backslash-escaping every character Markdown or HTML
// gives meaning to; at the start of the text also the ones that begin a
// block (- + = and "1." or "1)").
func mdPlain(b *strings.Builder, s string, atStart bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("\\`*_[]<>#|!~&", c) >= 0:
			b.WriteByte('\\')
		case atStart && i == 0 && strings.IndexByte("-+=", c) >= 0:
			b.WriteByte('\\')
		case atStart && (c == '.' || c == ')') && i > 0 && allDigits(s[:i]):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// TermWriter passes text to a terminal with every control character but
// newline (and tab, which tabwriter aligns with) shown as an escape: no
// colour, cursor movement, title change, bell or hidden text reaches it
// from a name, a symptom or a target's stderr. Errors are w's.
type TermWriter struct {
	// W receives the escaped text.
	W io.Writer
}

// Write implements io.Writer.
func (t TermWriter) Write(p []byte) (int, error) {
	s := string(p)
	if !needsTermEscape(s) {
		return t.W.Write(p)
	}
	if _, err := io.WriteString(t.W, termText(s)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// TermText is the terminal's escaping of s, for text printed outside
// Terminal (cmd/oomlab's error messages): control characters but newline
// and tab shown as escapes, as TermWriter does.
func TermText(s string) string { return termText(s) }

// termText is the terminal's escaping of s (see TermWriter).
func termText(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		body, nl := strings.CutSuffix(line, "\n")
		for _, cell := range strings.SplitAfter(body, "\t") {
			c, tab := strings.CutSuffix(cell, "\t")
			b.WriteString(visible(c, true))
			if tab {
				b.WriteByte('\t')
			}
		}
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func needsTermEscape(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || IsControl(r) && r != '\n' && r != '\t' {
			return true
		}
	}
	return false
}

// XMLText makes s fit for an XML 1.0 text node, which may not hold control
// characters even as references: they are shown as escapes (visible).
// The markup characters themselves are escaped by vgsvg.
func XMLText(s string) string { return visible(s, true) }
