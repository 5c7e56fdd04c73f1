package main

import (
	"strings"
	"testing"
	"time"
)

func TestLooksLikeAddr(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"127.0.0.1:9000", true},
		{":9000", true},
		{"localhost:8080", true},
		{"[::1]:9000", true},
		{"9000", true},
		{"upload-proxy", false},
		{"my-scenario.yaml", false},
		{"out/run:1", false},
		{"127.0.0.1:http", false},
		{"70000", false},
		{"0", false},
		{"007", false},
	}
	for _, tt := range tests {
		if got := looksLikeAddr(tt.in); got != tt.want {
			t.Errorf("looksLikeAddr(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

// TestAddrHint: an address given after --ui or --serve with a space is
// read as an argument; oomlab says so and suggests --ui=ADDR (exit 2)
// before anything runs.
func TestAddrHint(t *testing.T) {
	dir := savedRun(t, nil)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"run --ui", []string{"run", "upload-proxy", "--ui", "127.0.0.1:9000"}, "did you mean --ui=127.0.0.1:9000?"},
		{"run --ui first", []string{"run", "--ui", ":9000", "upload-proxy"}, "did you mean --ui=:9000?"},
		{"report --serve", []string{"report", dir, "--serve", "9000"}, "did you mean --serve=9000?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, code := oomlab(t, 30*time.Second, tt.args...)
			if code != exitBadInput || !strings.Contains(text, tt.want) || !strings.Contains(text, "was read as an argument") {
				t.Errorf("oomlab %s: exit %d; want %d saying %q\n%s", strings.Join(tt.args, " "), code, exitBadInput, tt.want, text)
			}
		})
	}
}
