package results

// EdgeSchema is the version string of edge.json.
const EdgeSchema = "oomlab.edge/v1"

// EdgeFile is the file `oomlab edge` writes its findings to.
const EdgeFile = "edge.json"

// EdgeRun is the content of edge.json: the breaking point of one or more
// targets under one scenario's downstream.
type EdgeRun struct {
	Schema   string `json:"schema"`
	Scenario string `json:"scenario"`
	// MemoryLimitBytes is the limit every probe ran under.
	MemoryLimitBytes int64 `json:"memory_limit_bytes"`
	// LimitMode is how it was enforced ("cgroup-v1", "cgroup-v2", "watchdog").
	LimitMode string `json:"limit_mode"`
	// Phase is the downstream phase every probe ran against, from t = 0.
	Phase PhaseSpan `json:"phase"`
	// BodyBytes is the size of each request's body.
	BodyBytes int64 `json:"body_bytes"`
	// LittleRatePerSecond is the downstream's capacity by Little's law:
	// slots ÷ (latency + body ÷ read bandwidth), the highest rate it can
	// complete; 0 when the phase has no capacity.
	LittleRatePerSecond float64      `json:"little_rate_per_second"`
	Criteria            EdgeCriteria `json:"criteria"`
	// ProbeSeconds is each probe's load duration.
	ProbeSeconds float64 `json:"probe_seconds"`
	Targets      []Edge  `json:"targets"`
	// Comparison is "the aware one holds N× the load" for a naive/aware
	// pair; empty otherwise.
	Comparison string `json:"comparison,omitempty"`
}

// EdgeCriteria is what a target must do at a rate to hold it.
type EdgeCriteria struct {
	// MaxSlopeMiBPerSec bounds the RSS slope (fitted after the warm-up).
	MaxSlopeMiBPerSec float64 `json:"max_slope_mib_per_sec"`
	// MinTimeToLimitSeconds bounds the forecast time to the limit at that
	// slope.
	MinTimeToLimitSeconds float64 `json:"min_time_to_limit_seconds"`
	// MinSuccessRatio is the floor on the share of 2xx answers...
	MinSuccessRatio float64 `json:"min_success_ratio"`
	// MinGoodputRatio ...or on the downstream's goodput ratio (its
	// capacity kept busy): a target that sheds only what the downstream
	// could not take anyway holds.
	MinGoodputRatio float64 `json:"min_goodput_ratio"`
	// MaxP95Ms is the ceiling on the p95 latency.
	MaxP95Ms float64 `json:"max_p95_ms"`
}

// Edge is one target's breaking point.
type Edge struct {
	Target  string `json:"target"`
	Role    string `json:"role,omitempty"`
	Runtime string `json:"runtime"`
	// RatePerSecond is the highest rate the target held; 0 when it held
	// none of those tried.
	RatePerSecond float64 `json:"rate_per_second"`
	// FailedRatePerSecond is the lowest rate above it that failed; 0 when
	// none failed (the target held every rate tried: AtMax).
	FailedRatePerSecond float64 `json:"failed_rate_per_second"`
	// AtMax is true when the target held the largest rate the search may
	// try: its edge is at least RatePerSecond.
	AtMax bool `json:"at_max"`
	// Limited is set when a probe could not be judged (the load generator
	// fell behind, the harness failed): the search stopped there.
	Limited string `json:"limited,omitempty"`
	// Confidence says in words how far the figure can be trusted.
	Confidence string      `json:"confidence"`
	Probes     []EdgeProbe `json:"probes"`
	Seconds    float64     `json:"seconds"`
}

// EdgeProbe is one short constant-rate run of a target, and its judgement.
type EdgeProbe struct {
	RatePerSecond float64 `json:"rate_per_second"`
	// Holds is true when every criterion held; Reasons says which did
	// not, with numbers. Inconclusive probes (the load generator fell
	// behind) neither hold nor fail.
	Holds        bool `json:"holds"`
	Inconclusive bool `json:"inconclusive,omitempty"`
	// Repeat marks the confirmation probe: the edge run a second time.
	Repeat  bool     `json:"repeat,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
	Outcome string   `json:"outcome"`
	// SlopeMiBPerSec and SlopeR2 fit RSS after the warm-up.
	SlopeMiBPerSec float64 `json:"slope_mib_per_sec"`
	SlopeR2        float64 `json:"slope_r2"`
	// TimeToLimitSeconds is the forecast time to the limit at that slope
	// from the last RSS; -1 when RSS is not rising.
	TimeToLimitSeconds float64  `json:"time_to_limit_seconds"`
	RSSPeakBytes       int64    `json:"rss_peak_bytes"`
	SuccessRatio       float64  `json:"success_ratio"`
	GoodputRatio       *float64 `json:"goodput_ratio"`
	// SuccessesPerSecond is the goodput as the clients see it.
	SuccessesPerSecond float64 `json:"successes_per_second"`
	P95Ms              float64 `json:"p95_ms"`
	Behind             bool    `json:"behind"`
	// Dir is the probe's run directory, relative to edge.json.
	Dir string `json:"dir"`
}
