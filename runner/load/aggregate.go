package load

import (
	"math"
	"strconv"
	"time"

	"github.com/influxdata/tdigest"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/oomlab/oomlab/runner/results"
)

// digestCompression is the t-digest compression used for latencies (the
// value Vegeta uses), the one results.Digest is written with.
const digestCompression = results.DigestCompression

// stageAcc accumulates the results that started in one stage.
type stageAcc struct {
	requests  uint64
	successes uint64
	shed      uint64
	codes     map[uint16]uint64 // bounded by the 16-bit code space
	errors    errorKinds
	latSum    time.Duration
	latMax    time.Duration
	latencies *tdigest.TDigest
	maxLag    time.Duration // sampled by the aggregator
	kinds     []kindAcc     // per request kind; nil when kinds are not counted
}

// windowAcc accumulates the open window: results that finished in it.
type windowAcc struct {
	index       int // window number; it spans [index·W, (index+1)·W)
	sentAtStart uint64
	done        uint64
	successes   uint64
	shed        uint64
	latMax      time.Duration
	latencies   *tdigest.TDigest
}

// aggregator turns a stream of Vegeta results into per-stage figures and
// per-window rows in bounded memory. It is not safe for concurrent use: Run
// drives it from one goroutine, which is also where onWindow is called.
//
// Times are offsets from the attack's start. A result counts in its stage
// by its start (Timestamp) and in a window by its end (Timestamp+Latency),
// or in the open window if the window it ended in has already closed.
type aggregator struct {
	pacer    StagedPacer
	start    time.Time
	window   time.Duration
	onWindow func(results.LoadRow)

	stages []stageAcc
	win    windowAcc
	errBuf []byte
	// kindNames names the request kinds; nil when kinds are not counted.
	kindNames []string

	interrupted   bool
	interruptedAt time.Duration
	// stopped says the schedule was ended early at stoppedAt
	// (Config.Finish): nothing is offered or sent from then on.
	stopped   bool
	stoppedAt time.Duration
}

// newAggregator returns an aggregator for an attack paced by p that began
// at start. With kinds (their names, in Config.Kinds order) it also
// counts each result under the kind marked in its URL (kindOfURL); with
// nil it does not, and the stages have no Kinds.
func newAggregator(p StagedPacer, start time.Time, window time.Duration, onWindow func(results.LoadRow), kinds []string) *aggregator {
	a := &aggregator{
		pacer:     p,
		start:     start,
		window:    window,
		onWindow:  onWindow,
		stages:    make([]stageAcc, len(p.Stages)),
		win:       windowAcc{latencies: tdigest.NewWithCompression(digestCompression)},
		errBuf:    make([]byte, 0, maxKindLen+16),
		kindNames: kinds,
	}
	for i := range a.stages {
		a.stages[i].codes = make(map[uint16]uint64, 4)
		a.stages[i].latencies = tdigest.NewWithCompression(digestCompression)
		if kinds != nil {
			a.stages[i].kinds = make([]kindAcc, len(kinds))
		}
	}
	return a
}

// add counts one result. hits is the number of requests the attacker has
// sent so far, used when add has to close windows first.
func (a *aggregator) add(r *vegeta.Result, hits uint64) {
	off := r.Timestamp.Sub(a.start)
	end := off + r.Latency
	if end >= a.windowEnd() {
		a.advance(end, hits)
	}
	ok := r.Code >= 200 && r.Code < 400
	shed := results.IsShed(r.Code, r.Latency)

	s := &a.stages[a.pacer.stageIndex(off)]
	s.requests++
	s.codes[r.Code]++
	if ok {
		s.successes++
	}
	if shed {
		s.shed++
	}
	if r.Error != "" && !shed {
		if a.interrupted && end >= a.interruptedAt {
			a.errBuf = append(a.errBuf[:0], interruptedKind...)
		} else {
			a.errBuf = normalizeError(a.errBuf[:0], r.Error)
		}
		s.errors.add(a.errBuf)
	}
	s.latSum += r.Latency
	s.latMax = max(s.latMax, r.Latency)
	s.latencies.Add(float64(r.Latency), 1)
	if s.kinds != nil {
		s.kinds[kindOfURL(r.URL, len(s.kinds))].add(r, ok, shed)
	}

	w := &a.win
	w.done++
	if ok {
		w.successes++
	}
	if shed {
		w.shed++
	}
	w.latMax = max(w.latMax, r.Latency)
	w.latencies.Add(float64(r.Latency), 1)
}

// interrupt records that the attack was stopped at now: results that end
// with an error from then on are counted as interruptedKind.
func (a *aggregator) interrupt(now time.Duration) {
	if !a.interrupted {
		a.interrupted, a.interruptedAt = true, now
	}
}

// stopSending records that the schedule was ended early at now
// (Config.Finish): from then on nothing is offered, and the pacer's lag,
// which would only grow, is no longer sampled.
func (a *aggregator) stopSending(now time.Duration) {
	if !a.stopped {
		a.stopped, a.stoppedAt = true, now
	}
}

// tick is called when the wall clock reaches now (a window boundary, or
// the end): it samples the pacer's lag and closes the windows that ended.
func (a *aggregator) tick(now time.Duration, hits uint64) {
	if i := a.pacer.stageAt(now); i >= 0 && !a.interrupted && !a.stopped {
		a.stages[i].maxLag = max(a.stages[i].maxLag, a.pacer.Lag(now, hits))
	}
	a.advance(now, hits)
}

func (a *aggregator) windowEnd() time.Duration {
	return time.Duration(a.win.index+1) * a.window
}

// advance emits every window that ended by now, in order.
func (a *aggregator) advance(now time.Duration, hits uint64) {
	for a.windowEnd() <= now {
		a.emit(a.windowEnd(), hits)
	}
}

// emit passes the open window, closed at end, to onWindow and opens the
// next one.
func (a *aggregator) emit(end time.Duration, hits uint64) {
	w := &a.win
	begin := time.Duration(w.index) * a.window
	row := results.LoadRow{
		TSeconds:  end.Seconds(),
		Sent:      hits - w.sentAtStart,
		Done:      w.done,
		Successes: w.successes,
		Shed:      w.shed,
		Errors:    w.done - w.successes - w.shed,
	}
	if span := (end - begin).Seconds(); span > 0 {
		offeredTo := end
		if a.stopped {
			offeredTo = max(begin, min(end, a.stoppedAt))
		}
		row.OfferedPerSecond = (a.pacer.Hits(offeredTo) - a.pacer.Hits(begin)) / span
	}
	if w.done > 0 {
		row.P50Ms = ms(w.latencies.Quantile(0.50))
		row.P95Ms = ms(w.latencies.Quantile(0.95))
		row.P99Ms = ms(w.latencies.Quantile(0.99))
		row.MaxMs = ms(float64(w.latMax))
	}
	if a.onWindow != nil {
		a.onWindow(row)
	}
	w.index++
	w.sentAtStart = hits
	w.done, w.successes, w.shed, w.latMax = 0, 0, 0, 0
	w.latencies.Reset()
}

// finish closes the windows up to end (when the last result came in) and
// emits the last, partial one. ranUntil is when the attack stopped sending:
// the schedule's end, or the moment it was interrupted. pacerLag holds,
// per stage, the largest lag the pacer saw (may be nil). finish returns the
// stages that had begun by ranUntil. BytesIn and BytesOut are left 0.
func (a *aggregator) finish(end, ranUntil time.Duration, hits uint64, pacerLag []time.Duration) []results.Stage {
	a.advance(end, hits)
	if begin := time.Duration(a.win.index) * a.window; end > begin || a.win.done > 0 || hits > a.win.sentAtStart {
		a.emit(max(end, begin), hits)
	}
	ranUntil = min(ranUntil, a.pacer.Duration())
	out := make([]results.Stage, 0, len(a.stages))
	for i := range a.stages {
		begin := a.pacer.stageStart(i)
		if begin >= ranUntil {
			break
		}
		lag := a.stages[i].maxLag
		if i < len(pacerLag) {
			lag = max(lag, pacerLag[i])
		}
		spec := a.pacer.Stages[i]
		st := a.stages[i].result(i, spec, min(begin+spec.Duration, ranUntil)-begin, lag)
		st.Kinds = a.stages[i].kindFigures(a.kindNames, st.DurationSeconds)
		out = append(out, st)
	}
	return out
}

// result converts the accumulated stage i, which ran for ran of its
// spec.Duration, into a results.Stage. The stage is Behind when the pacer
// fell more than max(1 s, 5% of the time run) behind, that is more than
// max(1 s of requests, 5% of those offered), or when fewer than 95% of the
// offered requests were sent (with one request's grace for rounding).
func (s *stageAcc) result(i int, spec Stage, ran, lag time.Duration) results.Stage {
	offered := spec.Rate * ran.Seconds()
	st := results.Stage{
		Index:                i,
		OfferedRatePerSecond: spec.Rate,
		MaxLagSeconds:        lag.Seconds(),
		Requests:             s.requests,
		Successes:            s.successes,
		Shed:                 s.shed,
		StatusCodes:          make(map[string]uint64, len(s.codes)),
		Errors:               s.errors.list(),
		LatencyMaxMs:         ms(float64(s.latMax)),
		DurationSeconds:      ran.Seconds(),
	}
	st.Behind = lag > max(time.Second, ran/20) || float64(s.requests)+1 < 0.95*offered
	if ran > 0 {
		st.AchievedRatePerSecond = float64(s.requests) / ran.Seconds()
	}
	for code, n := range s.codes {
		st.StatusCodes[strconv.Itoa(int(code))] = n
	}
	if s.requests > 0 {
		st.SuccessRatio = float64(s.successes) / float64(s.requests)
		st.LatencyMeanMs = ms(float64(s.latSum) / float64(s.requests))
		st.LatencyP50Ms = ms(s.latencies.Quantile(0.50))
		st.LatencyP95Ms = ms(s.latencies.Quantile(0.95))
		st.LatencyP99Ms = ms(s.latencies.Quantile(0.99))
		st.LatencyDigest = results.DigestOf(s.latencies)
	}
	return st
}

// ms converts nanoseconds to milliseconds; NaN becomes 0.
func ms(ns float64) float64 {
	if math.IsNaN(ns) {
		return 0
	}
	return ns / float64(time.Millisecond)
}
