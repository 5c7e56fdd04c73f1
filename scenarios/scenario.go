package scenarios

import "time"

// Scenario is one experiment: the targets to compare, the load that drives
// them, the slow downstream they forward to, and the limits they run under.
// A Scenario returned by Parse has passed Validate and has its defaults
// filled in.
type Scenario struct {
	// Name identifies the scenario ("upload-proxy"); it names output folders.
	Name string `yaml:"name" json:"name"`
	// Description is one or two sentences a person reads in `oomlab list`.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Pattern names the backpressure lesson this scenario demonstrates
	// ("upload-proxy", "write-drain", ...). Report uses it for advice.
	Pattern string `yaml:"pattern,omitempty" json:"pattern,omitempty"`
	// Targets are run one after another under the same load and timeline.
	Targets []Target `yaml:"targets" json:"targets"`
	// MemoryLimit is the limit each target runs under (default 256 MiB).
	MemoryLimit ByteSize `yaml:"memory_limit,omitempty" json:"memory_limit_bytes"`
	// SampleInterval is how often each target is sampled (default 100ms).
	SampleInterval Duration `yaml:"sample_interval,omitempty" json:"sample_interval"`
	// Deadline bounds the whole run, all targets included (default: the
	// load's duration plus a grace period, for every target, plus 30s).
	Deadline Duration `yaml:"deadline,omitempty" json:"deadline"`
	// Load is the request stream sent to each target.
	Load Load `yaml:"load" json:"load"`
	// Downstream is the mock downstream's timeline, or the TCP fault
	// proxy's in front of a real service (Downstream.Proxy).
	Downstream Downstream `yaml:"downstream" json:"downstream"`
	// Parallel runs every target at the same time, each in its own
	// cgroup with its own downstream and load, on one clock (default:
	// one after another, each with the machine to itself).
	Parallel bool `yaml:"parallel,omitempty" json:"parallel,omitempty"`
	// Evidence says what is captured near the limit (see Evidence).
	Evidence Evidence `yaml:"evidence,omitempty" json:"evidence,omitzero"`
	// Services are started (or checked) before the targets and stopped
	// after them: a throwaway database behind the proxy (see Service).
	Services []Service `yaml:"services,omitempty" json:"services,omitempty"`
}

// Target is one server under test.
type Target struct {
	// Name is unique within the scenario.
	Name string `yaml:"name" json:"name"`
	// Builtin names a server compiled into oomlab ("upload-naive") or
	// embedded Node.js fixture ("node-upload-naive"). Exactly one of
	// Builtin and Command is set.
	Builtin string `yaml:"builtin,omitempty" json:"builtin,omitempty"`
	// Command is an argv run without a shell. In YAML it may be a list or a
	// string split into words (quotes group words). ${PORT} and
	// ${DOWNSTREAM_URL} are expanded in every word; nothing else is (no
	// shell: $HOME stays "$HOME"; `oomlab validate` warns about it).
	Command Command `yaml:"command,omitempty" json:"command,omitempty"`
	// Runtime is one of Runtimes ("go", "node", "jvm", "python" or
	// "other"); empty means detect from the builtin or the command's
	// first word. It decides how GC is traced.
	Runtime string `yaml:"runtime,omitempty" json:"runtime,omitempty"`
	// Role is "naive" or "aware" (optional); reports use it.
	Role string `yaml:"role,omitempty" json:"role,omitempty"`
	// Env is added to the target's environment (PORT and DOWNSTREAM_URL
	// are always set by the harness). ${PORT} and ${DOWNSTREAM_URL} are
	// expanded in its values as in Command (see Expand).
	Env map[string]string `yaml:"env,omitempty" json:"env,omitempty"`
	// Dir is the working directory the command runs in. A relative dir,
	// and an empty one, are the scenario file's folder (as body.file); a
	// builtin scenario's, or a command given with --target, is the
	// harness's working directory.
	Dir string `yaml:"dir,omitempty" json:"dir,omitempty"`
	// DownstreamEnv, when set, also puts the downstream's address into
	// the variable the service already reads (DATABASE_URL), so that it
	// need not be edited to read DOWNSTREAM_URL.
	DownstreamEnv *DownstreamEnv `yaml:"downstream_env,omitempty" json:"downstream_env,omitempty"`
	// ReadyPath is polled over HTTP for readiness when set; otherwise a TCP
	// connect to the port is enough.
	ReadyPath string `yaml:"ready_path,omitempty" json:"ready_path,omitempty"`
	// ReadyTimeout bounds the wait for readiness (default 10s).
	ReadyTimeout Duration `yaml:"ready_timeout,omitempty" json:"ready_timeout"`
	// Restart is what happens when the target dies under load: "never"
	// (the default: its run ends there) or "on-failure": it is started
	// again in the same cgroup while the load goes on, as a container's
	// restart policy would, at most MaxRestarts times. The first death
	// still decides the outcome; every one is recorded.
	Restart string `yaml:"restart,omitempty" json:"restart,omitempty"`
	// MaxRestarts bounds the restarts (default 5 with restart: on-failure).
	MaxRestarts int `yaml:"max_restarts,omitempty" json:"max_restarts,omitempty"`
	// Expect is what this target should do; report judges it.
	Expect Expectation `yaml:"expect,omitempty" json:"expect"`
}

// Restart policies.
const (
	RestartNever     = "never"
	RestartOnFailure = "on-failure"
)

// Expectation says what a target is expected to do. Zero fields are not checked.
type Expectation struct {
	// Outcomes lists acceptable outcomes ("survived", "oom-killed",
	// "limit-stall", "heap-limit", "crashed"); empty means any.
	Outcomes []string `yaml:"outcome,omitempty" json:"outcome,omitempty"`
	// OOMWithin is the latest acceptable time of an OOM kill or stall,
	// counted from the load's start.
	OOMWithin Duration `yaml:"oom_within,omitempty" json:"oom_within,omitempty"`
	// MaxRSS bounds the peak RSS.
	MaxRSS ByteSize `yaml:"max_rss,omitempty" json:"max_rss_bytes,omitempty"`
	// MinRSS requires the peak RSS to reach at least this (a naive target
	// that is not killed must still show its growth).
	MinRSS ByteSize `yaml:"min_rss,omitempty" json:"min_rss_bytes,omitempty"`
	// MinSuccessRatio bounds the share of 2xx/3xx answers over the run.
	MinSuccessRatio float64 `yaml:"min_success_ratio,omitempty" json:"min_success_ratio,omitempty"`
	// Classes lists acceptable verdict classes (ClassBounded, ClassGrowing,
	// or an outcome other than "survived", such as "oom-killed"); empty
	// means any. ClassInconclusive cannot be asked for: a verdict the
	// data cannot support never passes a check that asks for a class.
	Classes []string `yaml:"class,omitempty" json:"class,omitempty"`
	// MinGoodput bounds the downstream's goodput ratio from below: the
	// share of its capacity the target kept busy (needs a phase with a
	// capacity).
	MinGoodput Ratio `yaml:"min_goodput,omitempty" json:"min_goodput,omitempty"`
	// MaxSlope bounds the RSS slope: one value for the verdict's decisive
	// window, or per downstream phase (by name) or stage ("stage N").
	MaxSlope Windowed[MemorySlope] `yaml:"max_slope,omitempty" json:"max_slope,omitempty"`
	// MaxP95 bounds the p95 latency: one value for the last stage with
	// requests, or per stage ("stage N").
	MaxP95 Windowed[Duration] `yaml:"max_p95,omitempty" json:"max_p95,omitempty"`
	// MaxGCRate bounds the highest per-stage GC rate (cycles per second);
	// a target whose GC cannot be traced fails it.
	MaxGCRate PerSecond `yaml:"max_gc_rate,omitempty" json:"max_gc_rate,omitempty"`
	// MaxCgroupPeak bounds the cgroup's peak usage (page cache included);
	// a run without a cgroup (watchdog) fails it.
	MaxCgroupPeak ByteSize `yaml:"max_cgroup_peak,omitempty" json:"max_cgroup_peak_bytes,omitempty"`
	// MinTimeToLimit is the earliest acceptable time, from the load's
	// start, at which the target reaches its limit or is forecast to.
	MinTimeToLimit Duration `yaml:"min_time_to_limit,omitempty" json:"min_time_to_limit,omitempty"`
}

// Verdict classes a scenario's expect.class can name besides the
// outcomes; the report decides them from the memory curve.
const (
	ClassBounded = "bounded"
	ClassGrowing = "growing"
	// ClassInconclusive is the class of a curve too short or too noisy
	// to tell a step from a climb. Never a valid expectation.
	ClassInconclusive = "inconclusive"
)

// Load is an open-loop request stream at rising rates.
type Load struct {
	// Stages run in order; each holds a constant rate for its duration.
	Stages []Stage `yaml:"stages" json:"stages"`
	// Request is what every hit sends when the load has one kind of
	// request. Set at most one of Request, Requests and TargetsFile; with
	// either of the others Request stays empty (its defaults unfilled).
	Request Request `yaml:"request,omitempty" json:"request"`
	// Requests is a mix of request kinds: each hit is one of them, drawn
	// in proportion to their weights.
	Requests []RequestKind `yaml:"requests,omitempty" json:"requests,omitempty"`
	// TargetsFile is a Vegeta targets file (HTTP format); each target in
	// it is one kind of weight 1 (see parseTargets). A relative path is
	// resolved against the scenario file's folder.
	TargetsFile string `yaml:"targets_file,omitempty" json:"targets_file,omitempty"`
	// TargetsFileKinds are the kinds read from TargetsFile when the
	// scenario was parsed; they are not written in YAML (the file is),
	// and are kept in JSON so that a saved run names its kinds.
	TargetsFileKinds []RequestKind `yaml:"-" json:"targets_file_kinds,omitempty"`
	// MaxWorkers bounds the attacker's concurrent requests (default 1024).
	MaxWorkers int `yaml:"max_workers,omitempty" json:"max_workers"`
	// MaxConnections bounds the idle and open connections per host
	// (default MaxWorkers).
	MaxConnections int `yaml:"max_connections,omitempty" json:"max_connections"`
}

// Stage is one step of the rate schedule.
type Stage struct {
	// Rate is the offered requests per second (> 0).
	Rate float64 `yaml:"rate" json:"rate_per_second"`
	// Duration of the stage (> 0).
	Duration Duration `yaml:"duration" json:"duration"`
}

// Request describes the HTTP request sent on each hit.
type Request struct {
	Method  string            `yaml:"method,omitempty" json:"method"` // default POST when a body is given, else GET
	Path    string            `yaml:"path,omitempty" json:"path"`     // default "/"
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	Body    Body              `yaml:"body,omitempty" json:"body"`
	// Timeout bounds each request (default 30s).
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout"`
	// DownloadBandwidth, UploadBandwidth, SlowShare and KeepAlive say how
	// fast the clients are, as for a RequestKind.
	DownloadBandwidth ByteRate `yaml:"download_bandwidth,omitempty" json:"download_bandwidth_bytes_per_second,omitempty"`
	UploadBandwidth   ByteRate `yaml:"upload_bandwidth,omitempty" json:"upload_bandwidth_bytes_per_second,omitempty"`
	SlowShare         float64  `yaml:"slow_share,omitempty" json:"slow_share,omitempty"`
	KeepAlive         *bool    `yaml:"keepalive,omitempty" json:"keepalive,omitempty"`
}

// Body is either generated (Size bytes of Kind) or read from File; File
// is resolved relative to the scenario file's directory.
type Body struct {
	Size ByteSize `yaml:"size,omitempty" json:"size_bytes,omitempty"`
	// Kind is "random" (default), "zeros", "ndjson" or "json": the shape of a
	// generated body.
	Kind string `yaml:"kind,omitempty" json:"kind,omitempty"`
	File string `yaml:"file,omitempty" json:"file,omitempty"`
}

// Downstream is the mock downstream's timeline. Times are counted from the
// load's start; before the first phase and between phases the downstream
// answers at once at full speed.
type Downstream struct {
	// Proxy, when set, replaces the mock HTTP downstream with a TCP fault
	// proxy in front of a real service; the phases then slow that.
	Proxy  Proxy   `yaml:"proxy,omitempty" json:"proxy,omitzero"`
	Phases []Phase `yaml:"phases" json:"phases"`
}

// Phase is one period of downstream behaviour.
type Phase struct {
	// Name labels the phase on plots ("slow db").
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// At is when the phase starts.
	At Duration `yaml:"at" json:"at"`
	// Duration is how long it lasts; zero means until the run ends.
	Duration Duration `yaml:"duration,omitempty" json:"duration"`
	// Latency is waited before the request body is read.
	Latency Duration `yaml:"latency,omitempty" json:"latency"`
	// ReadBandwidth is bytes per second read from each request's body
	// ("1MB/s"); zero means unthrottled. Behind the proxy it is the bytes
	// per second passed from all targets' connections to the upstream
	// together (aggregate).
	ReadBandwidth ByteRate `yaml:"read_bandwidth,omitempty" json:"read_bandwidth_bytes_per_second"`
	// WriteBandwidth (proxy only) is the bytes per second passed from the
	// upstream back to all connections together; zero means unthrottled.
	WriteBandwidth ByteRate `yaml:"write_bandwidth,omitempty" json:"write_bandwidth_bytes_per_second,omitempty"`
	// Capacity is how many requests are served at once; the rest wait in
	// the downstream's queue, unread. Behind the proxy it is how many
	// upstream connections are open at once (a database's
	// max_connections); the rest wait. Zero means unlimited.
	Capacity int `yaml:"capacity,omitempty" json:"capacity"`
	// ErrorRate is the share of requests answered 503 (0..1); mock only.
	ErrorRate float64 `yaml:"error_rate,omitempty" json:"error_rate"`
	// ResetRate (proxy only) is the share of connections reset (0..1):
	// those open when the phase starts and those arriving during it.
	ResetRate float64 `yaml:"reset_rate,omitempty" json:"reset_rate,omitempty"`
	// Stall holds every request until the phase ends.
	Stall bool `yaml:"stall,omitempty" json:"stall"`
}

// End returns when the phase ends, or 0 when it lasts until the run ends.
func (p Phase) End() time.Duration {
	if p.Duration == 0 {
		return 0
	}
	return time.Duration(p.At + p.Duration)
}

// TotalDuration is the sum of the stages' durations.
func (l Load) TotalDuration() time.Duration {
	var d time.Duration
	for _, s := range l.Stages {
		d += time.Duration(s.Duration)
	}
	return d
}
