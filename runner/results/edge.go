package results

import (
	"fmt"
	"math"
	"strconv"
)

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
	// MaxRatePerSecond is the search's ceiling: the largest rate it may
	// probe. MaxRateSource says where it came from (--max-rate, or the
	// default and its reasoning).
	MaxRatePerSecond float64 `json:"max_rate_per_second"`
	MaxRateSource    string  `json:"max_rate_source,omitempty"`
	Targets          []Edge  `json:"targets"`
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

// EdgeBound says what an Edge's RatePerSecond is.
type EdgeBound string

// The kinds of figure a search ends with.
const (
	// BoundEdge: the target held RatePerSecond and failed
	// FailedRatePerSecond; its edge lies between them.
	BoundEdge EdgeBound = "edge"
	// BoundLower: the target held every rate that could be judged; its
	// edge is at least RatePerSecond. LimitedBy says what, other than the
	// target, ended the search.
	BoundLower EdgeBound = "lower-bound"
	// BoundNone: the target held no rate tried, or none could be judged.
	BoundNone EdgeBound = "none"
)

// EdgeLimit names what, other than the target, ended or narrowed a search.
type EdgeLimit string

// What can limit a search.
const (
	// LimitNone: the target's own failures bracketed its edge.
	LimitNone EdgeLimit = ""
	// LimitLoadGenerator: the load generator could not offer a rate in
	// full (it fell behind), so nothing at or above that rate was judged.
	LimitLoadGenerator EdgeLimit = "load-generator"
	// LimitCeiling: the target held the search's ceiling (MaxRatePerSecond).
	LimitCeiling EdgeLimit = "ceiling"
	// LimitProbeBudget: the probes allowed ran out.
	LimitProbeBudget EdgeLimit = "probe-budget"
)

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
	// Bound says whether RatePerSecond is the edge (bracketed by a
	// failure above it) or only a lower bound on it.
	Bound EdgeBound `json:"bound"`
	// LimitedBy says what other than the target ended the search (for a
	// lower bound) or widened its bracket (for an edge); empty when
	// nothing did.
	LimitedBy EdgeLimit `json:"limited_by,omitempty"`
	// AtMax is true when the target held the largest rate the search may
	// try: its edge is at least RatePerSecond (LimitedBy LimitCeiling).
	AtMax bool `json:"at_max"`
	// Limited says in words what LimitedBy names: which probe could not
	// be judged and why, or which ceiling or budget was reached.
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
	// behind: load-generator bound) neither hold nor fail; their Reasons
	// start with the generator's shortfall, then list what the target
	// did, for the record only.
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
	// Behind is true when the load generator could not offer the rate in
	// full: AchievedRatePerSecond (sent ÷ time run) fell short of
	// RatePerSecond, or it lagged its schedule by up to MaxLagSeconds.
	Behind                bool    `json:"behind"`
	AchievedRatePerSecond float64 `json:"achieved_rate_per_second"`
	MaxLagSeconds         float64 `json:"max_lag_seconds"`
	// Dir is the probe's run directory, relative to edge.json.
	Dir string `json:"dir"`
}

// Kind is e.Bound, or for an edge.json written before Bound existed:
// none when no rate held, an edge when a rate above failed, a lower
// bound otherwise.
func (e Edge) Kind() EdgeBound {
	switch {
	case e.Bound != "":
		return e.Bound
	case e.RatePerSecond == 0:
		return BoundNone
	case e.FailedRatePerSecond > 0:
		return BoundEdge
	}
	return BoundLower
}

// Text says what a lower bound is bounded by, in words.
func (l EdgeLimit) Text() string {
	switch l {
	case LimitLoadGenerator:
		return "the highest rate offered in full; the load generator, not the target, limited the search"
	case LimitCeiling:
		return "the search's ceiling"
	case LimitProbeBudget:
		return "the probe budget ran out"
	}
	return "every rate tried"
}

// Headline is e in a few words: "edge 10/s (held 10/s, failed 10.63/s)",
// "holds ≥ 160/s (the search's ceiling)", "holds ≥ 160/s (the highest
// rate offered in full; the load generator, not the target, limited the
// search)", "held no rate tried".
func (e Edge) Headline() string {
	switch e.Kind() {
	case BoundLower:
		return fmt.Sprintf("holds ≥ %s/s (%s)", rateText(e.RatePerSecond), e.LimitedBy.Text())
	case BoundNone:
		if e.LimitedBy == LimitLoadGenerator && e.FailedRatePerSecond == 0 {
			return "no rate could be judged (the load generator fell behind)"
		}
		return "held no rate tried"
	}
	return fmt.Sprintf("edge %s/s (held %s/s, failed %s/s)", rateText(e.RatePerSecond), rateText(e.RatePerSecond), rateText(e.FailedRatePerSecond))
}

// rateText writes a rate with at most two decimals: "10", "10.63".
func rateText(r float64) string {
	return strconv.FormatFloat(math.Round(r*100)/100, 'f', -1, 64)
}
