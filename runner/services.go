package runner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/oomlab/oomlab/runner/pgtemp"
	"github.com/oomlab/oomlab/runner/proc"
	"github.com/oomlab/oomlab/scenarios"
)

// serviceStopGrace is how long a service gets to stop (a database's fast
// shutdown and the removal of its directory) before it is killed.
const serviceStopGrace = 15 * time.Second

// services are the scenario's services while the run lasts.
type services struct {
	list []*service
}

// service is one running (or checked) service.
type service struct {
	name string
	addr string        // host:port it listens on
	p    *proc.Process // nil for an address only checked
}

// startServices starts (or checks) every service in order and waits until
// each is ready. On failure it stops those already started.
func startServices(ctx context.Context, specs []scenarios.Service, opts Options) (*services, error) {
	s := &services{}
	for _, spec := range specs {
		sv, err := startService(ctx, spec, opts)
		if err != nil {
			_ = s.stop()
			return nil, fmt.Errorf("runner: service %s: %w", spec.Name, err)
		}
		s.list = append(s.list, sv)
		fmt.Fprintf(opts.Log, "service     %s  %s\n", sv.name, sv.addr)
	}
	return s, nil
}

func startService(ctx context.Context, spec scenarios.Service, opts Options) (*service, error) {
	rctx, cancel := context.WithTimeout(ctx, spec.ReadyTimeout.D())
	defer cancel()
	if spec.Address != "" {
		return &service{name: spec.Name, addr: spec.Address}, dialUntil(rctx, spec.Address)
	}
	port, err := proc.FreePort("127.0.0.1")
	if err != nil {
		return nil, err
	}
	sv := &service{name: spec.Name, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	env := append(os.Environ(), "PORT="+strconv.Itoa(port))
	for k, v := range spec.Env {
		env = append(env, k+"="+v)
	}
	ps := proc.Spec{Name: spec.Name, Env: env}
	ready := make(chan struct{})
	switch spec.Builtin {
	case scenarios.ServicePostgres:
		// A guard process: it removes the database's directory when
		// stopped and when this harness dies (see package pgtemp).
		ps.Argv = []string{opts.Executable, "service", string(spec.Builtin), "--port", strconv.Itoa(port)}
		ps.DeathSignal = syscall.SIGTERM
		var once bool
		ps.OnStdoutLine = func(line string) {
			if !once && line == pgtemp.ReadyLine {
				once = true
				close(ready)
			}
		}
	default:
		for _, w := range spec.Command {
			ps.Argv = append(ps.Argv, strings.ReplaceAll(w, "${PORT}", strconv.Itoa(port)))
		}
	}
	// The service lives for the whole run and is stopped by stop, with
	// the time a database needs to shut down and remove its directory; an
	// interrupted ctx must not kill it after proc's short grace. (If the
	// harness dies, Pdeathsig still ends it.)
	if sv.p, err = proc.Start(context.WithoutCancel(ctx), ps); err != nil {
		return nil, err
	}
	if ps.OnStdoutLine == nil {
		err = proc.WaitReady(rctx, sv.p, sv.addr, "")
	} else {
		err = waitLine(rctx, sv.p, ready)
	}
	if err != nil {
		sv.p.Stop(serviceStopGrace)
		<-sv.p.Done()
		return nil, err
	}
	return sv, nil
}

// waitLine waits until ready is closed, p exits, or ctx ends.
func waitLine(ctx context.Context, p *proc.Process, ready <-chan struct{}) error {
	select {
	case <-ready:
		return nil
	case <-p.Done():
		return fmt.Errorf("exited before it was ready (%s); stderr tail:\n%s", p.ExitString(), p.StderrTail())
	case <-ctx.Done():
		return fmt.Errorf("not ready: %w; stderr tail:\n%s", ctx.Err(), p.StderrTail())
	}
}

// dialUntil connects to addr every 100ms until it succeeds or ctx ends.
func dialUntil(ctx context.Context, addr string) error {
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			return c.Close()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("nothing accepts connections on %s: %w", addr, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// addr is the address of the service called name ("" if none).
func (s *services) addr(name string) string {
	for _, sv := range s.list {
		if sv.name == name {
			return sv.addr
		}
	}
	return ""
}

// stop stops the started services, the last started first, and waits for
// each; safe on nil and to repeat.
func (s *services) stop() error {
	if s == nil {
		return nil
	}
	var errs []error
	for i := len(s.list) - 1; i >= 0; i-- {
		sv := s.list[i]
		if sv.p == nil {
			continue
		}
		if err := sv.p.Stop(serviceStopGrace); err != nil {
			errs = append(errs, fmt.Errorf("runner: stopping service %s: %w", sv.name, err))
		}
		<-sv.p.Done()
	}
	s.list = nil
	return errors.Join(errs...)
}
