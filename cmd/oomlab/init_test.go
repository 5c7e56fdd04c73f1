package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/scenarios"
)

// TestInitStarter: what init writes validates as written, with no
// warning, and reads as the golden file (go test -run TestInitStarter
// -update rewrites it).
func TestInitStarter(t *testing.T) {
	tests := []struct {
		name, command string
		wantCommand   []string
	}{
		{"python", "python3 fixtures/examples/upload_naive.py", []string{"python3", "fixtures/examples/upload_naive.py"}},
		{"npm", "npm start", []string{"npm", "start"}},
		{"quoted", `./server --port "${PORT}" --name 'my "app"'`, []string{"./server", "--port", "${PORT}", "--name", `my "app"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, err := renderStarter(tt.command, "my-service", "oomlab.yaml")
			if err != nil {
				t.Fatal(err)
			}
			sc, err := scenarios.Parse("oomlab.yaml", strings.NewReader(text))
			if err != nil {
				t.Fatalf("the starter does not parse: %v", err)
			}
			if w := scenarios.Warnings("oomlab.yaml", sc); len(w) > 0 {
				t.Errorf("Warnings() = %q; want none", w)
			}
			mine := sc.Targets[0]
			if strings.Join(mine.Command, "\x00") != strings.Join(tt.wantCommand, "\x00") {
				t.Errorf("command = %q; want %q", mine.Command, tt.wantCommand)
			}
			if len(sc.Targets) != 2 || sc.Targets[1].Builtin != "upload-aware" || len(mine.Expect.Outcomes) == 0 {
				t.Errorf("targets = %+v; want mine with expectations and the aware reference", sc.Targets)
			}
			if tt.name == "npm" && mine.Runtime != "node" {
				t.Errorf("npm start runtime = %s; want node", mine.Runtime)
			}
			if tt.name != "python" {
				return
			}
			golden := filepath.Join("testdata", "init", "oomlab.yaml")
			if *updateDoctor {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./cmd/oomlab -run TestInitStarter -update)", err)
			}
			if text != string(want) {
				t.Errorf("starter differs from %s (go test ./cmd/oomlab -run TestInitStarter -update)", golden)
			}
		})
	}
}

func TestInitRefusesBadInput(t *testing.T) {
	if _, err := renderStarter("", "x", "f.yaml"); err == nil {
		t.Error("empty command: want an error")
	}
	if _, err := renderStarter(`./server "unclosed`, "x", "f.yaml"); err == nil {
		t.Error("unclosed quote: want an error")
	}
	if _, err := renderStarter("./server", "bad name!", "f.yaml"); err == nil || !strings.Contains(err.Error(), "name") {
		t.Errorf("bad name: error = %v; want the name named", err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "oomlab.yaml")
	if err := writeNew(file, "x"); err != nil {
		t.Fatal(err)
	}
	if err := writeNew(file, "y"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("second write: error = %v; want it to refuse (exists)", err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), link); err != nil {
		t.Fatal(err)
	}
	if err := writeNew(link, "z"); err == nil {
		t.Error("write through a dangling link: want a refusal")
	}
}
