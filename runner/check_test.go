package runner

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/oomlab/oomlab/scenarios"
)

// TestCheck: what validate must refuse because run would.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	body := filepath.Join(dir, "body")
	os.WriteFile(body, []byte("{}"), 0o644)
	tests := []struct {
		name string
		edit func(*scenarios.Scenario)
		want string // "" for no error
	}{
		{name: "ok", edit: func(*scenarios.Scenario) {}},
		{name: "body file ok", edit: func(s *scenarios.Scenario) { s.Load.Request.Body = scenarios.Body{File: body} }},
		{name: "unknown go builtin", edit: func(s *scenarios.Scenario) { s.Targets[0].Builtin = "nope" },
			want: `targets[0].builtin: no built-in Go target "nope"`},
		{name: "node builtin as go", edit: func(s *scenarios.Scenario) { s.Targets[0].Builtin = "node-upload-naive" },
			want: `no built-in Go target "node-upload-naive"`},
		{name: "go builtin as node", edit: func(s *scenarios.Scenario) { s.Targets[0].Runtime = "node" },
			want: `targets[0].builtin: no built-in Node.js target "upload-naive"`},
		{name: "body over the cap", edit: func(s *scenarios.Scenario) { s.Load.Request.Body.Size = scenarios.MaxBodyBytes + 1 },
			want: "load.request.body.size: 268435457 bytes is more than the 268435456"},
		{name: "body file a fifo", edit: func(s *scenarios.Scenario) { s.Load.Request.Body = scenarios.Body{File: fifo} },
			want: "load.request.body.file: " + fifo + " is a named pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := scenarios.Builtin("upload-proxy")
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(sc)
			err = Check(sc)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Check() = %v; want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !scenarios.IsInvalid(err) {
				t.Errorf("Check() = %v; want an invalid-scenario error saying %q", err, tt.want)
			}
		})
	}
}
