package results

import "time"

// RunInfo is what a live consumer learns when a run starts: everything it
// needs to lay out a display before the first sample arrives.
type RunInfo struct {
	Scenario         string       `json:"scenario"`
	MemoryLimitBytes int64        `json:"memory_limit_bytes"`
	LimitMode        string       `json:"limit_mode"`
	Parallel         bool         `json:"parallel"`
	StartedAt        time.Time    `json:"started_at"`
	Stages           []StageSpan  `json:"stages"`
	Phases           []PhaseSpan  `json:"phases"`
	Targets          []TargetInfo `json:"targets"`
}

// TargetInfo names one target of a run before it has any findings.
type TargetInfo struct {
	Name    string `json:"name"`
	Role    string `json:"role,omitempty"`
	Runtime string `json:"runtime"`
}

// EventKind is what a RunEvent reports.
type EventKind string

// Kinds of RunEvent.
const (
	// EventLoadStarted: the target is ready and its load begins (AtSeconds 0).
	EventLoadStarted EventKind = "load-started"
	// EventDeath: the target died under load; Outcome and Detail say how.
	EventDeath EventKind = "death"
	// EventRestart: the target was started again after a death.
	EventRestart EventKind = "restart"
	// EventPhase: the downstream entered the phase named in Phase.
	EventPhase EventKind = "phase"
	// EventStage: the load entered rate stage Stage (0-based).
	EventStage EventKind = "stage"
	// EventTargetDone: the target's run ended; Outcome is its outcome.
	EventTargetDone EventKind = "target-done"
	// EventWarning: something a person should know now (Detail).
	EventWarning EventKind = "warning"
)

// RunEvent is one thing that happened to a target during a run. AtSeconds
// is since that target's load started.
type RunEvent struct {
	Kind      EventKind `json:"kind"`
	Target    string    `json:"target"`
	AtSeconds float64   `json:"at_seconds"`
	Outcome   string    `json:"outcome,omitempty"`
	Mechanism string    `json:"mechanism,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	Stage     int       `json:"stage,omitempty"`
	Phase     string    `json:"phase,omitempty"`
}
