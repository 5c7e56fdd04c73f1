package runner

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/oomlab/oomlab/scenarios"
)

func TestMakeBody(t *testing.T) {
	file := filepath.Join(t.TempDir(), "body.bin")
	os.WriteFile(file, []byte("multipart payload"), 0o644)
	tests := []struct {
		name  string
		body  scenarios.Body
		check func([]byte) bool
	}{
		{"random of a size", scenarios.Body{Size: 1000, Kind: "random"}, func(b []byte) bool { return len(b) == 1000 && !bytes.Equal(b[:8], make([]byte, 8)) }},
		{"zeros", scenarios.Body{Size: 64, Kind: "zeros"}, func(b []byte) bool { return bytes.Equal(b, make([]byte, 64)) }},
		{"ndjson: every line a JSON object", scenarios.Body{Size: 4096, Kind: "ndjson"}, func(b []byte) bool {
			sc := bufio.NewScanner(bytes.NewReader(b))
			n := 0
			for sc.Scan() {
				var v map[string]any
				if json.Unmarshal(sc.Bytes(), &v) != nil {
					return false
				}
				n++
			}
			return n > 10 && len(b) >= 4000 && len(b) < 4200
		}},
		{"json: one array", scenarios.Body{Size: 4096, Kind: "json"}, func(b []byte) bool {
			var v []map[string]any
			return json.Unmarshal(b, &v) == nil && len(v) > 10
		}},
		{"file", scenarios.Body{File: file}, func(b []byte) bool { return string(b) == "multipart payload" }},
		{"none", scenarios.Body{}, func(b []byte) bool { return len(b) == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := makeBody(tt.body)
			if err != nil || !tt.check(b) {
				t.Errorf("makeBody(%+v) = %d bytes, %v; want a body of that shape", tt.body, len(b), err)
			}
		})
	}
	a, _ := makeBody(scenarios.Body{Size: 256})
	b, _ := makeBody(scenarios.Body{Size: 256})
	if !bytes.Equal(a, b) {
		t.Error("two generated bodies differ; want the same bytes every run")
	}
	if _, err := makeBody(scenarios.Body{Size: scenarios.MaxBodyBytes + 1}); err == nil {
		t.Error("makeBody of more than the maximum: no error")
	}
}
