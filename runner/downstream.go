package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/oomlab/oomlab/fixtures/downstream"
	"github.com/oomlab/oomlab/fixtures/tcpproxy"
	"github.com/oomlab/oomlab/runner/results"
)

// downstreamer is what a run needs of its downstream, the mock HTTP server
// or the TCP fault proxy: a timeline restarted for each target, its
// figures for that target, and an end.
type downstreamer interface {
	// Begin restarts the timeline and the counters at t0.
	Begin(t0 time.Time)
	// Close stops it and waits for its goroutines; safe to repeat.
	Close() error
	// figures are the counters since Begin, as results.
	figures() results.Downstream
	// addr is DOWNSTREAM_ADDR: the proxy's host:port, "" for the mock.
	addr() string
}

// mockDown is the mock HTTP downstream.
type mockDown struct{ *downstream.Server }

var _ downstreamer = mockDown{}

func (mockDown) addr() string { return "" }

func (m mockDown) figures() results.Downstream {
	ds := m.Stats()
	return results.Downstream{
		Requests: ds.Requests, Completed: ds.Completed, Errors: ds.Errors,
		BytesAccepted: ds.BytesAccepted, GoodputRatio: ds.GoodputRatio,
	}
}

// proxyDown is the TCP fault proxy in front of a real service.
type proxyDown struct {
	*tcpproxy.Proxy
	upstream, listen string
}

var _ downstreamer = proxyDown{}

func (p proxyDown) addr() string { return p.listen }

// figures maps the proxy's counters onto the downstream's: Requests are
// connections and BytesAccepted the bytes passed to the upstream; the
// per-phase detail goes to Proxy.
func (p proxyDown) figures() results.Downstream {
	st := p.Stats()
	f := &results.ProxyFigures{
		Upstream: p.upstream, Connections: st.Connections, Waits: st.Waits, WaitSeconds: st.WaitTime.Seconds(),
		Resets: st.Resets, BytesToUpstream: st.BytesToUpstream, BytesToClient: st.BytesToClient,
		DialErrors: st.DialErrors, Phases: make([]results.ProxyPhase, 0, len(st.Phases)),
	}
	for _, ph := range st.Phases {
		f.Phases = append(f.Phases, results.ProxyPhase{
			Name: ph.Name, Connections: ph.Connections, Waits: ph.Waits, WaitSeconds: ph.WaitTime.Seconds(),
			Resets: ph.Resets, BytesToUpstream: ph.BytesToUpstream, BytesToClient: ph.BytesToClient,
		})
	}
	return results.Downstream{
		Requests: st.Connections, Completed: st.Connections - st.Resets - st.DialErrors, BytesAccepted: st.BytesToUpstream,
		GoodputRatio: st.GoodputRatio, Proxy: f,
	}
}

// newDownstream starts a downstream (for the target called name when
// targets run in parallel, each with its own; "" otherwise): the TCP
// fault proxy in front of downstream.proxy's upstream, or the mock HTTP
// server. It returns it with its DOWNSTREAM_URL (tcp://HOST:PORT for the
// proxy). The services must have been started.
func (h *harness) newDownstream(ctx context.Context, name string) (downstreamer, string, error) {
	sc := h.opts.Scenario
	label := ""
	if name != "" {
		label = "  for " + name
	}
	px := sc.Downstream.Proxy
	if !px.Enabled() {
		m := downstream.New(timelinePhases(sc))
		url, err := m.Start(ctx, "127.0.0.1:0")
		if err != nil {
			return nil, "", fmt.Errorf("runner: starting the mock downstream%s: %w", label, err)
		}
		fmt.Fprintf(h.opts.Log, "downstream  %s%s  (%d phases)\n", url, label, len(sc.Downstream.Phases))
		return mockDown{m}, url, nil
	}
	upstream := px.Upstream
	if px.Service != "" {
		upstream = h.services.addr(px.Service)
	}
	p := tcpproxy.New(upstream, timelinePhases(sc))
	listen, err := p.Start(ctx, "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("runner: starting the TCP fault proxy%s: %w", label, err)
	}
	fmt.Fprintf(h.opts.Log, "downstream  proxy %s -> %s%s  (%d phases)\n", listen, upstream, label, len(sc.Downstream.Phases))
	return proxyDown{p, upstream, listen}, "tcp://" + listen, nil
}
