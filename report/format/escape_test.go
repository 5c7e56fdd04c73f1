package format

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMdEscape(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{in: "upload-naive", want: "upload-naive"},
		{in: "a|b", want: `a\|b`},
		{in: "# heading", want: `\# heading`},
		{in: "- item", want: `\- item`},
		{in: "1. item", want: `1\. item`},
		{in: "line\n## injected", want: `line\\x0a\#\# injected`},
		{in: "<script>alert(1)</script>", want: `\<script\>alert(1)\</script\>`},
		{in: "![x](http://evil/)", want: `\!\[x\](http://evil/)`},
		{in: "\x1b[31mred\x07", want: `\\x1b\[31mred\\x07`},
		{in: "crashed: `panic: a|b <b>`", want: "crashed: `` panic: a\\|b <b> ``"},
		{in: "odd ` tick", want: "odd \\` tick"},
		{in: "rtl \u202eevil", want: `rtl \\u202eevil`},
		{in: "bad \xff utf8", want: `bad \\xff utf8`},
	}
	for _, tt := range tests {
		if got := MarkdownText(tt.in); got != tt.want {
			t.Errorf("MarkdownText(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestTargetText(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{in: "", want: ""},
		{in: "  panic: boom\n", want: "`panic: boom`"},
		{in: "a\nb`c\x1b", want: "`a\\x0ab'c\\x1b`"},
		{in: strings.Repeat("é", 300), want: "`" + strings.Repeat("é", 100) + "…`"},
	}
	for _, tt := range tests {
		if got := TargetText(tt.in); got != tt.want {
			t.Errorf("targetText(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestTermWriter(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{in: "TARGET\tOUTCOME\t\nnaive\toom-killed\t\n", want: "TARGET\tOUTCOME\t\nnaive\toom-killed\t\n"},
		{in: "\x1b]0;pwned\x07title\r\n", want: `\x1b]0;pwned\x07title\x0d` + "\n"},
		{in: "\u009b31m csi", want: `\x9b31m csi`},
		{in: "bidi \u2066x\u2069", want: `bidi \u2066x\u2069`},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		n, err := TermWriter{W: &b}.Write([]byte(tt.in))
		if err != nil || n != len(tt.in) || b.String() != tt.want {
			t.Errorf("TermWriter.Write(%q) = %d, %v, wrote %q; want %q", tt.in, n, err, b.String(), tt.want)
		}
	}
}

func TestXMLTextIsValidXML(t *testing.T) {
	for _, s := range []string{"\x1b[31m", "bell\x07", "nul\x00", "\xff\xfe", "ok <&>"} {
		doc := "<t>" + xmlEscapeForTest(XMLText(s)) + "</t>"
		if err := xml.NewDecoder(strings.NewReader(doc)).Decode(new(struct{})); err != nil {
			t.Errorf("xmlText(%q) = %q: invalid XML: %v", s, XMLText(s), err)
		}
	}
}

func xmlEscapeForTest(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// FuzzMdEscape: whatever the input, the output is one line with no
// control character, and outside code spans every character Markdown or
// HTML gives meaning to is escaped.
func FuzzMdEscape(f *testing.F) {
	for _, s := range []string{"a|b", "# x", "`code|x`", "<img src=x onerror=alert(1)>", "\x1b[2J", "1) x", "``", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MarkdownText(s)
		if !utf8.ValidString(out) {
			t.Fatalf("MarkdownText(%q) = %q: invalid UTF-8", s, out)
		}
		for _, r := range out {
			if IsControl(r) || r == '\t' {
				t.Fatalf("MarkdownText(%q) = %q: holds %U", s, out, r)
			}
		}
		if strings.Contains(s, "`") {
			return
		}
		for i := 0; i < len(out); i++ {
			if strings.IndexByte("<>|#[]*_!&", out[i]) >= 0 && !escaped(out, i) {
				t.Fatalf("MarkdownText(%q) = %q: %q at %d not escaped", s, out, out[i], i)
			}
		}
	})
}

// escaped reports whether out[i] follows an odd number of backslashes.
func escaped(out string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && out[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// FuzzTermText: the terminal gets no control character but newline and
// tab, as many lines as were written, and valid UTF-8.
func FuzzTermText(f *testing.F) {
	for _, s := range []string{"a\tb\n", "\x1b[31m", "\r", "\u009b", "\u202e", "\xff\n\xc2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		io.WriteString(TermWriter{W: &b}, s)
		out := b.String()
		if !utf8.ValidString(out) {
			t.Fatalf("termText(%q) = %q: invalid UTF-8", s, out)
		}
		for _, r := range out {
			if IsControl(r) && r != '\n' && r != '\t' {
				t.Fatalf("termText(%q) = %q: holds %U", s, out, r)
			}
		}
		if strings.Count(out, "\n") != strings.Count(s, "\n") {
			t.Fatalf("termText(%q) = %q: line count changed", s, out)
		}
	})
}
