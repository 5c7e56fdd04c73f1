package judge

import (
	"testing"
)

func TestGateOf(t *testing.T) {
	pass := Check{Name: "max_rss", Pass: true}
	fail := Check{Name: "max_rss"}
	tests := []struct {
		name string
		in   []Verdict
		want GateState
	}{
		{"no targets", nil, GateNothing},
		{"no checks", []Verdict{{Class: ClassBounded}}, GateNothing},
		{"no samples", []Verdict{{Class: ClassNoData, Expectations: []Check{pass}}}, GateNothing},
		{"pass", []Verdict{{Class: ClassBounded, Expectations: []Check{pass}}}, GatePass},
		{"fail", []Verdict{{Class: ClassBounded, Expectations: []Check{pass, fail}}}, GateFail},
		{"fail beside nothing", []Verdict{{Class: ClassNoData, Expectations: []Check{fail}}}, GateFail},
	}
	for _, tt := range tests {
		if got := GateOf(tt.in).State; got != tt.want {
			t.Errorf("GateOf(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
}
