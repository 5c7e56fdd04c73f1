package savedtest

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// This file generates realistic recorded runs, deterministically: the
// committed testdata (go test -run TestTestdata -update) and the large
// runs of the benchmark.

// Target describes one target's behaviour as functions of time since
// its load started.
type Target struct {
	Name, Role, Runtime string
	// EndAt is when the target died or was stopped (0: it ran to the end).
	EndAt   float64
	Outcome string                  // default survived
	RSS     func(t float64) float64 // MiB
	Heap    func(t float64) float64 // MiB; < 0 unknown
	GCRate  func(t float64) float64 // cycles per second; < 0 unknown
	CPU     func(t float64) float64 // percent of one core
	P95Ms   func(t float64) float64
	Success func(t float64) float64 // share of finished requests that succeed
	Expect  scenarios.Expectation
}

// Spec describes a synthetic run: its scenario, rate stages (each
// StageSeconds long), downstream phases, sampling interval, memory limit
// and targets, and the request kinds of its load (none: one request, a
// run made before kinds existed). Building one is deterministic.
type Spec struct {
	Scenario, Pattern string
	Rates             []float64
	StageSeconds      float64
	Phases            []results.PhaseSpan
	Interval          float64 // sampling, seconds
	LimitMiB          float64
	Targets           []Target
	Kinds             []Kind
	// Requests is the scenario's load.requests (the kinds' names and
	// weights), when the run has Kinds.
	Requests []scenarios.RequestKind
}

// Epoch is when every synthetic run starts.
var Epoch = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func (s Spec) loadSeconds() float64 { return s.StageSeconds * float64(len(s.Rates)) }

func (s Spec) rateAt(t float64) float64 {
	i := min(int(t/s.StageSeconds), len(s.Rates)-1)
	return s.Rates[max(i, 0)]
}

// build returns the results and the CSV rows of the run.
func (s Spec) build() (*results.Results, []results.SampleRow, []results.LoadRow) {
	sc := &scenarios.Scenario{Name: s.Scenario, Pattern: s.Pattern,
		Description:    "An upload proxy forwards 1 MiB bodies to a downstream that slows down.",
		MemoryLimit:    scenarios.ByteSize(s.LimitMiB * format.BytesPerMiB),
		SampleInterval: scenarios.Duration(time.Duration(s.Interval * float64(time.Second)))}
	res := &results.Results{Schema: results.Schema, Scenario: s.Scenario, ScenarioSpec: sc,
		MemoryLimitBytes: int64(s.LimitMiB * format.BytesPerMiB), LimitMode: results.MechanismCgroupV1,
		StartedAt: Epoch, Phases: s.Phases,
		Harness: results.Harness{RSSPeakBytes: 61 * format.BytesPerMiB, RSSMeanBytes: 48 * format.BytesPerMiB, Version: "v0.1.0-test"},
		Environment: results.Environment{OS: "linux", Kernel: "6.1.0-28-amd64", CPUs: 2, MemoryBytes: 24 << 30,
			GoVersion: "go1.26.8", NodeVersion: "v20.19.2"},
		Files: map[string]string{"samples": results.SamplesFile, "load": results.LoadFile}}
	sc.Load.Requests = s.Requests
	for i, r := range s.Rates {
		st := scenarios.Stage{Rate: r, Duration: scenarios.Duration(time.Duration(s.StageSeconds * float64(time.Second)))}
		sc.Load.Stages = append(sc.Load.Stages, st)
		res.Stages = append(res.Stages, results.StageSpan{Index: i, RatePerSecond: r,
			StartSeconds: float64(i) * s.StageSeconds, EndSeconds: float64(i+1) * s.StageSeconds})
	}
	for _, ph := range s.Phases {
		sc.Downstream.Phases = append(sc.Downstream.Phases, scenarios.Phase{Name: ph.Name,
			At: scenarios.Duration(time.Duration(ph.StartSeconds * float64(time.Second))), Stall: ph.Stall})
	}
	var samples []results.SampleRow
	var loads []results.LoadRow
	wall := Epoch.Add(5 * time.Second)
	for ti, st := range s.Targets {
		sc.Targets = append(sc.Targets, scenarios.Target{Name: st.Name, Builtin: st.Name, Runtime: st.Runtime,
			Role: st.Role, Expect: st.Expect})
		tgt, smp, ld := s.buildTarget(ti, st)
		tgt.LoadStartedAt = wall
		wall = wall.Add(time.Duration((s.loadSeconds() + 20) * float64(time.Second)))
		res.Targets = append(res.Targets, tgt)
		samples = append(samples, smp...)
		loads = append(loads, ld...)
	}
	res.FinishedAt = wall
	return res, samples, loads
}

func (s Spec) buildTarget(ti int, st Target) (results.Target, []results.SampleRow, []results.LoadRow) {
	rng := rand.New(rand.NewPCG(uint64(ti)+1, 42))
	end := s.loadSeconds()
	if st.EndAt > 0 {
		end = st.EndAt
	}
	tgt := results.Target{Name: st.Name, Role: st.Role, Runtime: st.Runtime, Command: []string{"oomlab", "fixture", st.Name},
		Outcome: results.OutcomeSurvived, DurationSeconds: end, Exit: results.Exit{Signal: "SIGTERM", ByHarness: true}}
	if st.Outcome != "" {
		tgt.Outcome = st.Outcome
	}
	var samples []results.SampleRow
	var gcTotal float64
	var peak, cpuSum float64
	n := int(math.Round((end + 0.5) / s.Interval))
	for i := 0; i <= n; i++ {
		t := -0.5 + float64(i)*s.Interval
		if t > end {
			break
		}
		tt := math.Max(t, 0)
		rss := st.RSS(tt) + rng.NormFloat64()*0.3
		if s.LimitMiB > 0 {
			rss = math.Min(rss, s.LimitMiB)
		}
		peak = math.Max(peak, rss)
		cpu := math.Max(0, st.CPU(tt)+rng.NormFloat64()*1.5)
		cpuSum += cpu
		row := results.SampleRow{Target: st.Name, TSeconds: format.Round(t, 3), RSSBytes: int64(rss * format.BytesPerMiB), HWMBytes: int64(peak * format.BytesPerMiB),
			CPUPercent: format.Round(cpu, 1), Threads: 7, FDs: int32(12 + s.rateAt(tt)/2),
			CgroupUsageBytes: int64((rss*0.9 + 2) * format.BytesPerMiB), CgroupFailCount: 0, GCCount: -1, HeapBytes: -1,
			HarnessRSSBytes: int64((44 + 0.05*tt) * format.BytesPerMiB)}
		if st.GCRate != nil && st.GCRate(tt) >= 0 {
			gcTotal += st.GCRate(tt) * s.Interval
			row.GCCount = int64(gcTotal)
		}
		if st.Heap != nil && st.Heap(tt) >= 0 {
			row.HeapBytes = int64(st.Heap(tt) * format.BytesPerMiB)
		}
		samples = append(samples, row)
	}
	tgt.RSSPeakBytes = int64(peak * format.BytesPerMiB)
	tgt.CgroupPeakBytes = int64((peak*0.9 + 2) * format.BytesPerMiB)
	tgt.CPUPercentMean = format.Round(cpuSum/float64(len(samples)), 1)
	if st.GCRate != nil && st.GCRate(0) >= 0 {
		g := int64(gcTotal)
		tgt.GCCount = &g
	}
	switch tgt.Outcome {
	case results.OutcomeOOMKilled, results.OutcomeLimitStall:
		at, mech := end, results.MechanismCgroupV1
		tgt.OOMAtSeconds, tgt.OOMMechanism, tgt.OOMKilled = &at, &mech, tgt.Outcome == results.OutcomeOOMKilled
		tgt.RSSPeakBytes = int64(s.LimitMiB * format.BytesPerMiB)
		tgt.CgroupFailCount = 1873
		if tgt.OOMKilled {
			tgt.Exit = results.Exit{Signal: "SIGKILL"}
			tgt.OutcomeDetail = "memory.oom_control oom_kill went up by 1 and the process died of SIGKILL"
		} else {
			tgt.CgroupFailCount = 18_800_000
			tgt.Exit = results.Exit{Signal: "SIGKILL", ByHarness: true}
			tgt.OutcomeDetail = "RSS at the limit for 10 s with no request succeeding; stopped by the harness"
		}
		tgt.StderrTail = ""
	case results.OutcomeCrashed:
		code := 2
		tgt.Exit = results.Exit{Code: &code}
		tgt.StderrTail = "panic: runtime error: invalid memory address or nil pointer dereference"
	}
	loads := s.buildLoad(rng, st, end)
	tgt.Stages = s.stageSummaries(st, loads, end)
	tgt.Kinds = kindStages(s.Kinds, tgt.Stages)
	tgt.Downstream = results.Downstream{Requests: 0, Completed: 0}
	for _, sg := range tgt.Stages {
		tgt.Downstream.Requests += sg.Requests
		tgt.Downstream.Completed += sg.Successes
		tgt.Downstream.BytesAccepted += sg.Successes * format.BytesPerMiB
	}
	g := 0.31
	if st.Role == "aware" {
		g = 0.97
	}
	tgt.Downstream.GoodputRatio = &g
	return tgt, samples, loads
}

func (s Spec) buildLoad(rng *rand.Rand, st Target, end float64) []results.LoadRow {
	var rows []results.LoadRow
	for w := 1.0; w <= math.Ceil(end)+1e-9; w++ {
		t := math.Min(w, end)
		rate := s.rateAt(w - 0.5)
		sent := uint64(rate * (t - (w - 1)))
		done := sent
		if st.EndAt > 0 && w > st.EndAt-3 {
			done = sent / 3 // requests pile up in the dying target
		}
		succ := uint64(float64(done) * st.Success(t))
		p95 := st.P95Ms(t) * (1 + 0.05*rng.NormFloat64())
		row := results.LoadRow{Target: st.Name, TSeconds: format.Round(t, 3), OfferedPerSecond: rate, Sent: sent, Done: done,
			Successes: succ, Errors: done - succ, P50Ms: format.Round(p95*0.55, 2), P95Ms: format.Round(p95, 2),
			P99Ms: format.Round(p95*1.3, 2), MaxMs: format.Round(p95*1.6, 2)}
		if done == 0 {
			row.P50Ms, row.P95Ms, row.P99Ms, row.MaxMs = 0, 0, 0, 0
		}
		if st.Role == "aware" { // the aware target's 503s come at once: shed
			row.Shed, row.Errors = row.Errors, 0
		}
		rows = append(rows, row)
	}
	return rows
}

// stageSummaries rolls load rows up into results.Stage figures, as the
// runner would.
func (s Spec) stageSummaries(st Target, rows []results.LoadRow, end float64) []results.Stage {
	var out []results.Stage
	for i, rate := range s.Rates {
		t0, t1 := float64(i)*s.StageSeconds, math.Min(float64(i+1)*s.StageSeconds, end)
		if t1 <= t0 {
			break
		}
		sg := results.Stage{Index: i, OfferedRatePerSecond: rate, DurationSeconds: format.Round(t1-t0, 3),
			StatusCodes: map[string]uint64{}}
		var lat [3]float64
		var weight float64
		for _, r := range rows {
			if r.TSeconds <= t0 || r.TSeconds > t1+1e-9 {
				continue
			}
			sg.Requests += r.Sent
			sg.Successes += r.Successes
			if r.Done > 0 {
				w := float64(r.Done)
				lat[0] += r.P50Ms * w
				lat[1] += r.P95Ms * w
				lat[2] += r.P99Ms * w
				weight += w
			}
			fail := r.Sent - r.Successes
			switch {
			case st.Role == "aware":
				sg.StatusCodes["503"] += fail
				sg.Shed += fail
			case fail > 0:
				sg.StatusCodes["0"] += fail
			}
		}
		sg.StatusCodes["200"] = sg.Successes
		if fail := sg.Requests - sg.Successes; fail > 0 && st.Role != "aware" {
			sg.Errors = []results.ErrorCount{{Error: "read: connection reset by peer", Count: fail}}
		}
		if weight > 0 {
			sg.LatencyP50Ms, sg.LatencyP95Ms, sg.LatencyP99Ms = format.Round(lat[0]/weight, 1), format.Round(lat[1]/weight, 1), format.Round(lat[2]/weight, 1)
			sg.LatencyMeanMs, sg.LatencyMaxMs = format.Round(lat[0]/weight*1.1, 1), format.Round(lat[2]/weight*1.4, 1)
		}
		sg.AchievedRatePerSecond = format.Round(float64(sg.Requests)/(t1-t0), 2)
		sg.Behind = sg.AchievedRatePerSecond < 0.95*rate
		if sg.Requests > 0 {
			sg.SuccessRatio = format.Round(float64(sg.Successes)/float64(sg.Requests), 4)
		}
		sg.BytesOut = sg.Requests * format.BytesPerMiB
		out = append(out, sg)
	}
	return out
}

// Run returns the run in memory, as saved.Load would read it.
func (s Spec) Run() *saved.Run {
	res, samples, loads := s.build()
	r := saved.NewRun(res)
	for _, row := range samples {
		r.AddSample(row)
	}
	for _, row := range loads {
		r.AddLoad(row)
	}
	return r
}

// WriteDir writes results.json, samples.csv and load.csv to dir.
func (s Spec) WriteDir(dir string) error {
	res, samples, loads := s.build()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, results.ResultsFile), append(b, '\n'), 0o644); err != nil {
		return err
	}
	write := func(name string, header []string, n int, rec func(int) []string) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		w := csv.NewWriter(f)
		_ = w.Write(header)
		for i := range n {
			_ = w.Write(rec(i))
		}
		w.Flush()
		if err := w.Error(); err != nil {
			f.Close()
			return fmt.Errorf("%s: %w", name, err)
		}
		return f.Close()
	}
	if err := write(results.SamplesFile, results.SampleHeader, len(samples), func(i int) []string { return samples[i].Record() }); err != nil {
		return err
	}
	return write(results.LoadFile, results.LoadHeader, len(loads), func(i int) []string { return loads[i].Record() })
}

// UploadProxy is the recorded run in testdata/upload-proxy, shaped after
// the builtin scenario (scenarios/builtin/upload-proxy.yaml) and the
// figures in MEASURED.md: a downstream slow from the start (2 s wait,
// 1 MB/s, 32 at once); the Go naive proxy climbs from 10 MiB into the
// 256 MiB limit and is killed at 27.3 s while its queue wait grows; the
// aware proxy stays flat around 15 MiB and sheds what the downstream
// cannot take with 503s.
func UploadProxy() Spec {
	const killAt = 27.3
	return Spec{
		Scenario: "upload-proxy", Pattern: "upload-proxy",
		Rates: []float64{10, 20, 40, 80}, StageSeconds: 10, Interval: 0.1, LimitMiB: 256,
		Phases: []results.PhaseSpan{{Name: "slow downstream", StartSeconds: 0, EndSeconds: 40, LatencySeconds: 2,
			ReadBandwidthBytesPerSecond: 1_000_000, Capacity: 32}},
		Targets: []Target{
			{Name: "upload-naive", Role: "naive", Runtime: "go", EndAt: killAt, Outcome: results.OutcomeOOMKilled,
				RSS:     NaiveRSS(10, 256, 0, killAt),
				Heap:    func(t float64) float64 { return NaiveRSS(10, 256, 0, killAt)(t) * 0.55 },
				GCRate:  func(t float64) float64 { return 1.3 - 0.035*t },
				CPU:     func(t float64) float64 { return 6 + 0.6*t },
				P95Ms:   QueueingP95(3000, 10, 900),
				Success: func(t float64) float64 { return 1 },
				Expect: scenarios.Expectation{Outcomes: []string{results.OutcomeOOMKilled, results.OutcomeLimitStall},
					OOMWithin: scenarios.Duration(60 * time.Second)}},
			{Name: "upload-aware", Role: "aware", Runtime: "go",
				RSS:     func(t float64) float64 { return 14.5 + 0.8*math.Sin(t/3) },
				Heap:    func(t float64) float64 { return 4.2 + 0.3*math.Sin(t/2) },
				GCRate:  func(t float64) float64 { return 0.2 },
				CPU:     func(t float64) float64 { return 4 + 0.15*t },
				P95Ms:   Flat(3100),
				Success: AwareSuccess,
				Expect:  scenarios.Expectation{Outcomes: []string{results.OutcomeSurvived}, MaxRSS: 64 * format.BytesPerMiB}},
		},
	}
}

// naiveRSS climbs from start MiB, slowly until slowAt, then ever faster
// (each stage doubles the bytes in flight), reaching limit at killAt.
func NaiveRSS(start, limit, slowAt, killAt float64) func(float64) float64 {
	shape := func(t float64) float64 {
		if t < slowAt {
			return 0.2 * t
		}
		return 0.2*slowAt + math.Pow(t-slowAt, 1.8)
	}
	scale := (limit - start) / shape(killAt)
	return func(t float64) float64 { return start + shape(t)*scale }
}

// queueingP95 is base ms until the downstream's capacity is passed at
// over, then grows by perSecond ms each second as the backlog queues.
func QueueingP95(base, over, perSecond float64) func(float64) float64 {
	return func(t float64) float64 { return base + perSecond*math.Max(0, t-over) }
}

// awareSuccess is the share the aware proxy serves: what 32 slots of
// ~3 s each (about 10.7 requests a second) can take of the offered rate.
func AwareSuccess(t float64) float64 {
	switch {
	case t <= 10:
		return 0.99
	case t <= 20:
		return 0.53
	case t <= 30:
		return 0.27
	default:
		return 0.13
	}
}

// LongRun is the benchmark's run: ten minutes sampled every 100 ms, two
// targets surviving to the end (12,000 sample rows, 1,200 load rows).
func LongRun() Spec {
	s := UploadProxy()
	s.StageSeconds = 150
	s.Phases = []results.PhaseSpan{{Name: "slow downstream", StartSeconds: 60, EndSeconds: 480}, {Name: "stall", StartSeconds: 480, EndSeconds: 600, Stall: true}}
	s.Targets[0].EndAt, s.Targets[0].Outcome = 0, ""
	s.Targets[0].RSS = func(t float64) float64 { return 10 + 0.3*t }
	s.Targets[0].Heap = func(t float64) float64 { return 5 + 0.15*t }
	s.Targets[0].GCRate = func(t float64) float64 { return 1.3 }
	return s
}

// Flat is the constant v.
func Flat(v float64) func(float64) float64 { return func(float64) float64 { return v } }

// OneTarget is the upload-proxy timeline with a single target.
func OneTarget(st Target) Spec {
	s := UploadProxy()
	s.Targets = []Target{st}
	return s
}

// BaseTarget is a healthy Go target: flat RSS, heap, GC rate, CPU and
// latency, every request a success.
func BaseTarget(name string) Target {
	return Target{Name: name, Runtime: "go", RSS: Flat(15), Heap: Flat(5), GCRate: Flat(0.5),
		CPU: Flat(8), P95Ms: Flat(20), Success: Flat(1)}
}
