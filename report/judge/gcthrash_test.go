package judge

import (
	"math"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/scenarios"
)

// thrashSpec is a Go proxy with GOMEMLIMIT=200MiB under a 256 MiB limit:
// RSS climbs to the soft limit by 18 s and sits there; from then GC runs
// at gcAfter cycles/s and only success of the finished requests succeed.
func thrashSpec(gcAfter, success, plateau float64) savedtest.Spec {
	return savedtest.Spec{
		Scenario: "upload-proxy", Pattern: "upload-proxy",
		Rates: []float64{10, 20, 40}, StageSeconds: 10, Interval: 0.1, LimitMiB: 256,
		Targets: []savedtest.Target{{Name: "gomemlimit", Role: "naive", Runtime: "go",
			RSS:  func(t float64) float64 { return math.Min(10+11*t, plateau) },
			Heap: func(t float64) float64 { return math.Min(5+10*t, plateau*0.9) },
			GCRate: func(t float64) float64 {
				if t >= 18 {
					return gcAfter
				}
				return 1.2
			},
			CPU: func(t float64) float64 {
				if t >= 18 {
					return 95
				}
				return 10
			},
			P95Ms: savedtest.Flat(2500),
			Success: func(t float64) float64 {
				if t >= 18 {
					return success
				}
				return 1
			},
		}},
	}
}

func TestGCThrash(t *testing.T) {
	tests := []struct {
		name     string
		spec     savedtest.Spec
		env      map[string]string
		expect   []string
		want     bool
		wantPass bool
	}{
		{name: "GOMEMLIMIT thrash fails the survivor", spec: thrashSpec(40, 0.1, 205), env: map[string]string{"GOMEMLIMIT": "200MiB"}, want: true},
		{name: "accepted by expect.outcome gc-thrash", spec: thrashSpec(40, 0.1, 205), env: map[string]string{"GOMEMLIMIT": "200MiB"},
			expect: []string{"survived", "gc-thrash"}, want: true, wantPass: true},
		{name: "no GOMEMLIMIT: RSS far below the memory limit", spec: thrashSpec(40, 0.1, 205), want: false, wantPass: true},
		{name: "near the memory limit itself", spec: thrashSpec(40, 0.1, 240), want: true},
		{name: "busy GC but throughput holds", spec: thrashSpec(40, 1, 205), env: map[string]string{"GOMEMLIMIT": "200MiB"}, want: false, wantPass: true},
		{name: "throughput falls, GC calm", spec: thrashSpec(1.5, 0.1, 205), env: map[string]string{"GOMEMLIMIT": "200MiB"}, want: false, wantPass: true},
		{name: "GOMEMLIMIT off", spec: thrashSpec(40, 0.1, 205), env: map[string]string{"GOMEMLIMIT": "off"}, want: false, wantPass: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := tt.spec.Run()
			spec := &run.Results.ScenarioSpec.Targets[0]
			spec.Env = tt.env
			spec.Expect = scenarios.Expectation{Outcomes: tt.expect}
			g, got := gcThrash(run, 0)
			if got != tt.want {
				t.Fatalf("gcThrash() = %+v, %v; want %v", g, got, tt.want)
			}
			v := Judge(run)[0]
			if v.Pass != tt.wantPass {
				t.Errorf("verdict pass = %v (%+v); want %v", v.Pass, v.Expectations, tt.wantPass)
			}
			if !got {
				return
			}
			if g.StartSeconds < 14 || g.StartSeconds > 22 || g.GCPerSecond < gcThrashMinPerSecond || g.SuccessesPerSecond > g.SuccessesPeak/2 {
				t.Errorf("gcThrash() figures = %+v; want it from ~18 s (the first window reaching into it), GC past the threshold, successes collapsed", g)
			}
			var sym string
			for _, s := range v.Symptoms {
				if strings.HasPrefix(s, "GC thrash") {
					sym = s
				}
			}
			if sym == "" || !strings.Contains(sym, "cycles/s") {
				t.Errorf("symptoms = %q; want the GC thrash one with figures", v.Symptoms)
			}
		})
	}
}

func TestParseGoMemLimit(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"200MiB", 200, true}, {"1GiB", 1024, true}, {"268435456", 256, true}, {"512KiB", 0.5, true},
		{"off", 0, false}, {"", 0, false}, {"200MB", 0, false}, {"-1", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseGoMemLimit(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseGoMemLimit(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
