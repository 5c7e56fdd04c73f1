package scenarios

import (
	"reflect"
	"strings"
	"testing"
)

func TestEvidenceErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"share zero", minimal + "evidence: {at: [0]}\n", []want{{9, "evidence.at[0]", "between 0 and 1"}}},
		{"share one", minimal + "evidence: {at: [0.5, 1]}\n", []want{{9, "evidence.at[1]", "between 0 and 1"}}},
		{"percent not share", minimal + "evidence: {at: [50]}\n", []want{{9, "evidence.at[0]", "0.8 = 80%"}}},
		{"falling", minimal + "evidence: {at: [0.8, 0.5]}\n", []want{{9, "evidence.at[1]", "above the mark before it"}}},
		{"too many", minimal + "evidence: {at: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}\n", []want{{9, "evidence.at", "at most 5"}}},
		{"pprof path", minimal + "evidence: {pprof_path: debug}\n", []want{{9, "evidence.pprof_path", "starting with '/'"}}},
		{"unknown key", minimal + "evidence: {heap: true}\n", []want{{9, "evidence.heap", "unknown field"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("s.yaml", strings.NewReader(tt.in))
			got := unjoin(err)
			if len(got) != len(tt.want) {
				t.Fatalf("Parse(%q) = %v; want %d errors", tt.in, err, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Line != w.line || g.Field != w.field || !strings.Contains(g.Msg, w.msg) {
					t.Errorf("Parse error %d = %s; want line %d, field %q, msg containing %q", i, g, w.line, w.field, w.msg)
				}
			}
		})
	}
}

func TestEvidenceMarks(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantMarks []float64
		wantPprof string
	}{
		{"defaults", minimal, []float64{0.5, 0.8}, "/debug/pprof/"},
		{"given", minimal + "evidence: {at: [0.3, 0.9], pprof_path: /pp}\n", []float64{0.3, 0.9}, "/pp/"},
		{"off", minimal + "evidence: {off: true}\n", nil, "/debug/pprof/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("s.yaml", strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Evidence.Marks(); !reflect.DeepEqual(got, tt.wantMarks) {
				t.Errorf("Marks() = %v; want %v", got, tt.wantMarks)
			}
			if got := s.Evidence.Pprof(); got != tt.wantPprof {
				t.Errorf("Pprof() = %q; want %q", got, tt.wantPprof)
			}
		})
	}
}

// TestEvidenceTracemalloc: tracemalloc is off unless the scenario asks,
// since it costs the target on every allocation for the whole run.
func TestEvidenceTracemalloc(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    bool
		wantErr string
	}{
		{name: "default off", in: minimal, want: false},
		{name: "asked", in: minimal + "evidence: {tracemalloc: true}\n", want: true},
		{name: "asked off", in: minimal + "evidence: {tracemalloc: false, at: [0.6]}\n", want: false},
		{name: "not a bool", in: minimal + "evidence: {tracemalloc: 16}\n", wantErr: "evidence.tracemalloc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("s.yaml", strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) = %v; want an error naming %s", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Evidence.Tracemalloc != tt.want {
				t.Errorf("Parse(%q).Evidence.Tracemalloc = %v; want %v", tt.in, s.Evidence.Tracemalloc, tt.want)
			}
		})
	}
}
