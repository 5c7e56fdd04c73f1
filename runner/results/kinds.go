package results

// KindFigures is the load's figures for one request kind (a named entry
// of a scenario's load.requests, or one target of its targets file), over
// one stage (Stage.Kinds) or over the whole run (Target.Kinds). A
// single-request scenario has one kind, "default". The counts of a
// stage's kinds add up to the stage's own; the percentiles are merged
// from each kind's latency digests, never averaged.
type KindFigures struct {
	// Name is the kind's name as the scenario gives it.
	Name string `json:"name"`
	// Requests is how many requests of this kind were sent.
	Requests uint64 `json:"requests"`
	// Successes counts answers with a 2xx/3xx status and no error.
	Successes uint64 `json:"successes"`
	// Errors counts requests that failed and were not shed (transport
	// errors, timeouts, other statuses).
	Errors uint64 `json:"errors"`
	// Shed counts the requests the target turned away on purpose (see
	// Stage.Shed and IsShed); neither successes nor errors.
	Shed         uint64  `json:"shed"`
	LatencyP50Ms float64 `json:"latency_p50_ms"`
	LatencyP95Ms float64 `json:"latency_p95_ms"`
	LatencyP99Ms float64 `json:"latency_p99_ms"`
	// BytesIn is the answer bytes the clients read; BytesOut the request
	// bytes they sent.
	BytesIn  uint64 `json:"bytes_in"`
	BytesOut uint64 `json:"bytes_out"`
	// AchievedRatePerSecond is this kind's requests sent ÷ the time run
	// (the stage's, or the whole load's for Target.Kinds).
	AchievedRatePerSecond float64 `json:"achieved_rate_per_second"`
	// DownloadBytesPerSecond is BytesIn ÷ the time run: the answer bytes
	// delivered to this kind's clients per second, all clients together.
	DownloadBytesPerSecond float64 `json:"download_bytes_per_second"`
	// UploadBytesPerSecond is BytesOut ÷ the time run, likewise.
	UploadBytesPerSecond float64 `json:"upload_bytes_per_second"`
}
