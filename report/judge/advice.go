package judge

import (
	"cmp"
	"fmt"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// fix is the advice a scenario pattern teaches: What to do, in words
// that hold for any runtime, and How per runtime (by scenarios' runtime
// name), the idiom that does it there. A target gets What and its own
// runtime's How; a runtime without one ("other") gets What alone.
type fix struct {
	What string
	How  map[string]string
}

// patternAdvice is the fix each scenario pattern teaches, by pattern name.
var patternAdvice = map[string]fix{
	"upload-proxy": {"Stream the request body to the downstream instead of buffering it whole, and bound the " +
		"uploads in flight with a semaphore, answering 503 with Retry-After beyond it.", map[string]string{
		scenarios.RuntimeGo:     "hand r.Body to the outgoing request, under a buffered channel used as a semaphore",
		scenarios.RuntimeNode:   "stream.pipeline(req, upstreamReq), counting the uploads in flight",
		scenarios.RuntimeJVM:    "in.transferTo(out) from the request's InputStream to the downstream's OutputStream, under a java.util.concurrent.Semaphore (tryAcquire, else 503)",
		scenarios.RuntimePython: "read wsgi.input in fixed-size chunks (read(65536)) and send each on, under a threading.BoundedSemaphore (acquire(blocking=False), else 503)",
	}},
	"write-drain": {"Respect the writer's backpressure: write no faster than the client reads, never into an " +
		"unbounded channel or buffer.", map[string]string{
		scenarios.RuntimeGo:     "write from the handler itself, whose w.Write blocks while the client's socket is full",
		scenarios.RuntimeNode:   "stop when write() returns false and resume on 'drain', or use stream.pipeline",
		scenarios.RuntimeJVM:    "write to the response's OutputStream from the handling thread, which blocks while the client is slow",
		scenarios.RuntimePython: "yield the answer from a generator, so the server writes each piece as the client takes it",
	}},
	"bounded-concurrency": {"Cap the work in progress at what the downstream can serve (a semaphore or a fixed " +
		"worker pool) and reject or queue with a bound beyond it.", map[string]string{
		scenarios.RuntimeGo:     "a buffered channel as a semaphore, or golang.org/x/sync/semaphore",
		scenarios.RuntimeNode:   "a counter of requests in flight checked before the work starts",
		scenarios.RuntimeJVM:    "a ThreadPoolExecutor with a bounded ArrayBlockingQueue and a rejection handler",
		scenarios.RuntimePython: "a threading.BoundedSemaphore, or an asyncio.Semaphore under asyncio",
	}},
	"slow-db-queue": {"Bound the queue in front of the slow database: a fixed-size queue with a per-query " +
		"deadline, and 503/429 when it is full, instead of accepting every request into memory.", map[string]string{
		scenarios.RuntimeGo:     "a buffered channel, a select with default to refuse, context.WithTimeout per query",
		scenarios.RuntimeNode:   "count the queued queries and refuse past the bound; a timeout per query",
		scenarios.RuntimeJVM:    "an ArrayBlockingQueue with offer() (false means full) and a query timeout",
		scenarios.RuntimePython: "a queue.Queue(maxsize=N) with put_nowait (queue.Full means refuse) and a timeout per query",
	}},
	"db-pool": {"Bound the wait for a database connection: admit at most pool size + a few waiting requests, " +
		"give up after an acquire timeout and answer 503 with Retry-After, with the pool sized to what the " +
		"database serves at once.", map[string]string{
		scenarios.RuntimeGo:     "a semaphore in front of pgxpool.Acquire under context.WithTimeout",
		scenarios.RuntimeNode:   "count the waiting requests; pg's connectionTimeoutMillis",
		scenarios.RuntimeJVM:    "HikariCP's connectionTimeout, with a Semaphore for the waiting requests",
		scenarios.RuntimePython: "SQLAlchemy's pool_size, max_overflow and pool_timeout, with a BoundedSemaphore for the waiting requests",
	}},
	"compression": {"Compress as a stream instead of building whole payloads in memory, and bound the " +
		"compressions running at once.", map[string]string{
		scenarios.RuntimeGo:     "a gzip.Writer over the response writer",
		scenarios.RuntimeNode:   "zlib.createGzip() through stream.pipeline",
		scenarios.RuntimeJVM:    "a GZIPOutputStream over the response's OutputStream",
		scenarios.RuntimePython: "zlib.compressobj() fed chunk by chunk from a generator",
	}},
	"retry-queue": {"Bound the retry queue: cap its length, retry with backoff and jitter, and drop or " +
		"dead-letter when full rather than keep every failed request in memory.", map[string]string{
		scenarios.RuntimeGo:     "a buffered channel with a select-default drop",
		scenarios.RuntimeNode:   "an array with a length check before push",
		scenarios.RuntimeJVM:    "an ArrayBlockingQueue with offer(), counting what it drops",
		scenarios.RuntimePython: "a collections.deque(maxlen=N) or a queue.Queue(maxsize=N)",
	}},
	"slow-logger": {"Make logging lossy or blocking when the sink is slow: a fixed-size buffer with a " +
		"dropped-lines counter, never an unbounded in-memory log queue.", map[string]string{
		scenarios.RuntimeGo:     "a buffered channel with a select-default drop and a counter",
		scenarios.RuntimeNode:   "check the stream's write() result and count the lines dropped",
		scenarios.RuntimeJVM:    "an async appender with a bounded queue that discards (Logback's AsyncAppender, Log4j2's AsyncAppender with blocking=false)",
		scenarios.RuntimePython: "a logging.handlers.QueueHandler over a queue.Queue(maxsize=N)",
	}},
	"slow-client": {"Generate the answer at the client's pace and bound the answers being sent: write each page " +
		"to the response as it is made, never the whole answer into a buffer first, and answer 503 with " +
		"Retry-After past a bound on exports in flight.", map[string]string{
		scenarios.RuntimeGo:     "the handler's own w.Write blocks while the client's socket is full",
		scenarios.RuntimeNode:   "stream.pipeline from a generator or Readable, or wait for 'drain' whenever res.write() returns false",
		scenarios.RuntimeJVM:    "write each page to the response's OutputStream and flush, under a Semaphore",
		scenarios.RuntimePython: "return a generator that yields each page, under a BoundedSemaphore",
	}},
	"json-body": {"Decode JSON bodies as a stream under a size limit instead of reading whole bodies first.", map[string]string{
		scenarios.RuntimeGo:     "http.MaxBytesReader and json.Decoder",
		scenarios.RuntimeNode:   "a body size limit and a streaming parser",
		scenarios.RuntimeJVM:    "Jackson's JsonParser over the request's InputStream, with a length check",
		scenarios.RuntimePython: "check CONTENT_LENGTH first and parse incrementally (ijson) from wsgi.input",
	}},
}

// runtimeNames are the runtimes as the advice names them.
var runtimeNames = map[string]string{
	scenarios.RuntimeGo: "Go", scenarios.RuntimeNode: "Node", scenarios.RuntimeJVM: "JVM", scenarios.RuntimePython: "Python",
}

// text is the fix for a runtime: What, then "In Go: …." for a runtime
// with a How of its own.
func (f fix) text(runtime string) string {
	how, ok := f.How[runtime]
	if !ok {
		return f.What
	}
	return f.What + " In " + runtimeNames[runtime] + ": " + how + "."
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
	"jvm": "To see where it goes: `jcmd PID GC.class_histogram` and `jcmd PID GC.heap_info` under load " +
		"(evidence.jcmd takes them for you), `-XX:+HeapDumpOnOutOfMemoryError`; RSS well above the heap " +
		"points to direct buffers or threads (`-XX:NativeMemoryTracking=summary`).",
	"python": "To see where it goes: set evidence.tracemalloc in the scenario for the top allocation sites " +
		"(or tracemalloc.take_snapshot() yourself); RSS climbing while tracemalloc's total stays flat " +
		"points to C extensions or to memory the allocator keeps.",
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
	what := genericAdvice
	if f, ok := patternAdvice[pattern]; ok {
		what = f.text(t.Runtime)
	}
	tools, ok := runtimeAdvice[t.Runtime]
	if !ok {
		tools = genericRuntimeAdvice
	}
	return "Memory: " + what + " " + tools
}
