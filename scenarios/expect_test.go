package scenarios

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestParseMemorySlope(t *testing.T) {
	tests := []struct {
		in      string
		want    MemorySlope
		wantErr bool
	}{
		{in: "0.5MiB/s", want: 1 << 19},
		{in: "2MB/s", want: 2e6},
		{in: " 1 KiB/s ", want: 1024},
		{in: "0B/s", want: 0},
		{in: "0.5", wantErr: true},    // no unit
		{in: "0.5MiB", wantErr: true}, // no /s
		{in: "5/s", wantErr: true},    // no byte unit
		{in: "-1MiB/s", wantErr: true},
		{in: "fast", wantErr: true},
		{in: "1EiB/s", wantErr: true}, // beyond any memory
	}
	for _, tt := range tests {
		got, err := ParseMemorySlope(tt.in)
		if (err != nil) != tt.wantErr || err == nil && got != tt.want {
			t.Errorf("ParseMemorySlope(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseRatioAndPerSecond(t *testing.T) {
	ratios := []struct {
		in      string
		want    Ratio
		wantErr bool
	}{
		{in: "0.9", want: 0.9}, {in: "90%", want: 0.9}, {in: "100 %", want: 1}, {in: "0", want: 0},
		{in: "1.5", wantErr: true}, {in: "-1%", wantErr: true}, {in: "NaN", wantErr: true}, {in: "0x1p-1", wantErr: true},
	}
	for _, tt := range ratios {
		got, err := ParseRatio(tt.in)
		if (err != nil) != tt.wantErr || err == nil && got != tt.want {
			t.Errorf("ParseRatio(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	rates := []struct {
		in      string
		want    PerSecond
		wantErr bool
	}{
		{in: "20", want: 20}, {in: "20/s", want: 20}, {in: "1.5 /s", want: 1.5},
		{in: "-1", wantErr: true}, {in: "Inf", wantErr: true}, {in: "20ms", wantErr: true}, {in: "", wantErr: true},
	}
	for _, tt := range rates {
		got, err := ParsePerSecond(tt.in)
		if (err != nil) != tt.wantErr || err == nil && got != tt.want {
			t.Errorf("ParsePerSecond(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

const expectBase = `name: x
load:
  stages:
    - {rate: 10, duration: 10s}
    - {rate: 20, duration: 10s}
downstream:
  phases:
    - {name: slow db, at: 0s, latency: 2s, capacity: 8}
targets:
  - name: a
    builtin: upload-aware
    expect:
`

// TestExpectationErrors checks that an unknown metric, unit or window is
// a validation error with file, line and field, never a silent pass.
func TestExpectationErrors(t *testing.T) {
	tests := []struct {
		name, expect, want string
	}{
		{"unknown metric", "      max_heap: 1MiB", "x.yaml:13: targets[0].expect.max_heap: unknown field"},
		{"slope without unit", "      max_slope: 0.5", "x.yaml:13: targets[0].expect.max_slope: want a memory slope with its unit"},
		{"slope in ms", "      max_slope: 5ms", "x.yaml:13: targets[0].expect.max_slope: want a memory slope with its unit"},
		{"unknown phase", "      max_slope: {fast db: 1MiB/s}", `x.yaml:13: targets[0].expect.max_slope.fast db: unknown window "fast db"`},
		{"stage out of range", "      max_p95:\n        stage 3: 2s", `x.yaml:14: targets[0].expect.max_p95.stage 3: unknown window "stage 3"`},
		{"p95 per phase", "      max_p95: {slow db: 2s}", `targets[0].expect.max_p95.slow db: "slow db" is a downstream phase`},
		{"p95 without unit", "      max_p95: 2", "targets[0].expect.max_p95: want a duration"},
		{"goodput above 1", "      min_goodput: 1.2", "targets[0].expect.min_goodput: want a share from 0 to 1"},
		{"gc rate word", "      max_gc_rate: lots", "targets[0].expect.max_gc_rate: want a rate per second"},
		{"cgroup peak zero", "      max_cgroup_peak: 0", "targets[0].expect.max_cgroup_peak: must be > 0"},
		{"time to limit bare", "      min_time_to_limit: 600", "targets[0].expect.min_time_to_limit: want a duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", strings.NewReader(expectBase+tt.expect+"\n"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestExpectationValid(t *testing.T) {
	in := expectBase + `      max_slope: {slow db: 0.5MiB/s, stage 2: 1MiB/s}
      max_p95: 2s
      min_goodput: 90%
      max_gc_rate: 20/s
      max_cgroup_peak: 64MiB
      min_time_to_limit: 10m
`
	s, err := Parse("x.yaml", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	e := s.Targets[0].Expect
	if len(e.MaxSlope) != 2 || e.MaxSlope[0].Window != "slow db" || e.MaxSlope[0].Max != 1<<19 ||
		e.MaxSlope[1].Window != "stage 2" || len(e.MaxP95) != 1 || e.MaxP95[0].Window != "" ||
		e.MinGoodput != 0.9 || e.MaxGCRate != 20 || e.MaxCgroupPeak != 64<<20 || e.MinTimeToLimit.Seconds() != 600 {
		t.Errorf("Expect = %+v", e)
	}
	if k, i := ResolveWindow(s, "stage 2"); k != WindowStage || i != 1 {
		t.Errorf("ResolveWindow(stage 2) = %v, %d; want stage, 1", k, i)
	}
	roundTrip(t, s)
}

// FuzzExpectationUnits checks that the unit parsers of expectations never
// panic, and that what they accept is finite and not negative.
func FuzzExpectationUnits(f *testing.F) {
	for _, s := range []string{"0.5MiB/s", "2MB/s", "90%", "0.9", "20/s", "1e3", "-1", "NaN", "0x10", "1EiB/s", " %", "/s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := ParseMemorySlope(s); err == nil && !(v >= 0) {
			t.Errorf("ParseMemorySlope(%q) = %v; want >= 0", s, v)
		}
		if v, err := ParseRatio(s); err == nil && !(v >= 0 && v <= 1) {
			t.Errorf("ParseRatio(%q) = %v; want 0..1", s, v)
		}
		if v, err := ParsePerSecond(s); err == nil && !(v >= 0 && !math.IsInf(float64(v), 0)) {
			t.Errorf("ParsePerSecond(%q) = %v; want finite >= 0", s, v)
		}
		// Inside a scenario: never a panic, always an *Error or a value.
		in := expectBase + "      max_slope: " + strings.ReplaceAll(s, "\n", " ") + "\n"
		if _, err := Parse("x.yaml", bytes.NewReader([]byte(in))); err != nil && !IsInvalid(err) {
			t.Errorf("Parse(max_slope: %q) error %v is not a scenario error", s, err)
		}
	})
}
