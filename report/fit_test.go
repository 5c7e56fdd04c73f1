package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
)

// unwrapped joins the lines writeWrapped broke, for tests that look for a
// sentence in the terminal summary: a newline and its hanging indent
// become one space again.
func unwrapped(s string) string {
	return regexp.MustCompile(`\n {2,4}(- |→ )?`).ReplaceAllStringFunc(s, hangingJoin)
}

// hangingJoin keeps the mark of a new item ("- ", "→ ") on a line of its
// own and joins a hanging line to the one before.
func hangingJoin(m string) string {
	if strings.HasSuffix(m, "- ") || strings.HasSuffix(m, "→ ") {
		return m
	}
	return " "
}

func TestWriteWrapped(t *testing.T) {
	for _, tc := range []struct {
		name, first, hanging, text string
		width                      int
		want                       string
	}{
		{"fits", "  - ", "    ", "short line", 20, "  - short line\n"},
		{"breaks between words", "  - ", "    ", "one two three four five", 14, "  - one two\n    three four\n    five\n"},
		{"exactly at the width", "", "  ", "abcd efgh", 9, "abcd efgh\n"},
		{"one past the width", "", "  ", "abcd efghi", 9, "abcd\n  efghi\n"},
		{"a long word keeps its own line", "x: ", "  ", "a http://example.com/a/very/long/path b", 12, "x: a\n  http://example.com/a/very/long/path\n  b\n"},
		{"a long first word stays after the prefix", "x: ", "  ", "http://example.com/long", 10, "x: http://example.com/long\n"},
		{"a check mark stays with its word", "  ", "    ", "not measured (the target never ran) ✗", 37, "  not measured (the target never\n    ran) ✗\n"},
		{"and with its punctuation", "", "  ", "never ran) ✗; expected", 11, "never\n  ran) ✗;\n  expected\n"},
		{"a code span stays whole", "", "  ", "run `go tool pprof http://x/heap` under load", 20, "run\n  `go tool pprof http://x/heap`\n  under load\n"},
		{"an unclosed backtick glues to the end", "", "", "a `b c d", 3, "a\n`b c d\n"},
		{"runes, not bytes", "", "", "→ ✓ ✗ —", 7, "→ ✓ ✗ —\n"},
		{"spaces collapse", "", "", "a   b\tc", 80, "a b c\n"},
		{"empty text", "note: ", "  ", "", 80, "note: \n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			writeWrapped(&b, tc.width, tc.first, tc.hanging, tc.text)
			if b.String() != tc.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tc.want)
			}
		})
	}
}

func TestWriteFitTable(t *testing.T) {
	heads := []string{"NAME", "A", "BB", "CCC"}
	rows := [][]string{{"first", "1", "22", "333"}, {"second-row", "-", "—", ""}}
	for _, tc := range []struct {
		name   string
		width  int
		indent string
		want   string
	}{
		{"fits in one block", 80, "", "NAME        A  BB  CCC\nfirst       1  22  333\nsecond-row  -  —\n"},
		{"wraps by column, the name repeated", 18, "", "NAME        A  BB\nfirst       1  22\nsecond-row  -  —\n\nNAME        CCC\nfirst       333\nsecond-row\n"},
		{"the indent counts", 20, "  ", "  NAME        A  BB\n  first       1  22\n  second-row  -  —\n\n  NAME        CCC\n  first       333\n  second-row\n"},
		{"one column per block at the least", 5, "", "NAME        A\nfirst       1\nsecond-row  -\n\nNAME        BB\nfirst       22\nsecond-row  —\n\nNAME        CCC\nfirst       333\nsecond-row\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			writeFitTable(&b, tc.width, tc.indent, heads, rows)
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
		})
	}
}

// TestTerminalFits80 checks the end-of-run summary of every saved run the
// tests know at 80 columns: no line is wider, but for a line that is one
// word (a URL or a command too long to break).
func TestTerminalFits80(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T) *saved.Run
	}{
		{"upload", func(t *testing.T) *saved.Run { return savedtest.Upload(t) }},
		{"failing", func(t *testing.T) *saved.Run { return savedtest.FailingUpload(t) }},
		{"no expectations", func(t *testing.T) *saved.Run { return savedtest.WithoutExpectations(t) }},
		{"stopped early", func(*testing.T) *saved.Run { return savedtest.UploadProxyFast() }},
		{"kinds", func(*testing.T) *saved.Run { return savedtest.UploadMix().Run() }},
		{"never ran", neverRan},
		{"long run", func(*testing.T) *saved.Run { return savedtest.LongRun().Run() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := tc.run(t)
			vs := judge.Judge(run)
			var b bytes.Buffer
			Terminal(&b, run, vs, judge.GateOf(vs))
			for i, line := range strings.Split(b.String(), "\n") {
				if textWidth(line) > TermColumns && len(strings.Fields(line)) > 1 {
					t.Errorf("line %d is %d columns wide (> %d): %q", i+1, textWidth(line), TermColumns, line)
				}
				if strings.HasSuffix(line, " ") && strings.TrimSpace(line) != "" {
					t.Errorf("line %d ends in a space: %q", i+1, line)
				}
			}
		})
	}
}
