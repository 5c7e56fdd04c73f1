package judge

import (
	"cmp"
	"fmt"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
)

// patternAdvice is the fix each scenario pattern teaches, by pattern name.
var patternAdvice = map[string]string{
	"upload-proxy": "Stream the request body to the downstream instead of buffering it whole " +
		"(Go: hand r.Body to the outgoing request; Node: stream.pipeline(req, upstreamReq)), " +
		"and bound the uploads in flight with a semaphore, answering 503 with Retry-After beyond it.",
	"write-drain": "Respect the writer's backpressure: in Node stop when write() returns false and resume on 'drain' " +
		"(or use stream.pipeline); in Go write from the handler itself, not into an unbounded channel or buffer.",
	"bounded-concurrency": "Cap the work in progress at what the downstream can serve (a semaphore or a fixed worker pool) " +
		"and reject or queue with a bound beyond it.",
	"slow-db-queue": "Bound the queue in front of the slow database: a fixed-size queue with a per-query deadline, " +
		"and 503/429 when it is full, instead of accepting every request into memory.",
	"db-pool": "Bound the wait for a database connection: admit at most pool size + a few waiting requests " +
		"(a semaphore; Node: count them), give up after an acquire timeout (pgxpool.Acquire under context.WithTimeout; " +
		"pg's connectionTimeoutMillis) and answer 503 with Retry-After, with the pool sized to what the database serves at once.",
	"compression": "Compress as a stream (gzip.Writer over the response; zlib streams through stream.pipeline) " +
		"instead of building whole payloads in memory, and bound the compressions running at once.",
	"retry-queue": "Bound the retry queue: cap its length, retry with backoff and jitter, and drop or dead-letter " +
		"when full rather than keep every failed request in memory.",
	"slow-logger": "Make logging lossy or blocking when the sink is slow: a fixed-size buffer with a dropped-lines " +
		"counter, never an unbounded in-memory log queue.",
	"slow-client": "Generate the answer at the client's pace and bound the answers being sent: write each page to the " +
		"response as it is made, never the whole answer into a buffer first (Go: the handler's own w.Write blocks while " +
		"the client's socket is full; Node: stream.pipeline from a generator or Readable, or wait for 'drain' whenever " +
		"res.write() returns false), and answer 503 with Retry-After past a bound on exports in flight.",
	"json-body": "Decode JSON bodies as a stream under a size limit (Go: http.MaxBytesReader and json.Decoder; " +
		"Node: a body size limit and a streaming parser) instead of reading whole bodies first.",
}

const genericAdvice = "Find what each request holds in memory while it waits and bound it: limit requests in flight, " +
	"stream large bodies, and give every queue and buffer a fixed size and a rejection path."

// runtimeAdvice says how to see where the memory goes, by runtime.
var runtimeAdvice = map[string]string{
	"go": "To see where it goes: import net/http/pprof and run `go tool pprof http://localhost:PORT/debug/pprof/heap` " +
		"under load; `GODEBUG=gctrace=1` prints the heap at every GC.",
	"node": "To see where it goes: run node with `--heapsnapshot-near-heap-limit=2`, or take heap snapshots with `--inspect`; " +
		"watch process.memoryUsage().arrayBuffers — Buffers live outside the V8 heap, so a flat heap with climbing RSS " +
		"is still a memory problem.",
}

const genericRuntimeAdvice = "To see where it goes: compare RSS with the runtime's own heap figures and take heap " +
	"profiles under load."

// recommend returns the advice for a verdict: the pattern's fix and the
// runtime's profiling tools for a target in memory trouble, a short
// confirmation for a bounded one.
func recommend(res *results.Results, t results.Target, v Verdict) string {
	pattern := ""
	if res.ScenarioSpec != nil {
		pattern = res.ScenarioSpec.Pattern
	}
	switch v.Class {
	case ClassBounded:
		return fmt.Sprintf("No action: memory stayed bounded (peak %s, %s over %s).",
			format.MiB(v.PeakRSSMiB), format.Slope(v.SlopeMiBPerSec), cmp.Or(v.SlopeWindow, "the run"))
	case ClassCrashed:
		return "Read the stderr tail: the crash is not a memory kill; fix it before judging the memory."
	case ClassFailedToStart, ClassSkipped:
		return "Make the target start here (command, runtime installed, port), then run again."
	case ClassNoData:
		return "No samples were recorded; run again (the samples.csv may be missing)."
	}
	fix, ok := patternAdvice[pattern]
	if !ok {
		fix = genericAdvice
	}
	tools, ok := runtimeAdvice[t.Runtime]
	if !ok {
		tools = genericRuntimeAdvice
	}
	return "Memory: " + fix + " " + tools
}
