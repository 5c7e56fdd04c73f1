package web

import (
	"encoding/json"
	"math"
	"sync"
	"sync/atomic"

	"github.com/oomlab/oomlab/runner/results"
)

// Bounds of what the hub keeps.
const (
	// maxHistoryPoints bounds the samples (and, separately, the load
	// windows) kept per target for browsers that connect later.
	maxHistoryPoints = 4000
	// maxEvents bounds the events kept; later ones are still streamed.
	maxEvents = 1000
	// clientBuffer is how many messages a client may fall behind before
	// it is dropped.
	clientBuffer = 512
	// maxClients bounds the browsers served at once.
	maxClients = 64
)

// Verdict is a target's verdict as the page shows it.
type Verdict struct {
	Target string   `json:"target"`
	Class  string   `json:"class"`
	Pass   bool     `json:"pass"`
	Lines  []string `json:"lines"`
}

// Point is one sample as sent to the page: seconds since the target's
// load start and MiB (null when unknown).
type Point struct {
	Target    string   `json:"target"`
	T         float64  `json:"t"`
	RSSMiB    float64  `json:"rss"`
	CgroupMiB *float64 `json:"cgroup"`
	GCCount   *int64   `json:"gc"`
	CPU       float64  `json:"cpu"`
}

// Window is one load window as sent to the page.
type Window struct {
	Target    string  `json:"target"`
	T         float64 `json:"t"`
	Offered   float64 `json:"offered"`
	Successes uint64  `json:"ok"`
	Errors    uint64  `json:"err"`
	P95Ms     float64 `json:"p95"`
}

// Finished is the end of a run: each target's outcome, and the verdicts
// once the report has judged them.
type Finished struct {
	Partial  bool             `json:"partial"`
	Targets  []FinishedTarget `json:"targets"`
	Verdicts []Verdict        `json:"verdicts,omitempty"`
}

// FinishedTarget is one target's outcome at the end.
type FinishedTarget struct {
	Name         string   `json:"name"`
	Outcome      string   `json:"outcome"`
	OOMAtSeconds *float64 `json:"oom_at_seconds"`
	RSSPeakMiB   float64  `json:"rss_peak_mib"`
	// Run is the target's load over the whole run, so that a finished
	// run's card shows what the target did, not its last second.
	Run RunFigures `json:"run"`
}

// RunFigures are a target's requests summed over every stage of its load.
type RunFigures struct {
	// Requests were sent; Successes answered 2xx; Shed turned away on
	// purpose (503/429, results.IsShed); Errors are the rest.
	Requests  uint64 `json:"requests"`
	Successes uint64 `json:"successes"`
	Shed      uint64 `json:"shed"`
	Errors    uint64 `json:"errors"`
	// WorstP95Ms is the highest stage p95, in milliseconds.
	WorstP95Ms float64 `json:"worst_p95_ms"`
}

// runFigures sums a target's stages.
func runFigures(stages []results.Stage) RunFigures {
	var f RunFigures
	for _, st := range stages {
		f.Requests += st.Requests
		f.Successes += st.Successes
		f.Shed += st.Shed
		f.WorstP95Ms = max(f.WorstP95Ms, st.LatencyP95Ms)
	}
	if f.Requests > f.Successes+f.Shed {
		f.Errors = f.Requests - f.Successes - f.Shed
	}
	return f
}

// message is one encoded Server-Sent Event.
type message []byte

func encode(kind string, v any) message {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{}`)
	}
	m := make([]byte, 0, len(b)+len(kind)+16)
	m = append(m, "event: "...)
	m = append(m, kind...)
	m = append(m, "\ndata: "...)
	m = append(m, b...)
	return append(m, '\n', '\n')
}

// series is one target's bounded history of one kind of message.
type series struct {
	msgs   []message
	stride int // keep one message in stride (doubles when full)
	seen   int
}

func (s *series) add(m message) {
	if s.stride == 0 {
		s.stride = 1
	}
	s.seen++
	if (s.seen-1)%s.stride != 0 {
		return
	}
	s.msgs = append(s.msgs, m)
	if len(s.msgs) >= maxHistoryPoints {
		kept := s.msgs[:0]
		for i := 0; i < len(s.msgs); i += 2 {
			kept = append(kept, s.msgs[i])
		}
		clear(s.msgs[len(kept):])
		s.msgs = kept
		s.stride *= 2
	}
}

// client is one connected browser: a bounded buffer the hub offers
// messages to and the handler drains.
type client struct {
	ch      chan message
	dropped atomic.Bool
}

// Hub keeps the run's state and history and fans messages out to the
// connected browsers. It implements the runner's Recorder; its methods
// never block. The zero value is not usable: call NewHub.
type Hub struct {
	mu       sync.Mutex
	info     message
	samples  map[string]*series
	windows  map[string]*series
	events   []message
	finished message
	verdicts message
	clients  map[*client]struct{}
	dropped  atomic.Int64
	sent     atomic.Int64
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{samples: map[string]*series{}, windows: map[string]*series{}, clients: map[*client]struct{}{}}
}

// broadcast offers m to every client without waiting; a client whose
// buffer is full is dropped. The caller holds h.mu.
func (h *Hub) broadcast(m message) {
	for c := range h.clients {
		select {
		case c.ch <- m:
			h.sent.Add(1)
		default:
			c.dropped.Store(true)
			close(c.ch)
			delete(h.clients, c)
			h.dropped.Add(1)
		}
	}
}

// RunStarted implements the runner's Recorder: a new run replaces the
// history.
func (h *Hub) RunStarted(info results.RunInfo) {
	m := encode("info", info)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.info, h.events, h.finished, h.verdicts = m, nil, nil, nil
	h.samples, h.windows = map[string]*series{}, map[string]*series{}
	h.broadcast(m)
}

func mibOrNil(b int64) *float64 {
	if b < 0 {
		return nil
	}
	v := math.Round(float64(b)/(1<<20)*100) / 100
	return &v
}

// Sample implements the runner's Recorder.
func (h *Hub) Sample(row results.SampleRow) {
	p := Point{Target: row.Target, T: math.Round(row.TSeconds*1000) / 1000, RSSMiB: math.Round(float64(row.RSSBytes)/(1<<20)*100) / 100,
		CgroupMiB: mibOrNil(row.CgroupUsageBytes), CPU: row.CPUPercent}
	if row.GCCount >= 0 {
		p.GCCount = &row.GCCount
	}
	h.keep(h.samples, row.Target, encode("sample", p))
}

// keep adds m to target's series in byTarget (made on first use) and
// sends it to every browser.
func (h *Hub) keep(byTarget map[string]*series, target string, m message) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := byTarget[target]
	if s == nil {
		s = &series{}
		byTarget[target] = s
	}
	s.add(m)
	h.broadcast(m)
}

// LoadWindow implements the runner's Recorder.
func (h *Hub) LoadWindow(row results.LoadRow) {
	h.keep(h.windows, row.Target, encode("window", Window{Target: row.Target, T: row.TSeconds, Offered: row.OfferedPerSecond,
		Successes: row.Successes, Errors: row.Errors, P95Ms: row.P95Ms}))
}

// Event implements the runner's Recorder.
func (h *Hub) Event(e results.RunEvent) {
	m := encode("event", e)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.events) < maxEvents {
		h.events = append(h.events, m)
	}
	h.broadcast(m)
}

// RunFinished implements the runner's Recorder.
func (h *Hub) RunFinished(res *results.Results) {
	f := Finished{Partial: res.Partial}
	for _, t := range res.Targets {
		f.Targets = append(f.Targets, FinishedTarget{Name: t.Name, Outcome: t.Outcome, OOMAtSeconds: t.OOMAtSeconds,
			RSSPeakMiB: math.Round(float64(t.RSSPeakBytes)/(1<<20)*10) / 10, Run: runFigures(t.Stages)})
	}
	m := encode("finished", f)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.finished = m
	h.broadcast(m)
}

// Verdicts sends the report's verdicts, once the run has been judged.
func (h *Hub) Verdicts(vs []Verdict) {
	m := encode("verdicts", vs)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.verdicts = m
	h.broadcast(m)
}

// subscribe registers a client and returns it with the history so far,
// atomically: nothing is missed or sent twice between the two.
func (h *Hub) subscribe() (*client, []message, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.clients) >= maxClients {
		return nil, nil, false
	}
	var hist []message
	if h.info != nil {
		hist = append(hist, h.info)
	}
	for _, s := range h.samples {
		hist = append(hist, s.msgs...)
	}
	for _, s := range h.windows {
		hist = append(hist, s.msgs...)
	}
	hist = append(hist, h.events...)
	for _, m := range []message{h.finished, h.verdicts} {
		if m != nil {
			hist = append(hist, m)
		}
	}
	c := &client{ch: make(chan message, clientBuffer)}
	h.clients[c] = struct{}{}
	return c, hist, true
}

// unsubscribe removes a client that went away; safe after a drop.
func (h *Hub) unsubscribe(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		close(c.ch)
	}
}

// closeAll ends every client's stream.
func (h *Hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		delete(h.clients, c)
		close(c.ch)
	}
}

// Stats says how many messages were handed to clients, how many clients
// were dropped for falling behind, and how many are connected.
func (h *Hub) Stats() (sent, dropped int64, clients int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sent.Load(), h.dropped.Load(), len(h.clients)
}
