package proc

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"::1", true},
		{"[::1]", true},
		{"localhost", true},
		{"LOCALHOST", true},
		{"127.0.0.1:8080", true},
		{"[::1]:8080", true},
		{"0.0.0.0", false},
		{"10.0.0.1", false},
		{"128.0.0.1", false},
		{"::", false},
		{"example.com", false},
		{"localhost.example.com", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			err := CheckLoopback(tt.host)
			if tt.ok && err != nil || !tt.ok && !errors.Is(err, ErrNotLoopback) {
				t.Errorf("CheckLoopback(%q) = %v; want ok=%v", tt.host, err, tt.ok)
			}
		})
	}
}

func TestReadLines(t *testing.T) {
	long := strings.Repeat("a", MaxLineBytes+10)
	tests := []struct {
		name  string
		in    string
		lines []string
	}{
		{name: "empty", in: "", lines: nil},
		{name: "no final newline", in: "a\nb", lines: []string{"a", "b"}},
		{name: "crlf", in: "a\r\nb\r\n", lines: []string{"a", "b"}},
		{name: "empty lines", in: "\n\nx\n", lines: []string{"", "", "x"}},
		{name: "long line cut", in: long + "\nnext\n", lines: []string{long[:MaxLineBytes], "next"}},
		{name: "long last line", in: long, lines: []string{long[:MaxLineBytes]}},
		{name: "exactly max", in: long[:MaxLineBytes-1] + "\n", lines: []string{long[:MaxLineBytes-1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var tl tail
			readLines(strings.NewReader(tt.in), &tl, func(s string) { got = append(got, s) })
			if fmt.Sprint(lens(got)) != fmt.Sprint(lens(tt.lines)) || strings.Join(got, "|") != strings.Join(tt.lines, "|") {
				t.Errorf("readLines(%s) = lines of length %v; want %v", tt.name, lens(got), lens(tt.lines))
			}
		})
	}
}

func lens(ss []string) []int {
	n := make([]int, len(ss))
	for i, s := range ss {
		n[i] = len(s)
	}
	return n
}

func TestTail(t *testing.T) {
	tests := []struct {
		name string
		add  []string
		want string
	}{
		{name: "empty", want: ""},
		{name: "few", add: []string{"a", "b"}, want: "a\nb\n"},
		{name: "line bound", add: numbered(100), want: strings.Join(numbered(100)[60:], "\n") + "\n"},
		{name: "byte bound", add: []string{"x", strings.Repeat("b", 4000), strings.Repeat("c", 4190)},
			want: strings.Repeat("b", 4000) + "\n" + strings.Repeat("c", 4190) + "\n"},
		{name: "huge line kept cut", add: []string{"x", strings.Repeat("h", 20000)},
			want: strings.Repeat("h", TailBytes-1) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tl tail
			for _, s := range tt.add {
				tl.add(s)
			}
			if got := tl.String(); got != tt.want {
				t.Errorf("tail.String() = %d bytes %q...; want %d bytes %q...", len(got), got[:min(20, len(got))],
					len(tt.want), tt.want[:min(20, len(tt.want))])
			}
			if got := tl.String(); len(got) > TailBytes {
				t.Errorf("len(tail.String()) = %d; want <= %d", len(got), TailBytes)
			}
		})
	}
}

func numbered(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint("line ", i)
	}
	return s
}

func BenchmarkReadLines(b *testing.B) {
	in := strings.Repeat(strings.Repeat("z", 120)+"\n", 1000)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		var tl tail
		readLines(strings.NewReader(in), &tl, nil)
	}
}
