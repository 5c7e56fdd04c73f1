package results

// EvidenceDir is the folder, inside a run's output directory, that holds
// the files evidence captures write (heap profiles, smaps_rollup copies,
// heap snapshots).
const EvidenceDir = "evidence"

// Evidence is what was captured from one target when its memory passed
// one share of the limit.
type Evidence struct {
	// Share is the share of the memory limit this mark stands for (0.8);
	// for the end-of-load capture, the share memory had reached.
	Share float64 `json:"share_of_limit"`
	// EndOfLoad marks the capture taken when the load ended, for a target
	// whose memory never passed the last mark.
	EndOfLoad bool `json:"end_of_load,omitempty"`
	// AtSeconds is when memory passed the mark, since the load's start.
	AtSeconds float64 `json:"at_seconds"`
	// RSSBytes and CgroupUsageBytes are the sample that passed the mark
	// (cgroup usage -1 without a cgroup).
	RSSBytes         int64 `json:"rss_bytes"`
	CgroupUsageBytes int64 `json:"cgroup_usage_bytes"`
	// PID is the process smaps_rollup and the cost's RSS were read of:
	// the tree's process with the most RSS at the capture (the target's
	// own process when it is alone). A heap snapshot is taken of Node's
	// PID.
	PID int `json:"pid,omitempty"`
	// Smaps is /proc/PID/smaps_rollup at the mark; nil when unreadable.
	Smaps *Smaps `json:"smaps,omitempty"`
	// Heap summarises the Go heap profile taken at the mark; nil for
	// other runtimes or when the target serves no pprof.
	Heap *HeapProfile `json:"heap,omitempty"`
	// Node is the latest process.memoryUsage() reading of a Node.js
	// target at the mark.
	Node *NodeMemory `json:"node,omitempty"`
	// JVM is what jcmd said of the tree's largest JVM at the mark (class
	// histogram, heap, native memory when tracked); nil for other
	// runtimes or when jcmd could not attach.
	JVM *JVMMemory `json:"jvm,omitempty"`
	// Python is tracemalloc's reading of each Python process of the
	// target's tree that answered at the mark (evidence.tracemalloc),
	// the one with the most memory traced first.
	Python []PythonHeap `json:"python,omitempty"`
	// Files lists what was written, relative to the run's directory.
	Files []string `json:"files,omitempty"`
	// Cost is what the capture cost the target.
	Cost EvidenceCost `json:"cost"`
	// Errors says what could not be captured, and why.
	Errors []string `json:"errors,omitempty"`
}

// EvidenceCost is what one capture cost the target: how long it took,
// how long it stopped the target, and its RSS just before and just after.
type EvidenceCost struct {
	// Millis is the wall time from the first request to the target to
	// the last byte of its answer (profile, snapshot); smaps_rollup is
	// read by the kernel and costs the target nothing. The target serves
	// on meanwhile, except while stopped (StallMs).
	Millis float64 `json:"millis"`
	// StallMs is how long the capture stopped the target, nil when not
	// known. Go heap profile: the stop-the-world pauses of the garbage
	// collections during the capture, its forced one included, as the
	// target's GC trace reports them (its other goroutines run through
	// the rest of the forced collection and the profile's writing).
	// Node.js heap snapshot: the snapshot's whole duration, Millis, since
	// V8 writes it with the program paused (an upper bound). Python
	// tracemalloc: the longest a snapshot held one process's GIL.
	StallMs *float64 `json:"stall_ms,omitempty"`
	// Collections is how many garbage collections the GC trace reported
	// during a heap profile's capture (1: the forced one alone).
	Collections int64 `json:"collections,omitempty"`
	// RSSBeforeBytes and RSSAfterBytes bracket the capture (0: unknown).
	RSSBeforeBytes int64 `json:"rss_before_bytes"`
	RSSAfterBytes  int64 `json:"rss_after_bytes"`
}

// Smaps is /proc/PID/smaps_rollup in three parts: anonymous memory (heap,
// stacks, buffers), file-backed pages (the binary, libraries, mapped
// files: RSS − Anonymous) and pages shared with other processes.
type Smaps struct {
	RSSBytes          int64 `json:"rss_bytes"`
	AnonymousBytes    int64 `json:"anonymous_bytes"`
	FileBackedBytes   int64 `json:"file_backed_bytes"`
	SharedBytes       int64 `json:"shared_bytes"`
	PrivateDirtyBytes int64 `json:"private_dirty_bytes"`
	SwapBytes         int64 `json:"swap_bytes"`
}

// HeapProfile summarises a Go heap profile (pprof's inuse_space).
type HeapProfile struct {
	// InUseBytes is all the memory the profile says is in use.
	InUseBytes int64 `json:"inuse_bytes"`
	// Sites are the top allocation sites by bytes in use, largest first.
	Sites []HeapSite `json:"sites"`
	// File is the profile, relative to the run's directory.
	File string `json:"file"`
}

// HeapSite is one allocation site of a heap profile: the function that
// allocated (the innermost frame outside the runtime) and the first line
// of the program's own code on the way to it.
type HeapSite struct {
	// Function allocated the memory ("io.ReadAll").
	Function string `json:"function"`
	// Caller is the program's own function that called into it, with its
	// file (base name) and line; equal to Function's when the program
	// allocated itself.
	Caller     string `json:"caller"`
	File       string `json:"file"`
	Line       int64  `json:"line"`
	InUseBytes int64  `json:"inuse_bytes"`
	Objects    int64  `json:"objects"`
}

// NodeMemory is one process.memoryUsage() reading of a Node.js target;
// External includes ArrayBuffers (Buffers live there, outside the V8 heap).
// When several Node.js processes of the target's tree report (npm start,
// a cluster), it is the reading of the one with the most RSS.
type NodeMemory struct {
	AtSeconds float64 `json:"at_seconds"`
	// PID is the process that read it.
	PID int `json:"pid,omitempty"`
	// Processes is how many Node.js processes of the tree reported within
	// two seconds of this reading (1 for a lone server).
	Processes         int   `json:"processes,omitempty"`
	RSSBytes          int64 `json:"rss_bytes"`
	HeapTotalBytes    int64 `json:"heap_total_bytes"`
	HeapUsedBytes     int64 `json:"heap_used_bytes"`
	ExternalBytes     int64 `json:"external_bytes"`
	ArrayBuffersBytes int64 `json:"array_buffers_bytes"`
}

// JVMMemory is a JVM's memory as jcmd reports it at an evidence mark:
// GC.class_histogram (which collects first, so its bytes are live
// objects), GC.heap_info and, when the JVM runs with
// -XX:NativeMemoryTracking, VM.native_memory summary.
type JVMMemory struct {
	// PID is the JVM asked (the tree's java process with the most RSS).
	PID int `json:"pid"`
	// HeapUsedBytes and HeapCommittedBytes are GC.heap_info's used and
	// committed ("total", "capacity") heap, summed over generations; 0
	// when unread.
	HeapUsedBytes      int64 `json:"heap_used_bytes"`
	HeapCommittedBytes int64 `json:"heap_committed_bytes"`
	// MetaspaceUsedBytes is GC.heap_info's Metaspace "used".
	MetaspaceUsedBytes int64 `json:"metaspace_used_bytes"`
	// LiveBytes is the class histogram's total: the heap's live objects.
	LiveBytes int64 `json:"live_bytes"`
	// Classes are the histogram's top classes by bytes, largest first.
	Classes []JVMClass `json:"classes,omitempty"`
	// NativeCommittedBytes is native memory tracking's committed total,
	// 0 when tracking is off; Native its largest categories.
	NativeCommittedBytes int64           `json:"native_committed_bytes,omitempty"`
	Native               []JVMNativeArea `json:"native,omitempty"`
}

// JVMClass is one line of a class histogram; Name is written as in
// Java ("byte[]", "java.lang.String", "java.lang.Object[]").
type JVMClass struct {
	Name      string `json:"name"`
	Instances int64  `json:"instances"`
	Bytes     int64  `json:"bytes"`
}

// JVMNativeArea is one category of native memory tracking's summary
// ("Java Heap", "Thread", "Other" — where direct buffers are counted —,
// "Class", "Code", "GC") with its committed bytes.
type JVMNativeArea struct {
	Category       string `json:"category"`
	CommittedBytes int64  `json:"committed_bytes"`
}

// PythonHeap is tracemalloc's reading of one Python process at a mark:
// the memory Python's allocator handed out and still holds, by where the
// program asked for it.
type PythonHeap struct {
	// PID is the process that answered.
	PID int `json:"pid"`
	// TracedBytes is the memory tracemalloc traces now (every block
	// allocated through Python's allocators since tracing began, not
	// freed); PeakTracedBytes its peak.
	TracedBytes     int64 `json:"traced_bytes"`
	PeakTracedBytes int64 `json:"peak_traced_bytes"`
	// TracemallocBytes is what tracemalloc itself uses to trace them.
	TracemallocBytes int64 `json:"tracemalloc_bytes"`
	// Frames is how many frames each allocation's traceback keeps.
	Frames int `json:"frames"`
	// SnapshotMs is how long taking the snapshot held the process's GIL
	// (its Python threads stopped meanwhile).
	SnapshotMs float64 `json:"snapshot_ms"`
	// Sites are the top allocation sites by bytes, largest first.
	Sites []PythonSite `json:"sites"`
	// File is the reading as received, relative to the run's directory.
	File string `json:"file,omitempty"`
}

// PythonSite is one allocation site of a tracemalloc reading: the line
// of the program's own code that allocated, or that called the library
// (the standard library, a package) that did.
type PythonSite struct {
	// File and Line name the program's line; Code is its text.
	File string `json:"file"`
	Line int64  `json:"line"`
	Code string `json:"code,omitempty"`
	// ViaFile and ViaLine name the line that allocated, when it is a
	// library's rather than File:Line itself.
	ViaFile string `json:"via_file,omitempty"`
	ViaLine int64  `json:"via_line,omitempty"`
	// Bytes and Blocks are what the site holds now.
	Bytes  int64 `json:"bytes"`
	Blocks int64 `json:"blocks"`
}
