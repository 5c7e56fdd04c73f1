package gctrace

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWithNodeOption(t *testing.T) {
	tests := []struct {
		env  []string
		args []string
		want string
	}{
		{[]string{"A=1"}, []string{"--require", "/tmp/x.js"}, "NODE_OPTIONS=--require /tmp/x.js"},
		{[]string{"NODE_OPTIONS=--max-old-space-size=64"}, []string{"--require", "/tmp/x.js"}, "NODE_OPTIONS=--max-old-space-size=64 --require /tmp/x.js"},
		{[]string{"NODE_OPTIONS="}, []string{"--require", "/a b/x.js"}, `NODE_OPTIONS=--require "/a b/x.js"`},
	}
	for _, tt := range tests {
		got := WithNodeOption(tt.env, tt.args...)
		if !slices.Contains(got, tt.want) {
			t.Errorf("WithNodeOption(%q, %q) = %q; want it to hold %q", tt.env, tt.args, got, tt.want)
		}
	}
}

func TestTracesNode(t *testing.T) {
	if !TracesNode([]string{"/usr/bin/node", "--trace-gc", "s.js"}, []string{}) {
		t.Error("node --trace-gc: want true")
	}
	if TracesNode([]string{"npm", "start"}, []string{"NODE_OPTIONS=--require x"}) {
		t.Error("npm start: want false")
	}
}

// TestNodeTracePreloadReal: the preload makes a node that was not given
// --trace-gc write trace lines the Node parser counts.
func TestNodeTracePreloadReal(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIP: node is not installed; the preload needs a real node to be tested")
	}
	file := filepath.Join(t.TempDir(), "p.js")
	if err := os.WriteFile(file, []byte(NodeTracePreload), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "-e", "let a=[]; for (let i=0;i<3e5;i++) a.push({i})")
	cmd.Env = WithNodeOption([]string{"PATH=/usr/bin:/bin"}, "--require", file)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node with the preload: %v", err)
	}
	tr := NewTracker(RuntimeNode)
	for _, l := range strings.Split(string(out), "\n") {
		tr.Feed(l)
	}
	if n, _ := tr.Snapshot(); n < 1 {
		t.Errorf("GC cycles seen = %d in %q; want ≥ 1", n, out)
	}
}
