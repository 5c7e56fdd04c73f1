package proc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// readyPoll is how often WaitReady tries to connect.
const readyPoll = 25 * time.Millisecond

// ErrNotLoopback is returned (wrapped) by CheckLoopback for any host that is
// not a loopback address.
var ErrNotLoopback = errors.New("proc: not a loopback address")

// WaitReady polls addr ("127.0.0.1:PORT") every 25 ms until a TCP connect
// succeeds or, when httpPath is not empty, until an HTTP GET of httpPath
// answers with any status below 500 (a redirect counts as an answer and is
// never followed). It returns an error at once if p
// exits first (the error carries the exit and the tail of p's stderr), and
// when ctx is done ("did not listen on 127.0.0.1:PORT within 10s" for a
// deadline). It never sleeps past ctx.
func WaitReady(ctx context.Context, p *Process, addr string, httpPath string) error {
	start := time.Now()
	var client *http.Client
	if httpPath != "" {
		if !strings.HasPrefix(httpPath, "/") {
			httpPath = "/" + httpPath
		}
		tr := &http.Transport{DisableKeepAlives: true, Proxy: nil}
		defer tr.CloseIdleConnections()
		// A redirect is an answer: never follow it, to this host or any other.
		client = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	t := time.NewTicker(readyPoll)
	defer t.Stop()
	for {
		if try(ctx, client, addr, httpPath) {
			return nil
		}
		select {
		case <-p.Done():
			return fmt.Errorf("proc: %s exited before listening on %s (%s); stderr tail:\n%s",
				p.Name(), addr, p.ExitString(), p.StderrTail())
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				// To 10 ms: the caller's budget began a moment before
				// start, so 499.6ms reads as the 500ms it gave.
				within := time.Since(start).Round(10 * time.Millisecond)
				if d, ok := ctx.Deadline(); ok {
					within = d.Sub(start).Round(10 * time.Millisecond)
				}
				return fmt.Errorf("proc: %s did not listen on %s within %s: %w", p.Name(), addr, within, ctx.Err())
			}
			return fmt.Errorf("proc: waiting for %s on %s: %w", p.Name(), addr, ctx.Err())
		case <-t.C:
		}
	}
}

// try makes one readiness attempt, bounded by a second and by ctx.
func try(ctx context.Context, client *http.Client, addr, httpPath string) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if client == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return false
		}
		c.Close()
		return true
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+httpPath, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode < 500
}

// FreePort binds port 0 on host, notes the port the kernel chose and
// releases it. Another process may take the port before it is used again;
// WaitReady's exit check catches a target that then fails to bind.
func FreePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("proc: free port on %s: %w", host, err)
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	if err != nil {
		return 0, fmt.Errorf("proc: free port on %s: %w", host, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return 0, fmt.Errorf("proc: free port on %s: %w", host, err)
	}
	return n, nil
}

// CheckLoopback returns nil only for a loopback host: an address in
// 127.0.0.0/8, ::1 (brackets allowed) or the name "localhost". A port, if
// present ("127.0.0.1:8080"), is ignored. Anything else, names included,
// wraps ErrNotLoopback: oomlab sends its load to loopback only.
func CheckLoopback(host string) error {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if strings.EqualFold(h, "localhost") {
		return nil
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("proc: host %q: %w", host, ErrNotLoopback)
}
