package load

import (
	"errors"
	"testing"
)

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		url         string
		wantErr     bool
		notLoopback bool
	}{
		{"http://127.0.0.1:8080/", false, false},
		{"http://127.1.2.3/x", false, false},
		{"http://[::1]:80/", false, false},
		{"http://LOCALHOST:3000", false, false},
		{"http://[::ffff:127.0.0.1]:80/", false, false},
		{"http://10.0.0.1/", true, true},
		{"http://example.com/", true, true},
		{"http://localhost.example.com/", true, true},
		{"http://128.0.0.1/", true, true},
		{"http://[::2]/", true, true},
		{"/relative", true, true},
		{"http://%zz/", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := checkLoopback(tt.url)
			if (err != nil) != tt.wantErr || errors.Is(err, ErrNotLoopback) != tt.notLoopback {
				t.Errorf("checkLoopback(%q) = %v; want error %v, ErrNotLoopback %v", tt.url, err, tt.wantErr, tt.notLoopback)
			}
		})
	}
}
