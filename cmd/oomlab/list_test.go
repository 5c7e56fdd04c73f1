package main

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oomlab/oomlab/scenarios"
)

// TestListFits80 prints `oomlab list` (one after another and --parallel)
// and checks each line fits 80 columns without trailing spaces, each
// builtin starts a row, and its setting is there whole once the wrapped
// lines are joined.
func TestListFits80(t *testing.T) {
	for _, parallel := range []bool{false, true} {
		var b bytes.Buffer
		if err := listScenarios(&b, listFlags{parallel: parallel}); err != nil {
			t.Fatal(err)
		}
		text := b.String()
		checkFits(t, text, listColumns)
		joined := strings.Join(strings.Fields(text), " ")
		for _, in := range scenarios.Builtins() {
			if !strings.Contains(text, "\n"+in.Name+" ") {
				t.Errorf("parallel=%v: no row starts with %s:\n%s", parallel, in.Name, text)
			}
			if s := setting(in.Description); s == "" || !strings.Contains(joined, s) {
				t.Errorf("parallel=%v: %s's setting %q is missing:\n%s", parallel, in.Name, s, text)
			}
		}
	}
}

// checkFits fails for a line of text wider than width runes or ending in
// a space.
func checkFits(t *testing.T, text string, width int) {
	t.Helper()
	for i, line := range strings.Split(text, "\n") {
		if n := utf8.RuneCountInString(line); n > width {
			t.Errorf("line %d is %d columns (> %d): %q", i+1, n, width, line)
		}
		if strings.HasSuffix(line, " ") {
			t.Errorf("line %d ends in a space: %q", i+1, line)
		}
	}
}

func TestWriteListTable(t *testing.T) {
	heads := []string{"NAME", "N", "TEXT"}
	rows := [][]string{{"a", "1", "one two three four five six seven eight"}, {"bbbbbb", "22", "nine"}, {"c", "3", ""}}
	for _, tc := range []struct {
		name  string
		width int
		want  string
	}{
		{"fits", 80, "NAME    N   TEXT\na       1   one two three four five six seven eight\nbbbbbb  22  nine\nc       3\n"},
		{"the last column wraps under itself", 36, "NAME    N   TEXT\na       1   one two three four five\n            six seven eight\nbbbbbb  22  nine\nc       3\n"},
		{"at least 24 columns for the last", 20, "NAME    N   TEXT\na       1   one two three four five\n            six seven eight\nbbbbbb  22  nine\nc       3\n"},
		{"28 columns left", 40, "NAME    N   TEXT\na       1   one two three four five six\n            seven eight\nbbbbbb  22  nine\nc       3\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeListTable(&b, tc.width, heads, rows); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
		})
	}
}

func TestWrapWords(t *testing.T) {
	for _, tc := range []struct {
		text  string
		width int
		want  []string
	}{
		{"one two three", 7, []string{"one two", "three"}},
		{"one two three", 80, []string{"one two three"}},
		{"a verylongword b", 5, []string{"a", "verylongword", "b"}},
		{"", 10, []string{""}},
	} {
		got := wrapWords(tc.text, tc.width)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrapWords(%q, %d) = %q; want %q", tc.text, tc.width, got, tc.want)
		}
	}
}
