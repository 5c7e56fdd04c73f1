package scenarios

import (
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"   ", nil, false},
		{"node server.js", []string{"node", "server.js"}, false},
		{"  a\t b\nc  ", []string{"a", "b", "c"}, false},
		{`node 'my server.js'`, []string{"node", "my server.js"}, false},
		{`echo "a \"b\" \$HOME \\ \x"`, []string{"echo", `a "b" $HOME \ \x`}, false},
		{`a\ b c`, []string{"a b", "c"}, false},
		{`''`, []string{""}, false},
		{`a''b`, []string{"ab"}, false},
		{`'$HOME' "*"`, []string{"$HOME", "*"}, false},
		{`x\`, []string{"x"}, false},
		{`'it''s'`, []string{"its"}, false},
		{`"unterminated`, nil, true},
		{`'unterminated`, nil, true},
		{"héllo wörld", []string{"héllo", "wörld"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := SplitWords(tt.in)
			if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SplitWords(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestByteSizeRoundTrip(t *testing.T) {
	tests := []struct {
		v    ByteSize
		want string
	}{
		{0, "0"},
		{1, "1"},
		{1500, "1500"},
		{1000, "1kB"},
		{1024, "1KiB"},
		{256 << 20, "256MiB"},
		{1e6, "1MB"},
		{1024000, "1000KiB"},
		{3 << 60, "3EiB"},
	}
	for _, tt := range tests {
		out, err := yaml.Marshal(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		var back ByteSize
		if err := yaml.Unmarshal(out, &back); err != nil || back != tt.v || string(out) != tt.want+"\n" {
			t.Errorf("Marshal(ByteSize(%d)) = %q, read back %d (%v); want %q", tt.v, out, back, err, tt.want)
		}
		out, _ = yaml.Marshal(ByteRate(tt.v))
		var rate ByteRate
		if err := yaml.Unmarshal(out, &rate); err != nil || rate != ByteRate(tt.v) {
			t.Errorf("Marshal(ByteRate(%d)) = %q, read back %d (%v)", tt.v, out, rate, err)
		}
	}
}

// TestByteSizeUnits: units spelt out (IEC, Kubernetes' Mi, SI, B, none)
// are read; a one-letter unit, which Docker and Kubernetes read
// differently, is refused with the spelling that says what was meant.
func TestByteSizeUnits(t *testing.T) {
	tests := []struct {
		in      string
		want    ByteSize
		wantErr string
	}{
		{"256MiB", 256 << 20, ""},
		{"256Mi", 256 << 20, ""},
		{"256 MiB", 256 << 20, ""},
		{"256MB", 256e6, ""},
		{"1kB", 1000, ""},
		{"1500", 1500, ""},
		{"1500B", 1500, ""},
		{"256m", 0, `did you mean "256MiB"?`},
		{"256M", 0, `did you mean "256MiB"?`},
		{"1.5g", 0, `did you mean "1.5GiB"?`},
		{"64k", 0, `did you mean "64KiB"? (or "64kB" for powers of 1000)`},
		{"2T", 0, `did you mean "2TiB"?`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got ByteSize
			err := yaml.Unmarshal([]byte("v: "+tt.in), &struct{ V *ByteSize }{&got})
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Errorf("ByteSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ByteSize(%q) = %d, %v; want an error saying %q", tt.in, got, err, tt.wantErr)
			}
		})
	}
}
