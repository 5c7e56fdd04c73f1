package runner

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// killCause says whether, and why, the harness itself killed a target.
type killCause string

// Why the harness kills a target.
const (
	killNone     killCause = ""
	killWatchdog killCause = "watchdog" // RSS passed the limit with no cgroup
	killStall    killCause = "stall"    // sat at the limit answering nothing
	// killKernel: the kernel OOM-killed a process of the target's tree
	// (the cgroup's oom_kill counter rose) and the harness ended the rest,
	// as memory.oom.group does on cgroup v2: a wrapper or a master process
	// left alive would otherwise read as a tiny, healthy target.
	killKernel killCause = "kernel"
)

// cgroupDelta is what a target's cgroup counted while one process ran.
type cgroupDelta struct {
	// Mode is the cgroup's mode, results.MechanismCgroupV1 or V2.
	Mode string
	// OOMKills and Fails are the oom_kill and fail counters' increase
	// since the process started; FailTotal is the fail counter now.
	OOMKills, Fails, FailTotal int64
}

// death is everything the harness knows about one death of a target's
// process: how the process ended, what the cgroup counted, whether the
// harness killed it, and what it wrote last.
type death struct {
	// At is when it happened (or, for a harness kill, when the cause
	// began), since the load's start.
	At time.Duration
	// Exit is how the process (the leader of the target's tree) ended.
	Exit results.Exit
	// KilledBy is the harness's own reason, killNone when it did not kill.
	KilledBy killCause
	// Cgroup is nil when the target ran without a cgroup (watchdog).
	Cgroup *cgroupDelta
	// Signs are the stderr lines a memorySigns watcher kept (any time
	// during the process's life); Tail is the stderr tail. Both are read
	// for a runtime's own out-of-memory signature.
	Signs []string
	Tail  string
	// Limit and StallWindow are the scenario's, for the words.
	Limit       int64
	StallWindow time.Duration
}

// classify decides how a target's process died. Its order is the order of
// certainty:
//
//  1. the harness killed it (watchdog, limit stall, or the rest of a
//     tree the kernel OOM-killed into): it knows why;
//  2. the kernel killed it: the cgroup's oom_kill counter rose, or the
//     process died by SIGKILL while allocations failed at the limit;
//  3. its runtime gave up at its own heap limit: stderr carries the
//     runtime's signature (heapSignature: V8, Go, Python, the JVM, the
//     Rust and C++ allocators) — whatever the exit, because a wrapper
//     (sh -c "server; true", npm) may turn the runtime's abort into a
//     plain exit code or even 0;
//  4. otherwise it crashed, for a reason that is not about memory as far
//     as the harness can tell.
//
// A kernel kill (SIGKILL) outranks a signature: a runtime that logged an
// allocation failure and went on serving, then was killed, died of the
// kernel.
func classify(d death) results.Event {
	at := d.At.Seconds()
	limit := mib(d.Limit)
	ev := results.Event{AtSeconds: at}
	sig := d.Exit.Signal
	var oomKills, fails, failTotal int64
	mode := ""
	if d.Cgroup != nil {
		oomKills, fails, failTotal, mode = d.Cgroup.OOMKills, d.Cgroup.Fails, d.Cgroup.FailTotal, d.Cgroup.Mode
	}
	sign, found := findHeapSignature(d.Signs, d.Tail)
	switch {
	case d.KilledBy == killWatchdog:
		ev.Outcome, ev.Mechanism = results.OutcomeOOMKilled, results.MechanismWatchdog
		ev.Detail = fmt.Sprintf("RSS passed the %s limit at %.1f s; the harness's watchdog killed it (no cgroup on this machine)", limit, at)
	case d.KilledBy == killStall:
		ev.Outcome, ev.Mechanism = results.OutcomeLimitStall, mode
		if mode == "" {
			ev.Mechanism = results.MechanismWatchdog
		}
		ev.Detail = fmt.Sprintf("sat at the %s limit from %.1f s, alive but answering nothing, while the cgroup's fail counter rose to %d; the harness ended it after %s",
			limit, at, failTotal, d.StallWindow)
	case d.KilledBy == killKernel:
		ev.Outcome, ev.Mechanism = results.OutcomeOOMKilled, mode
		ev.Detail = fmt.Sprintf("killed by the kernel at %.1f s: cgroup oom_kill counter +%d, fail counter +%d; the harness then ended the rest of its process tree (leader's exit: %s)",
			at, oomKills, fails, exitText(d.Exit))
	case d.Cgroup != nil && (oomKills > 0 && (sig == "SIGKILL" || !found) || sig == "SIGKILL" && fails > 0):
		ev.Outcome, ev.Mechanism = results.OutcomeOOMKilled, mode
		ev.Detail = fmt.Sprintf("killed by the kernel at %.1f s: exit by %s, cgroup oom_kill counter +%d, fail counter +%d",
			at, orNone(sig), oomKills, fails)
	case found:
		ev.Outcome = results.OutcomeHeapLimit
		ev.Detail = fmt.Sprintf("hit the %s heap limit at %.1f s: %q", sign.Runtime, at, sign.Line)
		if sign.Figure != "" {
			ev.Detail += "; " + sign.Figure
		}
		ev.Detail += "; " + exitText(d.Exit)
		if fails > 0 {
			ev.Detail += fmt.Sprintf(", cgroup fail counter +%d", fails)
		}
	default:
		ev.Outcome = results.OutcomeCrashed
		ev.Detail = fmt.Sprintf("exited on its own at %.1f s: %s", at, exitText(d.Exit))
	}
	return ev
}

// heapSign is a runtime's own out-of-memory message found in stderr.
type heapSign struct {
	// Runtime names who gave up: "V8", "Go runtime", "Python", "JVM".
	Runtime string
	// Line is the line that says so, trimmed and cut to maxQuote.
	Line string
	// Figure is the heap figure the runtime printed nearby, in words, or "".
	Figure string
}

// maxQuote bounds a quoted line in an event's detail.
const maxQuote = 200

// heapSignature recognises one line of a runtime's out-of-memory death:
//
//	V8 (Node.js)  "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
//	              "FATAL ERROR: Ineffective mark-compacts near heap limit ...",
//	              "... CALL_AND_RETRY_LAST Allocation failed - JavaScript heap out of memory",
//	              "# Fatal javascript OOM in ..." (newer V8)
//	Go            "fatal error: runtime: out of memory", "fatal error: out of memory",
//	              "runtime: out of memory: cannot allocate N-byte block (M in use)"
//	Python        a traceback's last line "MemoryError" or "MemoryError: ..." (also
//	              subclasses such as numpy's "_ArrayMemoryError: Unable to allocate ...")
//	JVM           "java.lang.OutOfMemoryError: Java heap space" (any kind), also after
//	              "Exception in thread ...", "Terminating due to ...", "Aborting due to ..."
//	Rust          "memory allocation of N bytes failed"
//	C++           "terminate called after throwing an instance of 'std::bad_alloc'"
//
// Matching is by substring, so that prefixes a process manager adds
// ("web.1 | ", timestamps) do not hide a line. It returns the runtime's
// name, or "" for any other line.
func heapSignature(line string) string {
	switch {
	case strings.Contains(line, "JavaScript heap out of memory"),
		strings.Contains(line, "FATAL ERROR:") && strings.Contains(line, "heap limit"),
		strings.Contains(line, "Fatal javascript OOM"),
		strings.Contains(line, "Fatal JavaScript out of memory"):
		return "V8"
	case strings.Contains(line, "fatal error: runtime: out of memory"),
		strings.Contains(line, "fatal error: out of memory"),
		strings.Contains(line, "runtime: out of memory: cannot allocate"):
		return "Go runtime"
	case strings.Contains(line, "java.lang.OutOfMemoryError"):
		return "JVM"
	case isPythonMemoryError(line):
		return "Python"
	case rustAllocRE.MatchString(line):
		return "Rust allocator"
	case strings.Contains(line, "std::bad_alloc"):
		return "C++ allocator"
	}
	return ""
}

var rustAllocRE = regexp.MustCompile(`memory allocation of \d+ bytes failed`)

// isPythonMemoryError reports whether line ends a Python traceback with
// MemoryError or a subclass: the exception's (dotted) name, right after
// the start of the line or a space, followed by ":" or the line's end.
// "handled a MemoryError earlier" in a log line is not one.
func isPythonMemoryError(line string) bool {
	line = strings.TrimSpace(line)
	i := strings.Index(line, "MemoryError")
	if i < 0 {
		return false
	}
	rest := line[i+len("MemoryError"):]
	if rest != "" && rest[0] != ':' {
		return false
	}
	start := strings.LastIndexAny(line[:i], " \t|") + 1
	name := line[start:i]
	return strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") == ""
}

// findHeapSignature looks for a runtime's out-of-memory signature in the
// kept sign lines, then in the tail, preferring the most specific line
// (V8's "FATAL ERROR", Go's "fatal error") over its context lines, and
// reads the heap figure the runtime printed.
func findHeapSignature(signs []string, tail string) (heapSign, bool) {
	lines := append(append([]string(nil), signs...), strings.Split(tail, "\n")...)
	var best heapSign
	bestRank := -1
	for _, l := range lines {
		rt := heapSignature(l)
		if rt == "" {
			continue
		}
		if r := signRank(l); r > bestRank {
			best, bestRank = heapSign{Runtime: rt, Line: quote(l)}, r
		}
	}
	if bestRank < 0 {
		return heapSign{}, false
	}
	best.Figure = heapFigure(best.Runtime, lines)
	return best, true
}

// signRank orders signature lines of one death: the fatal line first.
func signRank(l string) int {
	switch {
	case strings.Contains(l, "FATAL ERROR"), strings.Contains(l, "fatal error"),
		strings.Contains(l, "Terminating due to"), strings.Contains(l, "Aborting due to"),
		strings.Contains(l, "Exception in thread"):
		return 2
	case strings.Contains(l, "runtime: out of memory: cannot allocate"):
		return 0
	}
	return 1
}

func quote(l string) string {
	l = strings.TrimSpace(l)
	if len(l) > maxQuote {
		l = l[:maxQuote] + "…"
	}
	return l
}

var (
	// v8GCRE matches V8's GC trace figures "33.8 (61.9) -> 31.6 (33.4) MB".
	v8GCRE = regexp.MustCompile(`(\d+(?:\.\d+)?) \((\d+(?:\.\d+)?)\) -> (\d+(?:\.\d+)?) \((\d+(?:\.\d+)?)\) MB`)
	// goOOMRE matches Go's "cannot allocate 4194304-byte block (289144832 in use)".
	goOOMRE = regexp.MustCompile(`cannot allocate (\d+)-byte block \((\d+) in use\)`)
)

// heapFigure returns the heap figure a runtime printed before dying, in
// words: V8's heap after its last GC (from the "Last few GCs" block, whose
// lines it may run together), Go's bytes in use when an allocation was
// refused; the JVM's OutOfMemoryError kind (jvmOOMKind). Python prints
// none beyond its message.
func heapFigure(runtime string, lines []string) string {
	switch runtime {
	case "JVM":
		for _, l := range lines {
			if k := jvmOOMKind(l); k != "" {
				return k
			}
		}
	case "V8":
		var last []string
		for _, l := range lines {
			if m := v8GCRE.FindAllStringSubmatch(l, -1); len(m) > 0 {
				last = m[len(m)-1]
			}
		}
		if last != nil {
			return fmt.Sprintf("heap %s MB (of %s MB committed) after its last GC", last[3], last[4])
		}
	case "Go runtime":
		for _, l := range lines {
			if m := goOOMRE.FindStringSubmatch(l); m != nil {
				want, _ := strconv.ParseInt(m[1], 10, 64)
				used, _ := strconv.ParseInt(m[2], 10, 64)
				return fmt.Sprintf("%s in use when %s more was refused", mib(used), mib(want))
			}
		}
	}
	return ""
}

// maxSigns bounds the lines a memorySigns keeps.
const maxSigns = 8

// memorySigns watches a process's stderr for the lines heapSignature
// recognises and keeps the last maxSigns of them. A Go program's fatal
// error comes first and is followed by a dump of every goroutine, far
// longer than the stderr tail: without this the line would be lost.
// Feed is called from the stderr reader; Lines after the process is done.
// It is safe for concurrent use.
type memorySigns struct {
	mu    sync.Mutex
	lines []string
	first time.Time // when the first line was seen
	count int       // lines seen in all
}

// Feed looks at one stderr line.
func (m *memorySigns) Feed(line string) {
	if heapSignature(line) == "" && !goOOMRE.MatchString(line) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.count == 0 {
		m.first = time.Now()
	}
	m.count++
	if len(m.lines) == maxSigns {
		copy(m.lines, m.lines[1:])
		m.lines = m.lines[:maxSigns-1]
	}
	m.lines = append(m.lines, quote(line))
}

// Lines returns the kept lines, oldest first.
func (m *memorySigns) Lines() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.lines...)
}

// survivorHeapLimit reports a target that was alive at the end of the
// load but whose runtime refused allocations on the way: Python raises
// MemoryError and the JVM OutOfMemoryError in the thread that allocates,
// and a server that catches them per request (http.server, gunicorn, a
// thread pool) goes on failing requests. Its outcome is heap-limit, at
// the first such line since t0, not survived.
func survivorHeapLimit(m *memorySigns, t0 time.Time) (results.Event, bool) {
	if m == nil {
		return results.Event{}, false
	}
	m.mu.Lock()
	first, count := m.first, m.count
	m.mu.Unlock()
	sign, ok := findHeapSignature(m.Lines(), "")
	if !ok {
		return results.Event{}, false
	}
	at := max(first.Sub(t0), 0).Seconds()
	detail := fmt.Sprintf("alive at the end of the load, but %s refused allocations from %.1f s on: %q (%d such lines)",
		sign.Runtime, at, sign.Line, count)
	if sign.Figure != "" {
		detail += "; " + sign.Figure
	}
	return results.Event{AtSeconds: at, Outcome: results.OutcomeHeapLimit, Detail: detail}, true
}

func exitText(e results.Exit) string {
	switch {
	case e.Signal != "":
		return "signal " + e.Signal
	case e.Code != nil:
		return fmt.Sprintf("exit code %d", *e.Code)
	}
	return "unknown exit"
}

func orNone(s string) string {
	if s == "" {
		return "no signal"
	}
	return s
}
