package savedtest

import (
	"math"
	"time"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// Kind shapes one request kind of a synthetic target's load (a named entry
// of load.requests). A stage's requests are split between the kinds by
// Weight; its failures (errors, or shed for an aware target) go to the
// kinds by FailShare × requests, so that the kinds' counts add up to the
// stage's as the runner's do. Latencies are the stage's times
// LatencyFactor.
type Kind struct {
	Name          string
	Weight        float64
	FailShare     float64
	LatencyFactor float64
	// AnswerBytes is the size of one successful answer; RequestBytes of
	// one request body.
	AnswerBytes, RequestBytes uint64
}

// kindStages splits each stage's figures between kinds (see Kind) and
// returns the whole run's figures per kind. Percentiles over the run are
// the request-weighted mean of the stages' (the runner merges digests;
// a synthetic run has none).
func kindStages(kinds []Kind, stages []results.Stage) []results.KindFigures {
	if len(kinds) == 0 {
		return nil
	}
	total := make([]results.KindFigures, len(kinds))
	lat := make([][3]float64, len(kinds))
	var seconds float64
	for si := range stages {
		st := &stages[si]
		seconds += st.DurationSeconds
		st.Kinds = splitStage(kinds, *st)
		for k, kf := range st.Kinds {
			tk := &total[k]
			tk.Name = kf.Name
			tk.Requests += kf.Requests
			tk.Successes += kf.Successes
			tk.Errors += kf.Errors
			tk.Shed += kf.Shed
			tk.BytesIn += kf.BytesIn
			tk.BytesOut += kf.BytesOut
			w := float64(kf.Successes)
			lat[k][0] += kf.LatencyP50Ms * w
			lat[k][1] += kf.LatencyP95Ms * w
			lat[k][2] += kf.LatencyP99Ms * w
		}
	}
	for k := range total {
		tk := &total[k]
		if w := float64(tk.Successes); w > 0 {
			tk.LatencyP50Ms, tk.LatencyP95Ms, tk.LatencyP99Ms = format.Round(lat[k][0]/w, 1), format.Round(lat[k][1]/w, 1), format.Round(lat[k][2]/w, 1)
		}
		if seconds > 0 {
			tk.AchievedRatePerSecond = format.Round(float64(tk.Requests)/seconds, 2)
			tk.DownloadBytesPerSecond = format.Round(float64(tk.BytesIn)/seconds, 0)
			tk.UploadBytesPerSecond = format.Round(float64(tk.BytesOut)/seconds, 0)
		}
	}
	return total
}

// splitStage is one stage's figures per kind.
func splitStage(kinds []Kind, st results.Stage) []results.KindFigures {
	var weights float64
	for _, k := range kinds {
		weights += k.Weight
	}
	out := make([]results.KindFigures, len(kinds))
	left := st.Requests
	for i, k := range kinds {
		n := uint64(math.Round(float64(st.Requests) * k.Weight / weights))
		if i == len(kinds)-1 || n > left {
			n = left
		}
		left -= n
		out[i] = results.KindFigures{Name: k.Name, Requests: n}
	}
	// Failures go to the kinds by FailShare × requests, none beyond a
	// kind's requests; a stage's failures are all shed (aware) or all
	// errors (naive), so each kind's are split in the stage's proportion.
	fail := st.Requests - st.Successes
	var shares float64
	for i, k := range kinds {
		shares += k.FailShare * float64(out[i].Requests)
	}
	left = fail
	for i, k := range kinds {
		n := uint64(0)
		if shares > 0 {
			n = uint64(math.Round(float64(fail) * k.FailShare * float64(out[i].Requests) / shares))
		}
		out[i].Errors = min(n, out[i].Requests, left)
		left -= out[i].Errors
	}
	for i := range out {
		more := min(left, out[i].Requests-out[i].Errors)
		out[i].Errors += more
		left -= more
	}
	for i := range out {
		kf := &out[i]
		if fail > 0 {
			kf.Shed = uint64(math.Round(float64(kf.Errors) * float64(st.Shed) / float64(fail)))
		}
		kf.Errors -= kf.Shed
		kf.Successes = kf.Requests - kf.Errors - kf.Shed
	}
	for i, k := range kinds {
		kf := &out[i]
		if kf.Successes > 0 {
			kf.LatencyP50Ms = format.Round(st.LatencyP50Ms*k.LatencyFactor, 1)
			kf.LatencyP95Ms = format.Round(st.LatencyP95Ms*k.LatencyFactor, 1)
			kf.LatencyP99Ms = format.Round(st.LatencyP99Ms*k.LatencyFactor, 1)
		}
		kf.BytesIn = kf.Successes * k.AnswerBytes
		kf.BytesOut = kf.Requests * k.RequestBytes
		if d := st.DurationSeconds; d > 0 {
			kf.AchievedRatePerSecond = format.Round(float64(kf.Requests)/d, 2)
			kf.DownloadBytesPerSecond = format.Round(float64(kf.BytesIn)/d, 0)
			kf.UploadBytesPerSecond = format.Round(float64(kf.BytesOut)/d, 0)
		}
	}
	return out
}

// UploadMix is the upload-proxy run (UploadProxy) with a request mix: one
// upload of 1 MiB for every three requests to a small status endpoint.
// The uploads are slow and take the failures; the status requests are
// fast. The aware target's expectations name kinds: the status
// endpoint's p95 ≤ 500 ms (it holds) and the uploads' ≤ 2 s (it does not:
// they wait on the slow downstream).
func UploadMix() Spec {
	s := UploadProxy()
	s.Scenario = "upload-mix"
	s.Kinds = []Kind{
		{Name: "upload", Weight: 1, FailShare: 1, LatencyFactor: 1.6, AnswerBytes: 64, RequestBytes: format.BytesPerMiB},
		{Name: "status", Weight: 3, FailShare: 0.3, LatencyFactor: 0.01, AnswerBytes: 2048},
	}
	for _, k := range s.Kinds {
		s.Requests = append(s.Requests, scenarios.RequestKind{Name: k.Name, Weight: k.Weight})
	}
	s.Targets[1].Expect.MaxP95 = scenarios.Windowed[scenarios.Duration]{
		{Kind: "status", Max: scenarios.Duration(500 * time.Millisecond)},
		{Kind: "upload", Max: scenarios.Duration(2 * time.Second)},
	}
	return s
}
