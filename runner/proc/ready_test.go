//go:build linux

package proc

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWaitReady(t *testing.T) {
	tests := []struct {
		name    string
		mode    string
		args    func(addr string) []string
		path    string
		timeout time.Duration
		wantErr []string // substrings; nil means success
	}{
		{name: "tcp", mode: "listen", args: one, timeout: 10 * time.Second},
		{name: "http ok", mode: "listen", args: one, path: "/ok", timeout: 10 * time.Second},
		{name: "http 500 is not ready", mode: "listen", args: one, path: "/fail", timeout: 500 * time.Millisecond,
			wantErr: []string{"did not listen on 127.0.0.1:", "within 500ms"}},
		{name: "exits early", mode: "exit", args: func(string) []string { return []string{"3", "cannot bind: boom"} },
			timeout: 10 * time.Second, wantErr: []string{"exited before listening", "exit status 3", "cannot bind: boom"}},
		{name: "never listens", mode: "sleep", args: func(string) []string { return nil }, timeout: 300 * time.Millisecond,
			wantErr: []string{"did not listen on 127.0.0.1:", "within 300ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port, err := FreePort("127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			addr := "127.0.0.1:" + strconv.Itoa(port)
			p := startT(t, context.Background(), helperSpec(tt.mode, tt.args(addr)...))
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			err = WaitReady(ctx, p, addr, tt.path)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("WaitReady() = %v; want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("WaitReady() = nil; want error with %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("WaitReady() = %v; want it to contain %q", err, w)
				}
			}
		})
	}
}

func one(addr string) []string { return []string{addr} }

func TestWaitReadyCanceled(t *testing.T) {
	p := startT(t, context.Background(), helperSpec("sleep"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := WaitReady(ctx, p, "127.0.0.1:1", "")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("WaitReady(canceled) = %v; want context.Canceled", err)
	}
}

func TestFreePort(t *testing.T) {
	port, err := FreePort("127.0.0.1")
	if err != nil || port <= 0 {
		t.Fatalf("FreePort() = %d, %v; want a port", port, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatalf("listen on FreePort() = %v", err)
	}
	l.Close()
	if _, err := FreePort("192.0.2.1"); err == nil {
		t.Errorf("FreePort(192.0.2.1) = nil error; want an error")
	}
}
