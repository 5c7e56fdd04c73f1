package runner

import (
	"testing"
	"time"
)

func TestStallDetector(t *testing.T) {
	const limit = 100 << 20
	type obs struct {
		at          time.Duration
		mem, fail   int64
		lastSuccess time.Duration
	}
	s := time.Second
	tests := []struct {
		name      string
		obs       []obs
		wantStall bool
		wantSince time.Duration
	}{
		{"below the limit", []obs{{0, 50 << 20, 0, -1}, {6 * s, 50 << 20, 100, -1}}, false, 0},
		{"at the limit, fail counter rising, nothing succeeds",
			[]obs{{1 * s, 99 << 20, 10, -1}, {3 * s, 99 << 20, 500, -1}, {6 * s, 99 << 20, 900, -1}}, true, 1 * s},
		{"at the limit but still succeeding",
			[]obs{{1 * s, 99 << 20, 10, -1}, {5 * s, 99 << 20, 500, 4 * s}, {6 * s, 99 << 20, 900, 4 * s}}, false, 0},
		{"success stops, the window restarts from it",
			[]obs{{1 * s, 99 << 20, 10, 2 * s}, {6 * s, 99 << 20, 500, 2 * s}, {8 * s, 99 << 20, 900, 2 * s}}, true, 2 * s},
		{"at the limit, fail counter flat (the kernel is not reclaiming)",
			[]obs{{1 * s, 99 << 20, 10, -1}, {7 * s, 99 << 20, 10, -1}}, false, 0},
		{"dips below the limit, window starts again",
			[]obs{{1 * s, 99 << 20, 10, -1}, {4 * s, 80 << 20, 20, -1}, {5 * s, 99 << 20, 30, -1}, {8 * s, 99 << 20, 90, -1}}, false, 0},
		{"no cgroup (fail -1): stall by memory and no success alone",
			[]obs{{1 * s, 99 << 20, -1, -1}, {6 * s, 99 << 20, -1, -1}}, true, 1 * s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newStallDetector(limit, 5*time.Second)
			var got bool
			var since time.Duration
			for _, o := range tt.obs {
				got, since = d.observe(o.at, o.mem, o.fail, o.lastSuccess)
			}
			if got != tt.wantStall || since != tt.wantSince {
				t.Errorf("observe(...) = %v, %s; want %v, %s", got, since, tt.wantStall, tt.wantSince)
			}
		})
	}
}
