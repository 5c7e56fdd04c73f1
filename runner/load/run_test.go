package load

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// server starts an httptest server with h and closes it when the test ends.
func server(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func fast(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	io.WriteString(w, "ok\n")
}

// sleeping answers after d, or gives up when the client goes away.
func sleeping(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
			io.WriteString(w, "late\n")
		case <-r.Context().Done():
		}
	}
}

func within(got, want, tolerance float64) bool { return math.Abs(got-want) <= tolerance }

// TestRunStages: each stage sends its rate for its duration, counted in
// its own stage and window. A request counts in the stage in which a
// worker sent it; a generator starved of CPU (a busy CI machine, other
// test binaries at once, -race) sends late — the pacer on time, its
// workers not — and its late requests land in the next stage, or it
// falls behind and says so. Such an attempt proves nothing about the
// counting and is run again, at most five times: a counting fault fails
// every attempt.
func TestRunStages(t *testing.T) {
	srv := server(t, fast)
	cfg := Config{URL: srv.URL + "/x", Body: []byte("hello"), MaxWorkers: 64, Stages: []Stage{
		{Rate: 50, Duration: time.Second}, {Rate: 100, Duration: time.Second}, {Rate: 200, Duration: time.Second},
	}}
	const attempts = 5
	for attempt := 1; ; attempt++ {
		var rows []results.LoadRow
		stages, err := runStages(context.Background(), cfg, func(r results.LoadRow) { rows = append(rows, r) })
		if err != nil {
			t.Fatalf("Run() error = %v", err)
		}
		if len(stages) != 3 {
			t.Fatalf("Run() returned %d stages; want 3", len(stages))
		}
		late := slices.IndexFunc(stages, func(s results.Stage) bool {
			offered := cfg.Stages[s.Index].Rate
			return s.Behind || !within(float64(s.Requests), offered, 0.05*offered+1)
		})
		if late < 0 || attempt == attempts {
			checkStages(t, cfg, stages, rows)
			return
		}
		s := stages[late]
		t.Logf("attempt %d: stage %d sent %d of %v (behind %v, pacer lag %.2f s): starved of CPU; running again", attempt, late, s.Requests, s.OfferedRatePerSecond, s.Behind, s.MaxLagSeconds)
	}
}

func checkStages(t *testing.T, cfg Config, stages []results.Stage, rows []results.LoadRow) {
	t.Helper()
	var total uint64
	for i, s := range stages {
		offered := cfg.Stages[i].Rate
		total += s.Requests
		if !within(float64(s.Requests), offered, 0.05*offered+1) {
			t.Errorf("stage %d: Requests = %d; want %v ± 5%%", i, s.Requests, offered)
		}
		if s.SuccessRatio != 1 || s.StatusCodes["200"] != s.Requests || len(s.Errors) != 0 {
			t.Errorf("stage %d: SuccessRatio = %v, StatusCodes = %v, Errors = %v; want 1, all 200, none", i, s.SuccessRatio, s.StatusCodes, s.Errors)
		}
		if s.Index != i || s.OfferedRatePerSecond != offered || s.DurationSeconds != 1 || s.Behind {
			t.Errorf("stage %d: Index %d, Offered %v, Duration %v, Behind %v; want %d, %v, 1, false", i, s.Index, s.OfferedRatePerSecond, s.DurationSeconds, s.Behind, i, offered)
		}
		if s.BytesOut < s.Requests*uint64(len(cfg.Body)) || s.BytesIn < s.Requests*3 {
			t.Errorf("stage %d: BytesOut = %d, BytesIn = %d; want at least the bodies (%d, %d)", i, s.BytesOut, s.BytesIn, s.Requests*5, s.Requests*3)
		}
		if s.LatencyP50Ms <= 0 || s.LatencyP99Ms < s.LatencyP50Ms || s.LatencyMaxMs < s.LatencyP99Ms {
			t.Errorf("stage %d: latencies p50 %v, p99 %v, max %v; want 0 < p50 <= p99 <= max", i, s.LatencyP50Ms, s.LatencyP99Ms, s.LatencyMaxMs)
		}
	}
	if len(rows) < 3 || len(rows) > 4 {
		t.Fatalf("onWindow called %d times; want 3 or 4 (3 full windows and the drain)", len(rows))
	}
	var sent, done uint64
	for i, r := range rows {
		sent += r.Sent
		done += r.Done
		if i > 0 && r.TSeconds <= rows[i-1].TSeconds {
			t.Errorf("rows[%d].TSeconds = %v after %v; want increasing", i, r.TSeconds, rows[i-1].TSeconds)
		}
		// The last window may close a little early: the attack ends when
		// its last request is answered.
		if i < 3 && (!within(r.TSeconds, float64(i+1), 0.05) || !within(r.OfferedPerSecond, cfg.Stages[i].Rate, 1e-9)) {
			t.Errorf("rows[%d] = %+v; want TSeconds %d, OfferedPerSecond %v", i, r, i+1, cfg.Stages[i].Rate)
		}
	}
	if sent != total || done != total {
		t.Errorf("rows sum to Sent %d, Done %d; want %d both", sent, done, total)
	}
}

func TestRunSlowServerFallsBehind(t *testing.T) {
	srv := server(t, sleeping(300*time.Millisecond))
	cfg := Config{URL: srv.URL, MaxWorkers: 5, Stages: []Stage{{Rate: 100, Duration: 1500 * time.Millisecond}}}
	stages, err := runStages(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	s := stages[0]
	// 5 workers × 1.5 s / 0.3 s = 25 requests at most, of 150 offered.
	if !s.Behind || s.AchievedRatePerSecond >= s.OfferedRatePerSecond || s.Requests > 30 {
		t.Errorf("stage = Behind %v, Achieved %v/s, Requests %d; want behind, under 100/s, at most 30", s.Behind, s.AchievedRatePerSecond, s.Requests)
	}
	if s.MaxLagSeconds < 1 {
		t.Errorf("MaxLagSeconds = %v; want > 1", s.MaxLagSeconds)
	}
}

func TestRun503(t *testing.T) {
	srv := server(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "busy", http.StatusServiceUnavailable) })
	stages, err := runStages(context.Background(), Config{URL: srv.URL, Stages: []Stage{{Rate: 100, Duration: 500 * time.Millisecond}}}, nil)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	s := stages[0]
	if s.Requests == 0 || s.Successes != 0 || s.StatusCodes["503"] != s.Requests || len(s.StatusCodes) != 1 {
		t.Errorf("stage: Requests %d, Successes %d, StatusCodes %v; want all 503", s.Requests, s.Successes, s.StatusCodes)
	}
	// Answered at once: shed on purpose, not an error.
	if s.Shed != s.Requests || len(s.Errors) != 0 {
		t.Errorf("Shed = %d of %d, Errors = %+v; want all shed, no errors", s.Shed, s.Requests, s.Errors)
	}
}

// resetting answers every request by resetting its connection, so every
// error names a different local port.
func resetting(w http.ResponseWriter, r *http.Request) {
	c, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

func TestRunConnectionErrorsBounded(t *testing.T) {
	srv := server(t, resetting)
	cfg := Config{URL: srv.URL, MaxWorkers: 32, Stages: []Stage{{Rate: 500, Duration: 2 * time.Second}}}
	stages, err := runStages(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	s := stages[0]
	// ~1000 asked; a busy machine (-race, other tests) may manage fewer,
	// each from its own local port all the same.
	if s.Requests < 100 || s.Successes != 0 || s.StatusCodes["0"] != s.Requests {
		t.Errorf("stage: Requests %d, Successes %d, StatusCodes %v; want 100 to 1000, all code 0", s.Requests, s.Successes, s.StatusCodes)
	}
	if len(s.Errors) == 0 || len(s.Errors) > maxErrorKinds+1 {
		t.Errorf("len(Errors) = %d; want 1..%d", len(s.Errors), maxErrorKinds+1)
	}
	var n uint64
	for _, e := range s.Errors {
		n += e.Count
		if strings.Contains(e.Error, "127.0.0.1") {
			t.Errorf("error kind %q names an address; want it normalised", e.Error)
		}
	}
	if n != s.Requests {
		t.Errorf("error counts sum to %d; want %d", n, s.Requests)
	}
	t.Logf("%d requests, error kinds %+v", s.Requests, s.Errors)
}

func TestRunTimeout(t *testing.T) {
	srv := server(t, sleeping(5*time.Second))
	cfg := Config{URL: srv.URL, Timeout: 200 * time.Millisecond, Stages: []Stage{{Rate: 20, Duration: 500 * time.Millisecond}}}
	begin := time.Now()
	stages, err := runStages(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if el := time.Since(begin); el > 2*time.Second {
		t.Errorf("Run took %v; want about 0.7 s", el)
	}
	s := stages[0]
	if s.Requests == 0 || s.Successes != 0 || len(s.Errors) != 1 || s.Errors[0].Error != "request timeout (200ms) exceeded awaiting headers" {
		t.Errorf("stage: Requests %d, Successes %d, Errors %+v; want all timed out", s.Requests, s.Successes, s.Errors)
	}
	if s.LatencyMaxMs < 200 || s.LatencyMaxMs > 1000 {
		t.Errorf("LatencyMaxMs = %v; want about 200", s.LatencyMaxMs)
	}
}

func TestRunCancel(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		sleeping(time.Minute)(w, r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type ret struct {
		stages []results.Stage
		err    error
	}
	out := make(chan ret, 1)
	go func() {
		cfg := Config{URL: srv.URL, Stages: []Stage{{Rate: 50, Duration: time.Minute}, {Rate: 50, Duration: time.Minute}}}
		st, err := runStages(ctx, cfg, nil)
		out <- ret{st, err}
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("no request reached the server within 10 s")
	}
	cancel()
	cancelled := time.Now()
	var r ret
	select {
	case r = <-out:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5 s of cancel")
	}
	if el := time.Since(cancelled); el > time.Second {
		t.Errorf("Run returned %v after cancel; want within 1 s", el)
	}
	if !errors.Is(r.err, context.Canceled) {
		t.Errorf("Run() error = %v; want context.Canceled", r.err)
	}
	if len(r.stages) != 1 {
		t.Fatalf("Run() returned %d stages; want 1 (partial)", len(r.stages))
	}
	s := r.stages[0]
	if s.Requests == 0 || s.DurationSeconds >= 60 || len(s.Errors) != 1 || s.Errors[0].Error != interruptedKind || s.Errors[0].Count != s.Requests {
		t.Errorf("stage = %+v; want every request interrupted, duration under 60 s", s)
	}
}

// TestRunFinish: closing Config.Finish ends the schedule early as its
// end would: nothing more is sent, the requests in flight are answered
// (none aborted), no error, the stage figured as run until then, and the
// stage not begun left out. (Whether it fell behind is not asked: the
// server holds every request until the end, and so Vegeta's workers.)
func TestRunFinish(t *testing.T) {
	const held = 10 // requests in flight when the schedule is ended
	arrived := make(chan struct{}, held)
	release := make(chan struct{})
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-release
		io.WriteString(w, "ok\n")
	})
	finish := make(chan struct{})
	type ret struct {
		fig Figures
		err error
	}
	out := make(chan ret, 1)
	go func() {
		cfg := Config{URL: srv.URL, Finish: finish, Stages: []Stage{{Rate: 50, Duration: time.Minute}, {Rate: 50, Duration: time.Minute}}}
		fig, err := Run(context.Background(), cfg, nil)
		out <- ret{fig, err}
	}()
	for range held {
		select {
		case <-arrived:
		case <-time.After(30 * time.Second):
			t.Fatal("too few requests reached the server within 30 s")
		}
	}
	close(finish)
	// Whatever is still in flight is answered now: Run must wait for it.
	close(release)
	var r ret
	select {
	case r = <-out:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return within 30 s of the end of its schedule")
	}
	if r.err != nil {
		t.Fatalf("Run() error = %v; want none", r.err)
	}
	if len(r.fig.Stages) != 1 {
		t.Fatalf("Run() returned %d stages; want 1 (the second never began)", len(r.fig.Stages))
	}
	s := r.fig.Stages[0]
	if s.Requests < held || s.Successes != s.Requests || len(s.Errors) != 0 || s.DurationSeconds >= 60 {
		t.Errorf("stage = %+v; want every request sent answered, no error, cut before 60 s", s)
	}
}

func TestRunRefuses(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"remote", Config{URL: "http://192.0.2.1/", Stages: []Stage{{1, time.Second}}}, ErrNotLoopback},
		{"remote name", Config{URL: "http://example.com/", Stages: []Stage{{1, time.Second}}}, ErrNotLoopback},
		{"no stages", Config{URL: "http://127.0.0.1:1/"}, nil},
		{"zero rate", Config{URL: "http://127.0.0.1:1/", Stages: []Stage{{0, time.Second}}}, nil},
		{"NaN rate", Config{URL: "http://127.0.0.1:1/", Stages: []Stage{{math.NaN(), time.Second}}}, nil},
		{"zero duration", Config{URL: "http://127.0.0.1:1/", Stages: []Stage{{1, 0}}}, nil},
		{"negative timeout", Config{URL: "http://127.0.0.1:1/", Stages: []Stage{{1, time.Second}}, Timeout: -1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stages, err := runStages(context.Background(), tt.cfg, nil)
			if err == nil || stages != nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("Run(%+v) = %v, %v; want no stages and an error (%v)", tt.cfg, stages, err, tt.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "load: ") {
				t.Errorf("Run() error = %q; want the prefix \"load: \"", err)
			}
		})
	}
}

func TestRunAllowRemoteSkipsCheck(t *testing.T) {
	// With AllowRemote the loopback check is skipped; an address that
	// refuses connections at once shows it got as far as dialling.
	cfg := Config{URL: "http://127.0.0.1:1/", AllowRemote: true, Stages: []Stage{{Rate: 10, Duration: 200 * time.Millisecond}}}
	stages, err := runStages(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if s := stages[0]; s.Requests == 0 || len(s.Errors) != 1 || s.Errors[0].Error != "dial tcp: connect: connection refused" {
		t.Errorf("stage: Requests %d, Errors %+v; want connection refused", s.Requests, s.Errors)
	}
}

func TestRunRowsFlowWithoutResults(t *testing.T) {
	srv := server(t, sleeping(time.Second))
	type seen struct {
		row results.LoadRow
		at  time.Duration
	}
	var got []seen
	begin := time.Now()
	cfg := Config{URL: srv.URL, Window: 100 * time.Millisecond, Stages: []Stage{{Rate: 10, Duration: 500 * time.Millisecond}}}
	_, err := Run(context.Background(), cfg, func(r results.LoadRow) { got = append(got, seen{r, time.Since(begin)}) })
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	// Nothing finishes before 1 s, yet a row comes every 100 ms.
	if len(got) < 10 {
		t.Fatalf("onWindow called %d times; want at least 10", len(got))
	}
	for i, s := range got[:9] {
		want := 0.1 * float64(i+1)
		if !within(s.row.TSeconds, want, 1e-9) || s.row.Done != 0 {
			t.Errorf("rows[%d] = %+v; want TSeconds %v, Done 0", i, s.row, want)
		}
		if late := s.at.Seconds() - s.row.TSeconds; late > 0.25 {
			t.Errorf("rows[%d] came %.3f s after its window closed; want promptly", i, late)
		}
	}
	var sent, done uint64
	for _, s := range got {
		sent += s.row.Sent
		done += s.row.Done
	}
	if sent != 5 || done != 5 {
		t.Errorf("rows sum to Sent %d, Done %d; want 5 and 5", sent, done)
	}
}

// runStages is Run for the tests that look at stages only.
func runStages(ctx context.Context, cfg Config, onWindow func(results.LoadRow)) ([]results.Stage, error) {
	fig, err := Run(ctx, cfg, onWindow)
	return fig.Stages, err
}
