package main

import (
	"strings"
	"testing"
	"time"
)

// TestCompletion asks the binary what its shell completion would offer
// (cobra's hidden __complete command, which the generated scripts call).
func TestCompletion(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"run", "upload"}, []string{"upload-proxy"}},
		{[]string{"validate", "write"}, []string{"write-drain"}},
		{[]string{"run", "upload-proxy", "--target", ""}, []string{"upload-naive=", "upload-aware=", "node-upload-aware="}},
		{[]string{"run", "x", "--runtime", ""}, []string{"go", "node", "jvm", "python", "other", "all"}},
		{[]string{"run", "x", "--limit-mode", ""}, []string{"auto", "cgroup", "watchdog"}},
		{[]string{"gate", "d", "--tolerance", ""}, []string{"15%"}},
		{[]string{""}, []string{"run", "gate", "baseline", "completion"}},
	}
	for _, tt := range tests {
		text, code := oomlab(t, 30*time.Second, append([]string{"__complete"}, tt.args...)...)
		if code != 0 {
			t.Errorf("oomlab __complete %q: exit %d\n%s", tt.args, code, text)
		}
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("oomlab __complete %q = %q; want %q offered", tt.args, text, w)
			}
		}
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		if text, code := oomlab(t, 30*time.Second, "completion", shell); code != 0 || !strings.Contains(text, "oomlab") {
			t.Errorf("oomlab completion %s: exit %d\n%.200s", shell, code, text)
		}
	}
}

func TestBuildVersion(t *testing.T) {
	old := version
	defer func() { version = old }()
	version = "v1.2.3"
	if got := buildVersion(); got != "v1.2.3" {
		t.Errorf("buildVersion() with a stamped version = %q; want v1.2.3", got)
	}
	version = "dev"
	if got := buildVersion(); got == "" {
		t.Error("buildVersion() unstamped = \"\"; want the module's build info or dev")
	}
}
