package scenarios

import (
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Defaults filled in by Parse for fields a scenario leaves out.
const (
	// DefaultMemoryLimit is memory_limit: room for a healthy server, small
	// enough that an unbounded one reaches it within a minute.
	DefaultMemoryLimit ByteSize = 256 << 20
	// DefaultSampleInterval is sample_interval: 10 samples a second cost
	// about 0.6% of a core.
	DefaultSampleInterval = Duration(100 * time.Millisecond)
	// DefaultTimeout is load.request.timeout.
	DefaultTimeout = Duration(30 * time.Second)
	// DefaultReadyTimeout is a target's ready_timeout.
	DefaultReadyTimeout = Duration(10 * time.Second)
	// DefaultMaxRestarts is max_restarts when a target has restart: on-failure.
	DefaultMaxRestarts = 5
	// DefaultMaxWorkers is load.max_workers; max_connections defaults to
	// max_workers.
	DefaultMaxWorkers = 1024
	// DeadlineGrace is added to the load's duration for each target when
	// the deadline is left out (start-up, draining, shutdown).
	DeadlineGrace = Duration(15 * time.Second)
	// DeadlineSlack is added once to the default deadline.
	DeadlineSlack = Duration(30 * time.Second)
)

// fillDefaults completes a valid scenario:
//
//	memory_limit     256MiB
//	sample_interval  100ms
//	deadline         (load duration + 15s) × number of targets + 30s
//	load.max_workers 1024; max_connections = max_workers
//	request.method   POST when there is a body, else GET
//	request.path     "/"
//	request.timeout  30s
//	each kind        as request, and weight 1; slow_share 1 with a bandwidth
//	body.kind        random, for a generated body (body.size)
//	ready_timeout    10s
//	runtime          detected, see detectRuntime
//	restart          never; max_restarts 5 with restart: on-failure
func (s *Scenario) fillDefaults() {
	setIfZero(&s.MemoryLimit, DefaultMemoryLimit)
	setIfZero(&s.SampleInterval, DefaultSampleInterval)
	for i := range s.Targets {
		t := &s.Targets[i]
		setIfZero(&t.ReadyTimeout, DefaultReadyTimeout)
		setIfZero(&t.Runtime, detectRuntime(*t))
		setIfZero(&t.Restart, RestartNever)
		if t.Restart == RestartOnFailure {
			setIfZero(&t.MaxRestarts, DefaultMaxRestarts)
		}
	}
	l := &s.Load
	setIfZero(&l.MaxWorkers, DefaultMaxWorkers)
	setIfZero(&l.MaxConnections, l.MaxWorkers)
	if r := &l.Request; len(l.Requests) == 0 && l.TargetsFile == "" {
		// Only when it is the load's one kind: a mix leaves it empty.
		fillRequest(&r.Method, &r.Path, &r.Timeout, &r.Body)
	}
	for i := range l.Requests {
		l.Requests[i].fillDefaults()
	}
	for i := range l.TargetsFileKinds {
		l.TargetsFileKinds[i].fillDefaults()
	}
	for i := range s.Services {
		setIfZero(&s.Services[i].ReadyTimeout, DefaultServiceReadyTimeout)
	}
	n := Duration(len(s.Targets))
	setIfZero(&s.Deadline, (Duration(l.TotalDuration())+DeadlineGrace)*n+DeadlineSlack)
}

// fillDefaults completes one kind of load.requests or of a targets file
// as fillDefaults does load.request, and sets the weight to 1 and, for a
// kind with a slow link, the slow share to 1.
func (k *RequestKind) fillDefaults() {
	fillRequest(&k.Method, &k.Path, &k.Timeout, &k.Body)
	setIfZero(&k.Weight, 1)
	if k.DownloadBandwidth > 0 || k.UploadBandwidth > 0 {
		setIfZero(&k.SlowShare, 1)
	}
}

// fillRequest completes a request's (or a kind's) method, path, timeout
// and body kind: POST when a body is sent, else GET; "/"; DefaultTimeout;
// a generated body is random.
func fillRequest(method, path *string, timeout *Duration, body *Body) {
	if body.Size > 0 || body.File != "" {
		setIfZero(method, "POST")
	}
	setIfZero(method, "GET")
	setIfZero(path, "/")
	setIfZero(timeout, DefaultTimeout)
	if body.Size > 0 {
		setIfZero(&body.Kind, "random")
	}
}

func setIfZero[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

// The runtimes a target may have; Runtimes lists them.
const (
	RuntimeGo     = "go"
	RuntimeNode   = "node"
	RuntimeJVM    = "jvm"
	RuntimePython = "python"
	RuntimeOther  = "other"
)

// Runtimes returns the runtime names a scenario may use, in the order
// they are offered; the caller may keep the slice.
func Runtimes() []string { return slices.Clone(runtimes) }

// nodeLaunchers are the programs whose command is a Node.js target: node
// itself and the package managers that start it (npm start).
var nodeLaunchers = []string{"node", "nodejs", "npm", "npx", "yarn", "pnpm"}

// pythonLaunchers are the programs whose command is a CPython target,
// besides python, python3 and python3.X (see isPython).
var pythonLaunchers = []string{"gunicorn", "uvicorn"}

// detectRuntime guesses how a target's garbage collector can be traced:
// builtins named "node-..." are Node.js and other builtins Go; a command
// whose program (after any "env VAR=x") is node or nodejs (or npm, npx,
// yarn, pnpm) is Node.js, java is the JVM, python, python3, python3.X,
// gunicorn and uvicorn are Python. Anything else, Go binaries included (a
// compiled Go program cannot be told by its name), is "other": set
// runtime: go for those. A shell wrapper (sh -c "exec java ...") is the
// JVM or Python when its script names one (shellScriptRuntime).
func detectRuntime(t Target) string {
	if t.Builtin != "" {
		if strings.HasPrefix(t.Builtin, "node-") {
			return RuntimeNode
		}
		return RuntimeGo
	}
	words := t.Command
	if len(words) > 0 && filepath.Base(words[0]) == "env" {
		i := 1
		for i < len(words) && (strings.Contains(words[i], "=") || strings.HasPrefix(words[i], "-")) {
			i++
		}
		words = words[i:]
	}
	if len(words) == 0 {
		return RuntimeOther
	}
	if rt := RuntimeOfProgram(words[0]); rt != RuntimeOther {
		return rt
	}
	return shellScriptRuntime(words)
}

// shells are the programs whose "-c SCRIPT" is read for a JVM or a
// CPython it starts.
var shells = []string{"sh", "bash", "dash", "ash", "zsh"}

// shellScriptRuntime finds the runtime of a wrapper "sh -c SCRIPT": the
// first word of SCRIPT (split at blanks and ; & | ( ) ` characters) that
// names java or a Python program gives RuntimeJVM or RuntimePython;
// otherwise, or for a command that is not a shell's -c, RuntimeOther.
// Node.js behind a shell stays "other" here as it always was (its
// preload reaches it through NODE_OPTIONS once runtime: node is set).
func shellScriptRuntime(words []string) string {
	if !slices.Contains(shells, filepath.Base(words[0])) {
		return RuntimeOther
	}
	i := slices.Index(words, "-c")
	if i < 0 || i+1 >= len(words) {
		return RuntimeOther
	}
	for _, w := range strings.FieldsFunc(words[i+1], func(r rune) bool { return strings.ContainsRune(" \t\n;&|()`\"'", r) }) {
		if rt := RuntimeOfProgram(w); rt == RuntimeJVM || rt == RuntimePython {
			return rt
		}
	}
	return RuntimeOther
}

// RuntimeOfProgram names the runtime of a program by its base name:
// RuntimeNode, RuntimeJVM, RuntimePython, or RuntimeOther when the name
// does not tell. It serves a command's first word and a process's comm
// alike (the runner reads a wrapper's tree with it).
func RuntimeOfProgram(program string) string {
	base := filepath.Base(program)
	switch {
	case slices.Contains(nodeLaunchers, base):
		return RuntimeNode
	case base == "java":
		return RuntimeJVM
	case isPython(base) || slices.Contains(pythonLaunchers, base):
		return RuntimePython
	}
	return RuntimeOther
}

// isPython reports whether base is python, python3 or python3.X (X
// digits).
func isPython(base string) bool {
	rest, ok := strings.CutPrefix(base, "python")
	if !ok {
		return false
	}
	if rest == "" || rest == "3" {
		return true
	}
	minor, ok := strings.CutPrefix(rest, "3.")
	return ok && minor != "" && strings.Trim(minor, "0123456789") == ""
}
