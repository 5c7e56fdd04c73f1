//go:build linux

package proc

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
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

// TestWaitReadyNeverFollowsRedirects: a target answering its readiness
// path with a redirect to another host is ready, and the other host is
// never asked.
func TestWaitReadyNeverFollowsRedirects(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	target := httptest.NewServer(http.RedirectHandler(other.URL+"/steal", http.StatusFound))
	defer target.Close()
	p := startT(t, context.Background(), helperSpec("sleep"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := WaitReady(ctx, p, strings.TrimPrefix(target.URL, "http://"), "/healthz"); err != nil {
		t.Fatalf("WaitReady(redirecting target) = %v; want ready", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect's host was asked %d times; want never", n)
	}
}

// TestExitedEarly: a process that exits at once is explained by its exit
// status and stderr; one that runs leaves the error as it was.
func TestExitedEarly(t *testing.T) {
	setup := errors.New("sample: process is gone")
	p := startT(t, context.Background(), helperSpec("exit", "3", "cannot load config: boom"))
	waitDone(t, p, 10*time.Second)
	err := p.ExitedEarly(setup)
	for _, want := range []string{"exited at once", "exit status 3", "cannot load config: boom"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ExitedEarly() = %v; want it to say %q", err, want)
		}
	}
	running := startT(t, context.Background(), helperSpec("sleep"))
	if err := running.ExitedEarly(setup); err != setup {
		t.Errorf("ExitedEarly(running) = %v; want the error unchanged", err)
	}
}
