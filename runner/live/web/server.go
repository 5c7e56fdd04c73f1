package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"sync"
	"time"
)

//go:embed static
var static embed.FS

// writeTimeout bounds one write to a browser: a client that cannot take a
// message in this time is dropped.
const writeTimeout = 5 * time.Second

// keepAlive is how often an idle stream gets a comment line, so proxies
// and browsers keep it open.
const keepAlive = 15 * time.Second

// Server serves the page and the event stream of a Hub. Start it once;
// Close ends every stream and stops it.
type Server struct {
	hub  *Hub
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

// NewServer returns a server for hub.
func NewServer(hub *Hub) *Server {
	s := &Server{hub: hub, done: make(chan struct{})}
	mux := http.NewServeMux()
	sub, _ := fs.Sub(static, "static")
	mux.Handle("GET /", http.FileServerFS(sub))
	mux.HandleFunc("GET /events", s.events)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	return s
}

// Start listens on addr ("127.0.0.1:8080"; port 0 picks a free one) and
// serves in the background. It returns the page's URL.
func (s *Server) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("web: %w", err)
	}
	s.ln = ln
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener failed; Close still cleans up
		}
	}()
	return "http://" + ln.Addr().String() + "/", nil
}

// events streams the hub to one browser: the history first, then every
// message as it comes, until the browser leaves, falls behind, or the
// server closes.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	c, hist, ok := s.hub.subscribe()
	if !ok {
		http.Error(w, "too many browsers connected", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.unsubscribe(c)
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	write := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write([]byte("retry: 1000\n\n")) {
		return
	}
	for _, m := range hist {
		if !write(m) {
			return
		}
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case m, ok := <-c.ch:
			if !ok {
				return // dropped for falling behind, or the server closes
			}
			if !write(m) {
				return
			}
		case <-tick.C:
			if !write([]byte(": keep-alive\n\n")) {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

// Close ends every stream and stops the server. Safe to call more than
// once, and before Start.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		close(s.done)
		s.hub.closeAll()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = s.srv.Shutdown(ctx)
		s.wg.Wait()
	})
	return err
}
