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
