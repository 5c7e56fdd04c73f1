package evidence

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

func TestParseSmapsRollup(t *testing.T) {
	tests := []struct {
		name string
		in   string // a testdata file, or the text itself
		want results.Smaps
		err  string
	}{
		{name: "go naive at 80%", in: "@go-naive-80pct.smaps_rollup", want: results.Smaps{
			RSSBytes: 214120 << 10, AnonymousBytes: 197644 << 10, FileBackedBytes: (214120 - 197644) << 10,
			SharedBytes: 16092 << 10, PrivateDirtyBytes: 198028 << 10}},
		{name: "node naive at 80%", in: "@node-naive-80pct.smaps_rollup", want: results.Smaps{
			RSSBytes: 212552 << 10, AnonymousBytes: 171460 << 10, FileBackedBytes: (212552 - 171460) << 10,
			SharedBytes: 41040 << 10, PrivateDirtyBytes: 171460 << 10}},
		{name: "minimal", in: "Rss: 8 kB\nAnonymous: 4 kB\n", want: results.Smaps{RSSBytes: 8 << 10, AnonymousBytes: 4 << 10, FileBackedBytes: 4 << 10}},
		{name: "no rss", in: "Anonymous: 4 kB\n", err: "no Rss"},
		{name: "bad number", in: "Rss: x kB\n", err: "bad value"},
		{name: "negative", in: "Rss: -4 kB\n", err: "bad value"},
		{name: "empty", in: "", err: "no Rss"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if f, ok := strings.CutPrefix(in, "@"); ok {
				b, err := os.ReadFile(filepath.Join("testdata", f))
				if err != nil {
					t.Fatal(err)
				}
				in = string(b)
			}
			got, err := ParseSmapsRollup(strings.NewReader(in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "evidence: ") {
					t.Errorf("ParseSmapsRollup = %v; want an error containing %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseSmapsRollup = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func FuzzParseSmapsRollup(f *testing.F) {
	for _, name := range []string{"go-naive-80pct.smaps_rollup", "node-naive-80pct.smaps_rollup"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("Rss: 1 kB\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSmapsRollup(strings.NewReader(in))
		if err != nil {
			return
		}
		if s.RSSBytes < 0 || s.FileBackedBytes < 0 || s.AnonymousBytes < 0 {
			t.Errorf("ParseSmapsRollup(%q) = %+v: negative sizes", in, s)
		}
	})
}
