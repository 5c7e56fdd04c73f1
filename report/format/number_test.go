package format

import (
	"math"
	"testing"
	"time"
)

func TestMs(t *testing.T) {
	tests := []struct {
		ms   float64
		want string
	}{
		{0.418, "0.42 ms"},
		{0, "0.00 ms"},
		{3.14, "3.1 ms"},
		{9.96, "10.0 ms"},
		{12.4, "12 ms"},
		{999, "999 ms"},
		{1000, "1.0 s"},
		{2345, "2.3 s"},
	}
	for _, tt := range tests {
		if got := Ms(tt.ms); got != tt.want {
			t.Errorf("Ms(%v) = %q; want %q", tt.ms, got, tt.want)
		}
	}
}

func TestSizes(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"MiB whole", MiB(256), "256 MiB"},
		{"MiB fraction", MiB(14.54), "14.5 MiB"},
		{"MiB large", MiB(130.6), "131 MiB"},
		{"BytesMiB", BytesMiB(3 << 19), "1.5 MiB"},
		{"Limit", Limit(256<<20, "cgroup-v1"), "256 MiB (cgroup-v1)"},
		{"Limit no mode", Limit(64<<20, ""), "64 MiB"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q; want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestRatesAndRatios(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"Rate", Rate(2.5), "2.5"},
		{"Rate whole", Rate(10), "10"},
		{"RateShort", RateShort(3.14), "3.1"},
		{"RateShort large", RateShort(19.4), "19"},
		{"Slope", Slope(4.12), "+4.1 MiB/s"},
		{"Slope small", Slope(0.654), "+0.65 MiB/s"},
		{"Slope no -0.00", Slope(-0.004), "+0.00 MiB/s"},
		{"Slope falling", Slope(-0.3), "-0.30 MiB/s"},
		{"Slope rounds up to 1", Slope(0.996), "+1.0 MiB/s"},
		{"SlopeBare", SlopeBare(13), "+13.0"},
		{"SlopeSE", SlopeSE(0.65, 0.121), "+0.65 ± 0.12 MiB/s"},
		{"SlopeSE steep", SlopeSE(4.67, 2.43), "+4.7 ± 2.4 MiB/s"},
		{"SlopeSE steep but sure", SlopeSE(1.5, 0.03), "+1.50 ± 0.03 MiB/s"},
		{"SlopeSE no -0.00", SlopeSE(-0.001, 0.05), "+0.00 ± 0.05 MiB/s"},
		{"SlopeLimit", SlopeLimit(0.5), "0.5 MiB/s"},
		{"SlopeLimit as given", SlopeLimit(0.125), "0.125 MiB/s"},
		{"Percent", Percent(0.992), "99.2%"},
		{"Percent whole", Percent(1), "100%"},
		{"Duration", Duration(60 * time.Second), "60s"},
		{"Duration fraction", Duration(1500 * time.Millisecond), "1.5s"},
		{"Plural one", Plural(1, "capture", "captures"), "capture"},
		{"Plural many", Plural(0, "capture", "captures"), "captures"},
		{"RunLabel", RunLabel(1), "B"},
		{"RunLabel 26th", RunLabel(25), "Z"},
		{"RunLabel 27th", RunLabel(26), "AA"},
		{"RunLabel 53rd", RunLabel(52), "BA"},
		{"RunLabel 703rd", RunLabel(702), "AAA"},
		{"Versus one", Versus([]string{"a", "a"}), "a"},
		{"Versus two", Versus([]string{"a", "b"}), "a vs b"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q; want %q", tt.name, tt.got, tt.want)
		}
	}
	if got := Round(0.1+0.2, 3); got != 0.3 {
		t.Errorf("Round(0.1+0.2, 3) = %v; want 0.3", got)
	}
	if got := Round(math.Pi, 2); got != 3.14 {
		t.Errorf("Round(π, 2) = %v; want 3.14", got)
	}
}

// TestRunLabelsDistinct: the runs of the largest merge (1,024) each get a
// label of their own.
func TestRunLabelsDistinct(t *testing.T) {
	seen := map[string]int{}
	for i := range 1024 {
		l := RunLabel(i)
		if j, ok := seen[l]; ok {
			t.Fatalf("RunLabel(%d) = RunLabel(%d) = %q", i, j, l)
		}
		seen[l] = i
	}
}
