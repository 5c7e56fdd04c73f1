package results

import (
	"time"

	"github.com/oomlab/oomlab/scenarios"
)

// Schema is the version string written to results.json. A change that
// removes or renames a field bumps it; adding a field does not.
const Schema = "oomlab.results/v1"

// File names inside a run's output directory.
const (
	ResultsFile = "results.json"
	SamplesFile = "samples.csv"
	LoadFile    = "load.csv"
)

// Outcome of one target's run.
const (
	OutcomeSurvived   = "survived"
	OutcomeOOMKilled  = "oom-killed"
	OutcomeLimitStall = "limit-stall"
	OutcomeCrashed    = "crashed"
	// OutcomeHeapLimit is a death at the runtime's own heap limit (V8's
	// "JavaScript heap out of memory", Go's "fatal error: runtime: out of
	// memory", Python's MemoryError, the JVM's OutOfMemoryError),
	// recognised from the exit and the stderr signature, not the kernel.
	OutcomeHeapLimit     = "heap-limit"
	OutcomeFailedToStart = "failed-to-start"
	// OutcomeInterrupted is used when the run was stopped (Ctrl-C or the
	// deadline) before this target's load had finished.
	OutcomeInterrupted = "interrupted"
	// OutcomeSkipped is used when a target could not be run here (for
	// example a Node.js target where node is not installed).
	OutcomeSkipped = "skipped"
	// OutcomeForecastOOM is used when --fail-fast ended the target's load
	// because its memory was confidently forecast to reach the limit
	// before the load's end (see Target.Forecast).
	OutcomeForecastOOM = "forecast-oom"
)

// Schedules: how a run's targets were run.
const (
	ScheduleParallel   = "parallel"
	ScheduleSequential = "sequential"
)

// OOM mechanisms: how the harness knows a target was killed for memory.
const (
	MechanismCgroupV1 = "cgroup-v1"
	MechanismCgroupV2 = "cgroup-v2"
	MechanismWatchdog = "watchdog"
)

// Results is the content of results.json.
type Results struct {
	Schema   string `json:"schema"`
	Scenario string `json:"scenario"`
	// ScenarioSpec is the parsed scenario the run used, defaults filled in.
	ScenarioSpec     *scenarios.Scenario `json:"scenario_spec"`
	MemoryLimitBytes int64               `json:"memory_limit_bytes"`
	// LimitMode is the enforcement in force for every target:
	// "cgroup-v1", "cgroup-v2" or "watchdog".
	LimitMode string `json:"limit_mode"`
	// LimitNote says how the limit is enforced: the cgroup placement used
	// and why each one tried before it was refused, or why a watchdog
	// stands in.
	LimitNote  string    `json:"limit_note,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// RunID names this run apart from every other (128 random bits, hex):
	// a merge refuses the same run given twice. Empty in runs made before
	// it existed.
	RunID string `json:"run_id,omitempty"`
	// Schedule is how the targets ran: ScheduleParallel (each with its own
	// cgroup, downstream and load, at once) or ScheduleSequential. Empty
	// in runs made before it was recorded.
	Schedule string `json:"schedule,omitempty"`
	// Shard is "I/N" when the run was share I of N of a sharded run
	// (run --shard), "" otherwise.
	Shard string `json:"shard,omitempty"`
	// Repeat is this run's number (1-based) among Repeats runs of the same
	// scenario made by run --repeat; both 0 otherwise.
	Repeat  int `json:"repeat,omitempty"`
	Repeats int `json:"repeats,omitempty"`
	// Partial is true when the run did not finish (interrupt, deadline,
	// harness error); what was collected is still here.
	Partial       bool   `json:"partial"`
	PartialReason string `json:"partial_reason,omitempty"`
	// Stages is the load schedule, with times relative to each target's
	// load start.
	Stages []StageSpan `json:"stages"`
	// Phases is the downstream timeline, same time base.
	Phases      []PhaseSpan       `json:"phases"`
	Targets     []Target          `json:"targets"`
	Harness     Harness           `json:"harness"`
	Environment Environment       `json:"environment"`
	Files       map[string]string `json:"files"`
}

// StageSpan is one rate stage on the time axis.
type StageSpan struct {
	Index         int     `json:"index"`
	RatePerSecond float64 `json:"rate_per_second"`
	StartSeconds  float64 `json:"start_seconds"`
	EndSeconds    float64 `json:"end_seconds"`
}

// PhaseSpan is one downstream phase on the time axis; EndSeconds is the
// end of the load when the phase is open-ended.
type PhaseSpan struct {
	Name                        string  `json:"name"`
	StartSeconds                float64 `json:"start_seconds"`
	EndSeconds                  float64 `json:"end_seconds"`
	LatencySeconds              float64 `json:"latency_seconds"`
	ReadBandwidthBytesPerSecond int64   `json:"read_bandwidth_bytes_per_second"`
	Capacity                    int     `json:"capacity"`
	ErrorRate                   float64 `json:"error_rate"`
	Stall                       bool    `json:"stall"`
}

// Target is one target's findings.
type Target struct {
	Name    string   `json:"name"`
	Role    string   `json:"role,omitempty"`
	Runtime string   `json:"runtime"`
	Command []string `json:"command"`
	// Injected lists each thing oomlab added to the target's environment
	// or argv, in words a user can act on, e.g. "JAVA_TOOL_OPTIONS +=
	// -Xlog:gc:stderr (switch off: gc_trace: false)"; empty when nothing
	// was added.
	Injected []string `json:"injected,omitempty"`
	Outcome  string   `json:"outcome"`
	// OutcomeDetail says in words how the outcome was decided.
	OutcomeDetail string `json:"outcome_detail,omitempty"`
	OOMKilled     bool   `json:"oom_killed"`
	// OOMMechanism is MechanismCgroupV1/V2/Watchdog, or null when not killed.
	OOMMechanism *string `json:"oom_mechanism"`
	// OOMAtSeconds is when the kill (or limit stall) happened, counted
	// from the load's start; null when neither happened.
	OOMAtSeconds *float64 `json:"oom_at_seconds"`
	// RSSPeakBytes is the largest of VmHWM and every RSS sample, each
	// summed over the target's process tree (a wrapper and its children,
	// workers): for several processes the summed VmHWM is an upper bound.
	RSSPeakBytes int64 `json:"rss_peak_bytes"`
	// ProcessesMax is the most processes the target's tree had at one
	// sample (1 for a server started directly).
	ProcessesMax int `json:"processes_max"`
	// LargestProcess is the process of the tree with the most RSS at any
	// sample; null when none was sampled.
	LargestProcess *Process `json:"largest_process"`
	// CgroupPeakBytes is the cgroup's own peak usage (page cache
	// included), 0 when no cgroup was used.
	CgroupPeakBytes int64 `json:"cgroup_peak_bytes"`
	// CgroupFailCount is the cgroup's failcnt (v1) or max events (v2).
	CgroupFailCount int64 `json:"cgroup_fail_count"`
	// GCCount is the number of GC cycles seen in the runtime's trace, or
	// null when the runtime's GC cannot be read.
	GCCount *int64 `json:"gc_count"`
	// CPUPercentMean is the mean CPU use over the samples (100 = one core).
	CPUPercentMean float64 `json:"cpu_percent_mean"`
	Exit           Exit    `json:"exit"`
	// LoadStartedAt is the wall time this target's load began; sample and
	// load rows are relative to it.
	LoadStartedAt time.Time `json:"load_started_at"`
	// DurationSeconds is how long the load ran against this target.
	DurationSeconds float64 `json:"duration_seconds"`
	// StderrTail is the last lines the target wrote to stderr (bounded).
	StderrTail string `json:"stderr_tail,omitempty"`
	// Restarts counts how often the target was started again after it
	// died under load (restart: on-failure); 0 otherwise.
	Restarts int `json:"restarts"`
	// Events lists every death under load, in order: with restarts there
	// can be several; the first decides Outcome.
	Events []Event `json:"events"`
	// Error is set when the harness could not run the target as asked.
	Error  string  `json:"error,omitempty"`
	Stages []Stage `json:"stages"`
	// Kinds is the load's figures per request kind over the whole run,
	// in the scenario's order; empty in runs made before request kinds
	// existed.
	Kinds      []KindFigures `json:"kinds,omitempty"`
	Downstream Downstream    `json:"downstream"`
	// Forecast is the forecast --fail-fast acted on (CutShort), or, for a
	// target that survived its load while its memory still rose beyond
	// doubt, the last forecast made; null otherwise.
	Forecast *Forecast `json:"forecast,omitempty"`
	// StoppedEarly is set when --fast ended this target's load before its
	// end because its memory was judged flat with confidence; nil otherwise.
	StoppedEarly *EarlyStop `json:"stopped_early,omitempty"`
	// Evidence is what was captured at each mark the target's memory
	// passed (see evidence.go); NodeMemoryLast is a Node.js target's
	// last memoryUsage() reading, the one before a kill.
	Evidence       []Evidence  `json:"evidence,omitempty"`
	NodeMemoryLast *NodeMemory `json:"node_memory_last,omitempty"`
}

// Process is one process of a target's tree.
type Process struct {
	PID int `json:"pid"`
	// Command is its command line, cut to 200 bytes.
	Command string `json:"command"`
	// RSSPeakBytes is the largest of its RSS and VmHWM seen.
	RSSPeakBytes int64 `json:"rss_peak_bytes"`
}

// Event is one death of a target under load.
type Event struct {
	// AtSeconds is when it happened, since the load's start.
	AtSeconds float64 `json:"at_seconds"`
	// Outcome is what it was: oom-killed, limit-stall, heap-limit or crashed.
	Outcome string `json:"outcome"`
	// Mechanism is the OOM mechanism for oom-killed and limit-stall.
	Mechanism string `json:"mechanism,omitempty"`
	Detail    string `json:"detail"`
	// Restarted is true when the target was started again after it.
	Restarted bool `json:"restarted"`
}

// Exit is how the target's process ended.
type Exit struct {
	// Code is the exit code, null when killed by a signal or still running.
	Code *int `json:"code"`
	// Signal is the name of the signal that ended it ("SIGKILL"), or "".
	Signal string `json:"signal,omitempty"`
	// ByHarness is true when the harness stopped it (end of load, stall,
	// interrupt), so a SIGTERM/SIGKILL there is not a finding.
	ByHarness bool `json:"by_harness"`
}

// Stage is the load's figures over one rate stage.
type Stage struct {
	Index                int     `json:"index"`
	OfferedRatePerSecond float64 `json:"offered_rate_per_second"`
	// AchievedRatePerSecond is requests sent ÷ stage time actually run.
	AchievedRatePerSecond float64 `json:"achieved_rate_per_second"`
	// Behind is true when the attacker could not keep the offered rate
	// (more than a second's worth of requests late, or fewer than 95% sent).
	Behind        bool    `json:"behind"`
	MaxLagSeconds float64 `json:"max_lag_seconds"`
	Requests      uint64  `json:"requests"`
	Successes     uint64  `json:"successes"`
	SuccessRatio  float64 `json:"success_ratio"`
	// Shed counts the requests the target turned away on purpose: a 503
	// or 429 answered within ShedMaxLatency (IsShed). They are neither successes
	// nor errors.
	Shed          uint64            `json:"shed"`
	StatusCodes   map[string]uint64 `json:"status_codes"`
	Errors        []ErrorCount      `json:"errors"`
	LatencyMeanMs float64           `json:"latency_mean_ms"`
	LatencyP50Ms  float64           `json:"latency_p50_ms"`
	LatencyP95Ms  float64           `json:"latency_p95_ms"`
	LatencyP99Ms  float64           `json:"latency_p99_ms"`
	LatencyMaxMs  float64           `json:"latency_max_ms"`
	// LatencyDigest is the stage's latencies as a t-digest, so that runs
	// made apart (repeats, shards) merge into true percentiles rather
	// than averaged ones. Empty in runs made before it was stored.
	LatencyDigest   Digest  `json:"latency_digest,omitempty"`
	BytesOut        uint64  `json:"bytes_out"`
	BytesIn         uint64  `json:"bytes_in"`
	DurationSeconds float64 `json:"duration_seconds"`
	// Kinds is the same figures per request kind, in the scenario's
	// order; their counts add up to the stage's. Empty in runs made
	// before request kinds existed.
	Kinds []KindFigures `json:"kinds,omitempty"`
}

// EarlyStop is why and when --fast ended a target's load early.
type EarlyStop struct {
	// AtSeconds is when the load was ended, since its start.
	AtSeconds float64 `json:"at_seconds"`
	// LoadSeconds is how long the load would have run.
	LoadSeconds float64 `json:"load_seconds"`
	// FromSeconds is where the settled part of the top stage began: the
	// fit behind the decision covers FromSeconds to AtSeconds.
	FromSeconds float64 `json:"from_seconds"`
	// SlopeBytesPerSecond is the fitted memory slope there, and
	// SlopeUpperBytesPerSecond its upper confidence bound (slope + z × the
	// standard error widened for autocorrelation): below the growth
	// threshold, the memory is flat beyond doubt.
	SlopeBytesPerSecond      float64 `json:"slope_bytes_per_second"`
	SlopeUpperBytesPerSecond float64 `json:"slope_upper_bytes_per_second"`
	// Reason says it in words.
	Reason string `json:"reason"`
}

// ErrorCount is one kind of error and how often it was seen; messages
// are normalised (addresses and ports removed) and only the most common
// few kinds are kept.
type ErrorCount struct {
	Error string `json:"error"`
	Count uint64 `json:"count"`
}

// Downstream is what the mock downstream saw while this target ran.
type Downstream struct {
	Requests      uint64 `json:"requests"`
	Completed     uint64 `json:"completed"`
	Errors        uint64 `json:"errors"`
	BytesAccepted uint64 `json:"bytes_accepted"`
	// GoodputRatio is busy slot-seconds ÷ (capacity × time) over the
	// phases that have a capacity: how much of what the downstream could
	// have served was used. Null when no phase has a capacity.
	GoodputRatio *float64 `json:"goodput_ratio"`
	// Proxy holds the TCP fault proxy's figures when it was the
	// downstream (then Requests counts connections and BytesAccepted the
	// bytes passed to the upstream); nil for the mock.
	Proxy *ProxyFigures `json:"proxy,omitempty"`
}

// Harness is oomlab's own footprint during the run.
type Harness struct {
	RSSPeakBytes int64  `json:"rss_peak_bytes"`
	RSSMeanBytes int64  `json:"rss_mean_bytes"`
	Version      string `json:"version"`
}

// Environment describes the machine the run was made on.
type Environment struct {
	OS          string `json:"os"`
	Kernel      string `json:"kernel"`
	CPUs        int    `json:"cpus"`
	MemoryBytes uint64 `json:"memory_bytes"`
	GoVersion   string `json:"go_version"`
	NodeVersion string `json:"node_version,omitempty"`
	Hostname    string `json:"hostname,omitempty"`
}
