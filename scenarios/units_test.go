package scenarios

import (
	"reflect"
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
