package runner

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// memRecorder keeps what it is told, for tests.
type memRecorder struct {
	mu       sync.Mutex
	info     *results.RunInfo
	header   *results.Results // results.json as on disk when the run started
	samples  map[string]int
	windows  map[string]int
	events   []results.RunEvent
	finished *results.Results
	dir      string
}

var _ Recorder = (*memRecorder)(nil)

func (m *memRecorder) RunStarted(i results.RunInfo) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.info = &i
	m.samples, m.windows = map[string]int{}, map[string]int{}
	if b, err := os.ReadFile(filepath.Join(m.dir, results.ResultsFile)); err == nil {
		var r results.Results
		if json.Unmarshal(b, &r) == nil {
			m.header = &r
		}
	}
}

func (m *memRecorder) Sample(row results.SampleRow) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.samples[row.Target]++
}

func (m *memRecorder) LoadWindow(row results.LoadRow) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.windows[row.Target]++
}

func (m *memRecorder) Event(e results.RunEvent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, e)
}

func (m *memRecorder) RunFinished(r *results.Results) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finished = r
}

func (m *memRecorder) kinds(target string) []results.EventKind {
	var out []results.EventKind
	for _, e := range m.events {
		if e.Target == target {
			out = append(out, e.Kind)
		}
	}
	return out
}

// TestRunParallel runs the naive and the aware proxy at the same time:
// each with its own cgroup, downstream and load, on one clock, and a
// recorder sees the run from header to finish.
func TestRunParallel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real targets for about 10 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	rec := &memRecorder{dir: dir}
	start := time.Now()
	res, _, err := runScenario(t, ctx, parse(t, shortUpload), Options{OutDir: dir, Parallel: true, Recorder: rec})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	wall := time.Since(start)
	naive, aware := res.Targets[0], res.Targets[1]
	if naive.Outcome != results.OutcomeOOMKilled && naive.Outcome != results.OutcomeLimitStall {
		t.Errorf("naive outcome = %s (%s); want oom-killed or limit-stall", naive.Outcome, naive.OutcomeDetail)
	}
	if aware.Outcome != results.OutcomeSurvived {
		t.Errorf("aware outcome = %s (%s); want survived", aware.Outcome, aware.OutcomeDetail)
	}
	if d := naive.LoadStartedAt.Sub(aware.LoadStartedAt); d.Abs() > 3*time.Second {
		t.Errorf("loads started %v apart; want one clock (< 3 s)", d)
	}
	// Sequentially the load alone would take 2 × 8 s.
	if wall > 15*time.Second+aware.LoadStartedAt.Sub(start) {
		t.Logf("parallel run took %v", wall)
	}
	if aware.Downstream.Requests == 0 || naive.Downstream.Requests == 0 {
		t.Errorf("downstream requests naive %d, aware %d; want each its own, both > 0", naive.Downstream.Requests, aware.Downstream.Requests)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.info == nil || len(rec.info.Targets) != 2 || !rec.info.Parallel || len(rec.info.Stages) != 2 {
		t.Fatalf("RunStarted = %+v; want 2 targets, parallel, 2 stages", rec.info)
	}
	if rec.header == nil || !rec.header.Partial || len(rec.header.Targets) != 2 {
		t.Errorf("header results.json at start = %+v; want partial with the 2 targets planned", rec.header)
	}
	if rec.finished != res {
		t.Errorf("RunFinished got %p; want the returned results %p", rec.finished, res)
	}
	for _, name := range []string{"naive", "aware"} {
		if rec.samples[name] < 5 || rec.windows[name] < 1 {
			t.Errorf("%s: %d samples, %d load windows recorded; want ≥ 5 and ≥ 1", name, rec.samples[name], rec.windows[name])
		}
		k := rec.kinds(name)
		for _, want := range []results.EventKind{results.EventLoadStarted, results.EventStage, results.EventPhase, results.EventTargetDone} {
			if !slices.Contains(k, want) {
				t.Errorf("%s: events %v; want a %s", name, k, want)
			}
		}
	}
	if !slices.Contains(rec.kinds("naive"), results.EventDeath) || slices.Contains(rec.kinds("aware"), results.EventDeath) {
		t.Errorf("death events naive %v, aware %v; want one for naive only", rec.kinds("naive"), rec.kinds("aware"))
	}
}

func TestTimelineAdvance(t *testing.T) {
	res := &results.Results{
		Stages: []results.StageSpan{{Index: 0, StartSeconds: 0, EndSeconds: 10}, {Index: 1, StartSeconds: 10, EndSeconds: 20}},
		Phases: []results.PhaseSpan{{Name: "healthy", StartSeconds: 0, EndSeconds: 5}, {Name: "slow", StartSeconds: 5, EndSeconds: 20}},
	}
	m := newTimeline(res)
	type step struct {
		t    float64
		want []string
	}
	for _, s := range []step{
		{0.1, []string{"stage 0", "phase healthy"}},
		{3, nil},
		{5.05, []string{"phase slow"}},
		{10.1, []string{"stage 1"}},
		{19.9, nil},
		{25, nil}, // past the end: still the last ones, nothing new
	} {
		var got []string
		for _, e := range m.advance("x", s.t) {
			switch e.Kind {
			case results.EventStage:
				got = append(got, "stage "+string(rune('0'+e.Stage)))
			case results.EventPhase:
				got = append(got, "phase "+e.Phase)
			}
		}
		if !slices.Equal(got, s.want) {
			t.Errorf("advance(%v) = %v; want %v", s.t, got, s.want)
		}
	}
}

func TestSpanIndex(t *testing.T) {
	starts, ends := []float64{0, 10, 20}, []float64{10, 20, math.Inf(1)}
	st := func(i int) float64 { return starts[i] }
	en := func(i int) float64 { return ends[i] }
	for _, tt := range []struct {
		t    float64
		want int
	}{{-1, -1}, {0, 0}, {9.99, 0}, {10, 1}, {25, 2}} {
		if got := spanIndex(3, st, en, tt.t); got != tt.want {
			t.Errorf("spanIndex(%v) = %d; want %d", tt.t, got, tt.want)
		}
	}
}

func TestFanOut(t *testing.T) {
	a, b := &memRecorder{}, &memRecorder{}
	f := fanOut{a, b}
	f.RunStarted(results.RunInfo{Scenario: "s"})
	f.Sample(results.SampleRow{Target: "x"})
	f.LoadWindow(results.LoadRow{Target: "x"})
	f.Event(results.RunEvent{Kind: results.EventDeath, Target: "x"})
	f.RunFinished(&results.Results{})
	for i, m := range []*memRecorder{a, b} {
		if m.info == nil || m.samples["x"] != 1 || m.windows["x"] != 1 || len(m.events) != 1 || m.finished == nil {
			t.Errorf("recorder %d missed a call: %+v", i, m)
		}
	}
}
