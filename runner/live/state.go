package live

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// target is what the display knows of one target: the latest figures,
// never a history.
type target struct {
	info      results.TargetInfo
	loadStart time.Time // zero until the load starts
	rssBytes  int64
	peakBytes int64
	// GC rate: the count at the start of the current one-second window.
	gcCount, gcPrev int64
	gcPrevT         float64
	gcPerSecond     float64 // NaN when the runtime's GC cannot be read
	last            results.LoadRow
	haveLoad        bool
	stage           int
	phase           string
	status          string // "" while running, else the outcome or "died: …"
	deaths          int
	done            bool
}

// state is the run as the display sees it. Safe for concurrent use.
type state struct {
	mu      sync.Mutex
	info    results.RunInfo
	targets []*target
	now     func() time.Time
}

func newState(now func() time.Time) *state {
	if now == nil {
		now = time.Now
	}
	return &state{now: now}
}

func (s *state) find(name string) *target {
	for _, t := range s.targets {
		if t.info.Name == name {
			return t
		}
	}
	return nil
}

func (s *state) start(info results.RunInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.info = info
	s.targets = s.targets[:0]
	for _, ti := range info.Targets {
		s.targets = append(s.targets, &target{info: ti, stage: -1, gcPerSecond: math.NaN(), gcPrevT: math.NaN()})
	}
}

func (s *state) sample(row results.SampleRow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.find(row.Target)
	if t == nil {
		return
	}
	t.rssBytes = row.RSSBytes
	t.peakBytes = max(t.peakBytes, row.RSSBytes)
	if row.GCCount < 0 {
		return
	}
	t.gcCount = row.GCCount
	switch {
	case math.IsNaN(t.gcPrevT) || row.TSeconds < t.gcPrevT:
		t.gcPrev, t.gcPrevT = row.GCCount, row.TSeconds
	case row.TSeconds-t.gcPrevT >= 1:
		t.gcPerSecond = float64(row.GCCount-t.gcPrev) / (row.TSeconds - t.gcPrevT)
		t.gcPrev, t.gcPrevT = row.GCCount, row.TSeconds
	}
}

func (s *state) window(row results.LoadRow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.find(row.Target); t != nil {
		t.last, t.haveLoad = row, true
	}
}

func (s *state) event(e results.RunEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.find(e.Target)
	if t == nil {
		return
	}
	switch e.Kind {
	case results.EventLoadStarted:
		t.loadStart = s.now()
	case results.EventStage:
		t.stage = e.Stage
	case results.EventPhase:
		t.phase = e.Phase
	case results.EventDeath:
		t.deaths++
		t.status = fmt.Sprintf("%s at %.1f s", e.Outcome, e.AtSeconds)
	case results.EventRestart:
		t.status = fmt.Sprintf("restarted ×%d", t.deaths)
	case results.EventTargetDone:
		t.done = true
		if t.status == "" || e.Outcome == results.OutcomeSurvived {
			t.status = e.Outcome
		}
	}
}

// loadSeconds is the schedule's length.
func (s *state) loadSeconds() float64 {
	if n := len(s.info.Stages); n > 0 {
		return s.info.Stages[n-1].EndSeconds
	}
	return 0
}

// memory is RSS against the limit in words: "134.2 MiB / 256 MiB".
func (s *state) memory(t *target) string {
	return fmt.Sprintf("%9s / %s", mibText(t.rssBytes), mibText(s.info.MemoryLimitBytes))
}

// peak is the largest RSS seen, for a target that has ended.
func (s *state) peak(t *target) string { return "peak " + mibText(t.peakBytes) }

func mibText(b int64) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

func formatMs(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.2fs", v/1000)
	}
	return fmt.Sprintf("%.0fms", v)
}

func trunc(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// width is the longest target name, for alignment.
func (s *state) width() int {
	w := 6
	for _, t := range s.targets {
		w = max(w, len(t.info.Name))
	}
	return w
}

// compact is a target's load figures for the terminal's second line,
// short enough for 80 columns: the phase goes on the first line.
func (s *state) compact(t *target) string {
	stage := "waiting"
	if !t.loadStart.IsZero() {
		left := s.loadSeconds() - s.now().Sub(t.loadStart).Seconds()
		stage = fmt.Sprintf("stage %d/%d %.0fs left", max(t.stage, 0)+1, len(s.info.Stages), math.Max(left, 0))
	}
	gc := "-"
	if !math.IsNaN(t.gcPerSecond) {
		gc = fmt.Sprintf("%.1f", t.gcPerSecond)
	}
	if !t.haveLoad {
		return fmt.Sprintf("%-18s GC %4s/s", stage, gc)
	}
	p95 := "-"
	if t.last.Done > 0 {
		p95 = formatMs(t.last.P95Ms)
	}
	return fmt.Sprintf("%-18s GC %4s/s  ok %3d/%.0f/s  p95 %6s  shed %3d/s  err %3d/s",
		stage, gc, t.last.Successes, t.last.OfferedPerSecond, p95, t.last.Shed, t.last.Errors)
}

// memoryPhase is RSS against the limit and the downstream's phase, for the
// terminal's first line.
func (s *state) memoryPhase(t *target) string {
	if t.phase == "" {
		return s.memory(t)
	}
	return s.memory(t) + "  " + trunc(t.phase, 12)
}
