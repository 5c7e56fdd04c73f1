package scenarios

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// roundTrip checks that s, encoded to YAML and parsed again, is unchanged.
func roundTrip(t *testing.T, s *Scenario) {
	t.Helper()
	out, err := yaml.Marshal(s)
	if err != nil {
		t.Fatalf("yaml.Marshal(%+v) = %v", s, err)
	}
	back, err := Parse("again.yaml", bytes.NewReader(out))
	if err != nil {
		t.Fatalf("Parse(Marshal(s)) = %v; want no error; encoded:\n%s", err, out)
	}
	if !reflect.DeepEqual(back, s) {
		t.Fatalf("Parse(Marshal(s)) =\n%+v\nwant\n%+v\nencoded:\n%s", back, s, out)
	}
}

// FuzzParse checks that Parse never panics, that every error it returns is
// an *Error (or a plain error wrapped by Parse, for I/O), and that a valid
// scenario survives encode and decode unchanged.
func FuzzParse(f *testing.F) {
	for _, name := range builtinNames() {
		data, err := builtinFS.ReadFile("builtin/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(full))
	for _, tt := range parseErrorTests {
		f.Add([]byte(tt.in))
	}
	for _, tt := range parseValidTests {
		f.Add([]byte(tt.in))
	}
	for _, tt := range kindErrorTests {
		f.Add([]byte(tt.in))
	}
	f.Add([]byte(withLoad(mix)))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", bytes.NewReader(data))
		if err != nil {
			if s != nil {
				t.Fatalf("Parse = %+v, %v; want nil with an error", s, err)
			}
			var e *Error
			if !errors.As(err, &e) || !IsInvalid(err) {
				t.Fatalf("Parse error %v (%T) is not an *Error", err, err)
			}
			for _, e := range unjoin(err) {
				if e.File != "fuzz.yaml" || e.Msg == "" || e.Line < 0 {
					t.Fatalf("Parse error %#v: want file fuzz.yaml, a message, line >= 0", e)
				}
			}
			return
		}
		roundTrip(t, s)
	})
}

// FuzzRoundTrip builds scenarios from fuzzed values, so that the encode and
// decode of strings, numbers, sizes and durations is tried on valid
// scenarios too (mutated YAML text is rarely a valid scenario).
func FuzzRoundTrip(f *testing.F) {
	f.Add("upload-proxy", "a description", "node srv.js", "32", "application/octet-stream", 10.0, int64(1e10), int64(1<<20), int64(1e6), 0.5)
	f.Add("x", "", "", "", "", 1e-300, int64(1), int64(1), int64(1), 0.0)
	f.Fuzz(func(t *testing.T, name, desc, cmd, env, header string, rate float64, dur, size, bw int64, ratio float64) {
		in := &Scenario{
			Name:        name,
			Description: desc,
			Targets: []Target{
				{Name: "a", Command: Command{"sh", "-c", cmd}, Env: map[string]string{"V": env}},
				{Name: "b", Builtin: "b", Expect: Expectation{MinSuccessRatio: ratio, MaxRSS: ByteSize(size)}},
			},
			Load: Load{
				Stages:  []Stage{{Rate: rate, Duration: Duration(dur)}},
				Request: Request{Headers: map[string]string{"X-V": header}, Body: Body{Size: ByteSize(size)}},
			},
			Downstream: Downstream{Phases: []Phase{{Name: desc, ReadBandwidth: ByteRate(bw), ErrorRate: ratio}}},
		}
		out, err := yaml.Marshal(in)
		if err != nil {
			t.Skip() // invalid UTF-8 map keys and the like
		}
		s, err := Parse("fuzz.yaml", bytes.NewReader(out))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error %v (%T) is not an *Error", err, err)
			}
			return
		}
		got := []any{s.Name, s.Description, s.Targets[0].Command, s.Targets[0].Env["V"], s.Load.Request.Headers["X-V"],
			s.Load.Stages[0], s.Load.Request.Body.Size, s.Downstream.Phases[0].ReadBandwidth, s.Downstream.Phases[0].ErrorRate}
		want := []any{name, desc, Command{"sh", "-c", cmd}, env, header, in.Load.Stages[0], ByteSize(size), ByteRate(bw), ratio}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(Marshal(x)) = %v; want %v; encoded:\n%s", got, want, out)
		}
		roundTrip(t, s)
	})
}
