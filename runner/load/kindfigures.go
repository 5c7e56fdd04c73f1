package load

import (
	"github.com/influxdata/tdigest"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/oomlab/oomlab/runner/results"
)

// kindAcc accumulates one request kind's results within one stage. Its
// digest is made at the kind's first result in the stage, so a kind that
// sent nothing there costs no digest.
type kindAcc struct {
	requests, successes, shed, errors uint64
	latencies                         *tdigest.TDigest
}

// add counts one result of the kind; ok and shed are as the stage judged
// them. An error is a result with an error that was not shed.
func (k *kindAcc) add(r *vegeta.Result, ok, shed bool) {
	k.requests++
	switch {
	case ok:
		k.successes++
	case shed:
		k.shed++
	case r.Error != "":
		k.errors++
	}
	if k.latencies == nil {
		k.latencies = tdigest.NewWithCompression(digestCompression)
	}
	k.latencies.Add(float64(r.Latency), 1)
}

// kindFigures converts the stage's kinds, named by names, into
// results.KindFigures over seconds of stage time. Bytes are left 0 (Run
// adds them from conns). It returns nil when kinds are not counted.
func (s *stageAcc) kindFigures(names []string, seconds float64) []results.KindFigures {
	if s.kinds == nil {
		return nil
	}
	out := make([]results.KindFigures, len(s.kinds))
	for i := range s.kinds {
		out[i] = s.kinds[i].figures(names[i], seconds)
	}
	return out
}

func (k *kindAcc) figures(name string, seconds float64) results.KindFigures {
	f := results.KindFigures{Name: name, Requests: k.requests, Successes: k.successes, Shed: k.shed, Errors: k.errors}
	if seconds > 0 {
		f.AchievedRatePerSecond = float64(k.requests) / seconds
	}
	if k.latencies != nil && k.requests > 0 {
		f.LatencyP50Ms = ms(k.latencies.Quantile(0.50))
		f.LatencyP95Ms = ms(k.latencies.Quantile(0.95))
		f.LatencyP99Ms = ms(k.latencies.Quantile(0.99))
		f.LatencyDigest = results.DigestOf(k.latencies)
	}
	return f
}

// setKindRates sets each kind's byte rates from its bytes over the
// stage's time.
func setKindRates(st *results.Stage) {
	for k := range st.Kinds {
		f := &st.Kinds[k]
		if st.DurationSeconds > 0 {
			f.DownloadBytesPerSecond = float64(f.BytesIn) / st.DurationSeconds
			f.UploadBytesPerSecond = float64(f.BytesOut) / st.DurationSeconds
		}
	}
}

// addSlowReads adds each kind's slow reads to the stages (the stages
// finish returned); reads sent after the last stage that began count in it.
func addSlowReads(stages []results.Stage, reads *slowReads) {
	eachCounted(stages, reads.stages(), func(i int, st *results.Stage) {
		for k := range st.Kinds {
			sec, n := reads.figures(i, k)
			st.Kinds[k].ReadSeconds += sec
			st.Kinds[k].SlowBytesIn += n
		}
	})
}

// eachCounted calls fn for each of the n stages something was counted in,
// i, with the stage of stages it belongs to: what was counted after the
// last stage that began counts in that one.
func eachCounted(stages []results.Stage, n int, fn func(i int, st *results.Stage)) {
	for i := range n {
		j := min(i, len(stages)-1)
		if j < 0 {
			return
		}
		fn(i, &stages[j])
	}
}

// runKinds returns each kind's figures over the whole run, from stages
// (the stages finish returned, bytes and slow reads added): counts, bytes
// and slow reads summed, percentiles from the kind's digests of every
// stage merged, rates over the stages' time together. It returns nil when
// kinds are not counted.
func (a *aggregator) runKinds(stages []results.Stage) []results.KindFigures {
	if a.kindNames == nil {
		return nil
	}
	seconds := 0.0
	for _, st := range stages {
		seconds += st.DurationSeconds
	}
	out := make([]results.KindFigures, len(a.kindNames))
	for k, name := range a.kindNames {
		var acc kindAcc
		var in, outB, slowIn uint64
		var readSec float64
		for i, st := range stages {
			sk := &a.stages[i].kinds[k]
			acc.requests += sk.requests
			acc.successes += sk.successes
			acc.shed += sk.shed
			acc.errors += sk.errors
			if sk.latencies != nil {
				if acc.latencies == nil {
					acc.latencies = tdigest.NewWithCompression(digestCompression)
				}
				acc.latencies.AddCentroidList(sk.latencies.Centroids())
			}
			in += st.Kinds[k].BytesIn
			outB += st.Kinds[k].BytesOut
			readSec += st.Kinds[k].ReadSeconds
			slowIn += st.Kinds[k].SlowBytesIn
		}
		f := acc.figures(name, seconds)
		f.BytesIn, f.BytesOut = in, outB
		f.ReadSeconds, f.SlowBytesIn = readSec, slowIn
		if seconds > 0 {
			f.DownloadBytesPerSecond = float64(in) / seconds
			f.UploadBytesPerSecond = float64(outB) / seconds
		}
		out[k] = f
	}
	return out
}
