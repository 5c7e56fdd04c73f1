package results

import (
	"testing"
	"time"
)

func TestIsShed(t *testing.T) {
	tests := []struct {
		code    uint16
		latency time.Duration
		want    bool
	}{
		{503, 2 * time.Millisecond, true},
		{429, 900 * time.Millisecond, true},
		{503, ShedMaxLatency, true},
		{503, ShedMaxLatency + time.Millisecond, false}, // held first, then failed
		{500, time.Millisecond, false},
		{502, time.Millisecond, false},
		{200, time.Millisecond, false},
		{0, time.Millisecond, false},
	}
	for _, tt := range tests {
		if got := IsShed(tt.code, tt.latency); got != tt.want {
			t.Errorf("IsShed(%d, %v) = %v; want %v", tt.code, tt.latency, got, tt.want)
		}
	}
}
