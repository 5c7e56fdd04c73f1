package load

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/influxdata/tdigest"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/oomlab/oomlab/runner/results"
)

var t0 = time.Unix(1_000_000, 0)

func result(start, latency time.Duration, code uint16, err string) *vegeta.Result {
	return &vegeta.Result{Timestamp: t0.Add(start), Latency: latency, Code: code, Error: err}
}

func TestAggregatorStagesAndWindows(t *testing.T) {
	p := StagedPacer{Stages: []Stage{{Rate: 10, Duration: time.Second}, {Rate: 20, Duration: time.Second}}}
	var rows []results.LoadRow
	a := newAggregator(p, t0, time.Second, func(r results.LoadRow) { rows = append(rows, r) }, nil)

	a.add(result(100*time.Millisecond, 10*time.Millisecond, 200, ""), 2)
	a.add(result(200*time.Millisecond, 30*time.Millisecond, 503, "503 Service Unavailable"), 3)
	a.tick(time.Second, 10)                                                                        // closes window 0
	a.add(result(250*time.Millisecond, 1500*time.Millisecond, 503, "503 Service Unavailable"), 11) // too slow to be shed
	// Started in stage 0 (window 0) but finished in window 1: a late result.
	a.add(result(900*time.Millisecond, 400*time.Millisecond, 0, `Get "http://127.0.0.1:1/": read tcp 127.0.0.1:5->127.0.0.1:1: read: connection reset by peer`), 12)
	a.add(result(1500*time.Millisecond, 20*time.Millisecond, 302, ""), 20)
	// Finishes after the end of window 1, before any tick: closes window 1 first.
	a.add(result(1990*time.Millisecond, 50*time.Millisecond, 200, ""), 30)
	stages := a.finish(2100*time.Millisecond, 2*time.Second, 30, []time.Duration{0, 1500 * time.Millisecond})

	wantRows := []results.LoadRow{
		{TSeconds: 1, OfferedPerSecond: 10, Sent: 10, Done: 2, Successes: 1, Shed: 1, P50Ms: 20, P95Ms: 30, P99Ms: 30, MaxMs: 30},
		{TSeconds: 2, OfferedPerSecond: 20, Sent: 20, Done: 3, Successes: 1, Errors: 2, P50Ms: 400, P95Ms: 1500, P99Ms: 1500, MaxMs: 1500},
		{TSeconds: 2.1, OfferedPerSecond: 0, Sent: 0, Done: 1, Successes: 1, Errors: 0, P50Ms: 50, P95Ms: 50, P99Ms: 50, MaxMs: 50},
	}
	if !reflect.DeepEqual(rows, wantRows) {
		t.Errorf("rows = %+v\nwant %+v", rows, wantRows)
	}
	if len(stages) != 2 {
		t.Fatalf("len(stages) = %d; want 2", len(stages))
	}
	s0 := stages[0]
	want0 := results.Stage{Index: 0, OfferedRatePerSecond: 10, AchievedRatePerSecond: 4, Behind: true, Requests: 4, Successes: 1,
		Shed: 1, SuccessRatio: 1.0 / 4, StatusCodes: map[string]uint64{"200": 1, "503": 2, "0": 1},
		Errors:        []results.ErrorCount{{Error: "503 Service Unavailable", Count: 1}, {Error: "read tcp: read: connection reset by peer", Count: 1}},
		LatencyMeanMs: 1940.0 / 4, LatencyMaxMs: 1500, DurationSeconds: 1,
		LatencyDigest: results.Digest{{10, 1}, {30, 1}, {400, 1}, {1500, 1}}} // milliseconds, one centroid a result
	s0.LatencyP50Ms, s0.LatencyP95Ms, s0.LatencyP99Ms = 0, 0, 0 // checked below
	if !reflect.DeepEqual(s0, want0) {
		t.Errorf("stages[0] = %+v\nwant %+v", s0, want0)
	}
	if got := stages[0].LatencyP50Ms; got < 30 || got > 400 {
		t.Errorf("stages[0].LatencyP50Ms = %v; want 30 to 400", got)
	}
	if got := stages[1]; got.Requests != 2 || got.Successes != 2 || got.MaxLagSeconds != 1.5 || !got.Behind || len(got.Errors) != 0 {
		t.Errorf("stages[1] = %+v; want 2 requests, 2 successes, lag 1.5 s, behind, no errors", got)
	}
}

func TestAggregatorTicksWithoutResults(t *testing.T) {
	p := StagedPacer{Stages: []Stage{{Rate: 100, Duration: 3 * time.Second}}}
	var rows []results.LoadRow
	a := newAggregator(p, t0, 500*time.Millisecond, func(r results.LoadRow) { rows = append(rows, r) }, nil)
	// A tick that comes late closes every window that ended.
	a.tick(1600*time.Millisecond, 40)
	if len(rows) != 3 {
		t.Fatalf("after tick at 1.6 s: %d rows; want 3", len(rows))
	}
	for i, r := range rows {
		if want := 0.5 * float64(i+1); r.TSeconds != want || r.OfferedPerSecond != 100 || r.Done != 0 {
			t.Errorf("rows[%d] = %+v; want TSeconds %v, OfferedPerSecond 100, Done 0", i, r, want)
		}
	}
	if got := a.stages[0].maxLag; got != 1200*time.Millisecond {
		t.Errorf("maxLag = %v; want 1.2s (160 expected, 40 sent, at 100/s)", got)
	}
}

func TestAggregatorInterrupted(t *testing.T) {
	p := StagedPacer{Stages: []Stage{{Rate: 10, Duration: 10 * time.Second}, {Rate: 10, Duration: time.Second}}}
	a := newAggregator(p, t0, time.Second, nil, nil)
	a.add(result(100*time.Millisecond, time.Millisecond, 0, "EOF"), 1)
	a.interrupt(1500 * time.Millisecond)
	a.add(result(1000*time.Millisecond, 600*time.Millisecond, 0, "read tcp 1.2.3.4:5->1.2.3.4:6: use of closed network connection"), 15)
	a.add(result(1400*time.Millisecond, 200*time.Millisecond, 200, ""), 15)
	stages := a.finish(1600*time.Millisecond, 1500*time.Millisecond, 15, nil)
	if len(stages) != 1 {
		t.Fatalf("len(stages) = %d; want 1 (the second stage never began)", len(stages))
	}
	s := stages[0]
	wantErrs := []results.ErrorCount{{Error: "EOF", Count: 1}, {Error: interruptedKind, Count: 1}}
	if !reflect.DeepEqual(s.Errors, wantErrs) || s.DurationSeconds != 1.5 || s.Requests != 3 {
		t.Errorf("stage = %+v; want errors %+v, duration 1.5 s, 3 requests", s, wantErrs)
	}
	if math.Abs(s.AchievedRatePerSecond-2) > 1e-9 {
		t.Errorf("AchievedRatePerSecond = %v; want 2", s.AchievedRatePerSecond)
	}
}

func TestStageBehind(t *testing.T) {
	spec := Stage{Rate: 100, Duration: 60 * time.Second}
	tests := []struct {
		name     string
		requests uint64
		ran, lag time.Duration
		want     bool
	}{
		{"on time", 6000, 60 * time.Second, 0, false},
		{"lag within 5% of a long stage", 6000, 60 * time.Second, 2900 * time.Millisecond, false},
		{"lag beyond 5%", 6000, 60 * time.Second, 3100 * time.Millisecond, true},
		{"short stage, lag under 1 s", 100, time.Second, 900 * time.Millisecond, false},
		{"short stage, lag over 1 s", 100, time.Second, 1100 * time.Millisecond, true},
		{"too few sent", 5600, 60 * time.Second, 0, true},
		{"rounding grace", 1, 20 * time.Millisecond, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := stageAcc{requests: tt.requests, codes: map[uint16]uint64{}, latencies: tdigest.NewWithCompression(digestCompression)}
			if got := s.result(0, spec, tt.ran, tt.lag).Behind; got != tt.want {
				t.Errorf("Behind(requests %d, ran %v, lag %v) = %v; want %v", tt.requests, tt.ran, tt.lag, got, tt.want)
			}
		})
	}
}

func BenchmarkAggregatorAdd(b *testing.B) {
	p := StagedPacer{Stages: []Stage{{Rate: 1000, Duration: time.Hour}}}
	for _, bc := range []struct {
		name string
		res  vegeta.Result
	}{
		{"success", vegeta.Result{Code: 200, Latency: 3 * time.Millisecond}},
		{"error", vegeta.Result{Error: `Post "http://127.0.0.1:8080/": read tcp 127.0.0.1:54321->127.0.0.1:8080: read: connection reset by peer`, Latency: time.Millisecond}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			a := newAggregator(p, t0, time.Second, func(results.LoadRow) {}, nil)
			r := bc.res
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				// 10,000 results a second, with latencies that vary.
				r.Timestamp = t0.Add(time.Duration(i) * 100 * time.Microsecond)
				r.Latency = bc.res.Latency + time.Duration(i%997)*time.Microsecond
				a.add(&r, uint64(i))
			}
		})
	}
}
