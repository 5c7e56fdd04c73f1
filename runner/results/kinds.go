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
	// LatencyDigest is this kind's latencies as a t-digest (see
	// Stage.LatencyDigest).
	LatencyDigest Digest `json:"latency_digest,omitempty"`
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
	// ReadSeconds is the client-seconds this kind's slow clients (those
	// with a download bandwidth) were connected for their requests: for
	// each, from the moment it was sent until its answer's body ended,
	// or it failed or timed out, summed. A request counts in the stage
	// it was sent in. 0 (left out) for a kind without slow readers.
	ReadSeconds float64 `json:"read_seconds,omitempty"`
	// SlowBytesIn is the answer body bytes those slow clients read
	// (headers not included). With the kind's download bandwidth B, B ×
	// ReadSeconds is what they could have read in that time, and
	// SlowBytesIn ÷ (B × ReadSeconds) the share of it they did: the
	// client goodput (see report/judge).
	SlowBytesIn uint64 `json:"slow_bytes_in,omitempty"`
}
