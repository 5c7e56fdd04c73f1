package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

func recorded(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "stderr", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestClassify(t *testing.T) {
	code := func(c int) *int { return &c }
	v1 := func(oom, fails int64) *cgroupDelta {
		return &cgroupDelta{Mode: results.MechanismCgroupV1, OOMKills: oom, Fails: fails, FailTotal: fails}
	}
	goDump := "goroutine 1 gp=0x2c46027401e0 m=0 mp=0x559ec0 [running]:\nruntime.throw({0x4ac7d5?, 0x200?})\n"
	tests := []struct {
		name        string
		d           death
		want        string
		mechanism   string
		detailHas   []string
		detailLacks []string
	}{
		{name: "watchdog", d: death{KilledBy: killWatchdog, Exit: results.Exit{Signal: "SIGKILL"}},
			want: results.OutcomeOOMKilled, mechanism: results.MechanismWatchdog, detailHas: []string{"watchdog"}},
		{name: "stall beats a signature", d: death{KilledBy: killStall, Cgroup: v1(0, 900), Exit: results.Exit{Signal: "SIGKILL"},
			Tail: "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n"},
			want: results.OutcomeLimitStall, mechanism: results.MechanismCgroupV1, detailHas: []string{"fail counter rose to 900"}},
		{name: "kernel kill in the tree, wrapper ended by the harness", d: death{KilledBy: killKernel, Cgroup: v1(1, 30), Exit: results.Exit{Signal: "SIGKILL"}},
			want: results.OutcomeOOMKilled, mechanism: results.MechanismCgroupV1, detailHas: []string{"oom_kill counter +1", "rest of its process tree"}},
		{name: "kernel oom_kill", d: death{Cgroup: v1(1, 40), Exit: results.Exit{Signal: "SIGKILL"}},
			want: results.OutcomeOOMKilled, mechanism: results.MechanismCgroupV1, detailHas: []string{"oom_kill counter +1"}},
		{name: "SIGKILL with failures", d: death{Cgroup: v1(0, 40), Exit: results.Exit{Signal: "SIGKILL"}},
			want: results.OutcomeOOMKilled, mechanism: results.MechanismCgroupV1},
		{name: "kernel kill through sh -c ...; true (exit 0)", d: death{Cgroup: v1(1, 12), Exit: results.Exit{Code: code(0)}},
			want: results.OutcomeOOMKilled, mechanism: results.MechanismCgroupV1},
		{name: "kernel SIGKILL after a logged MemoryError", d: death{Cgroup: v1(1, 5), Exit: results.Exit{Signal: "SIGKILL"},
			Tail: "Traceback (most recent call last):\nMemoryError\n"},
			want: results.OutcomeOOMKilled},
		{name: "SIGKILL without cgroup failures is a crash", d: death{Cgroup: v1(0, 0), Exit: results.Exit{Signal: "SIGKILL"}},
			want: results.OutcomeCrashed, detailHas: []string{"signal SIGKILL"}},
		{name: "V8 recorded, SIGABRT", d: death{At: 7300 * time.Millisecond, Cgroup: v1(0, 0), Exit: results.Exit{Signal: "SIGABRT"},
			Tail: recorded(t, "v8-heap-limit.txt")},
			want: results.OutcomeHeapLimit, detailHas: []string{"V8", "at 7.3 s",
				`"FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"`,
				"heap 31.3 MB (of 33.7 MB committed)", "signal SIGABRT"}},
		{name: "V8 through npm: exit code 1, oom_kill elsewhere", d: death{Cgroup: v1(1, 3), Exit: results.Exit{Code: code(1)},
			Tail: recorded(t, "v8-heap-limit.txt")},
			want: results.OutcomeHeapLimit, detailHas: []string{"exit code 1", "cgroup fail counter +3"}},
		{name: "V8 ineffective mark-compacts", d: death{Exit: results.Exit{Signal: "SIGABRT"},
			Tail: "FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory\n"},
			want: results.OutcomeHeapLimit, detailHas: []string{"V8", "Ineffective"}},
		{name: "V8 line cut after 'heap limit'", d: death{Exit: results.Exit{Signal: "SIGABRT"},
			Tail: "<--- JS stacktrace --->\n\nFATAL ERROR: Reached heap limit Alloca"},
			want: results.OutcomeHeapLimit, detailHas: []string{"V8"}},
		{name: "V8 line cut before 'heap': a crash", d: death{Exit: results.Exit{Signal: "SIGABRT"},
			Tail: "<--- JS stacktrace --->\n\nFATAL ERROR: Rea"},
			want: results.OutcomeCrashed, detailHas: []string{"SIGABRT"}},
		{name: "V8 with a process-manager prefix and CR", d: death{Exit: results.Exit{Code: code(134)},
			Tail: "web.1  | FATAL ERROR: CALL_AND_RETRY_LAST Allocation failed - JavaScript heap out of memory\r\n"},
			want: results.OutcomeHeapLimit, detailHas: []string{"V8", "exit code 134"}},
		{name: "Go recorded, exit 2", d: death{Exit: results.Exit{Code: code(2)}, Tail: recorded(t, "go-out-of-memory.txt")},
			want: results.OutcomeHeapLimit, detailHas: []string{"Go runtime", `"fatal error: out of memory"`,
				"275.8 MiB in use when 4.0 MiB more was refused"}},
		{name: "Go fatal error gone from the tail, kept as a sign", d: death{Exit: results.Exit{Code: code(2)},
			Signs: []string{"runtime: out of memory: cannot allocate 4194304-byte block (289144832 in use)", "fatal error: out of memory"},
			Tail:  strings.Repeat(goDump, 20)},
			want: results.OutcomeHeapLimit, detailHas: []string{`"fatal error: out of memory"`, "275.8 MiB in use"}},
		{name: "Go runtime: out of memory", d: death{Exit: results.Exit{Code: code(2)}, Tail: "fatal error: runtime: out of memory\n\n" + goDump},
			want: results.OutcomeHeapLimit, detailHas: []string{"fatal error: runtime: out of memory"}, detailLacks: []string{"in use"}},
		{name: "Go other fatal error", d: death{Exit: results.Exit{Code: code(2)}, Tail: "fatal error: concurrent map writes\n\n" + goDump},
			want: results.OutcomeCrashed, detailHas: []string{"exit code 2"}},
		{name: "Go panic", d: death{Exit: results.Exit{Code: code(2)}, Tail: "panic: runtime error: index out of range [3] with length 3\n"},
			want: results.OutcomeCrashed},
		{name: "Python recorded", d: death{Exit: results.Exit{Code: code(1)}, Tail: recorded(t, "python-memoryerror.txt")},
			want: results.OutcomeHeapLimit, detailHas: []string{"Python", `"MemoryError"`, "exit code 1"}},
		{name: "Python numpy subclass with figure", d: death{Exit: results.Exit{Code: code(1)},
			Tail: "numpy.core._exceptions._ArrayMemoryError: Unable to allocate 7.45 GiB for an array with shape (1000000000,) and data type float64\n"},
			want: results.OutcomeHeapLimit, detailHas: []string{"Python", "Unable to allocate 7.45 GiB"}},
		{name: "Python MemoryError in a log sentence is not one", d: death{Exit: results.Exit{Code: code(1)},
			Tail: "INFO recovered from a MemoryError earlier\nSystemExit: 1\n"},
			want: results.OutcomeCrashed},
		{name: "Python other exception", d: death{Exit: results.Exit{Code: code(1)},
			Tail: "Traceback (most recent call last):\nKeyError: 'x'\n"},
			want: results.OutcomeCrashed},
		{name: "JVM recorded", d: death{Exit: results.Exit{Code: code(1)}, Tail: recorded(t, "jvm-heap-space.txt")},
			want: results.OutcomeHeapLimit, detailHas: []string{"JVM", "Java heap space", "OutOfMemoryError kind: Java heap space (the heap is full"}},
		{name: "JVM direct buffers, JDK 17", d: death{Exit: results.Exit{Code: code(1)}, Tail: recorded(t, "jvm-direct-buffer.txt")},
			want: results.OutcomeHeapLimit, detailHas: []string{"OutOfMemoryError kind: Direct buffer memory", "MaxDirectMemorySize",
				"8.0 MiB of direct buffers allocated, 1.0 MiB more refused, limit 8.0 MiB"}},
		{name: "JVM direct buffers, older JDK", d: death{Exit: results.Exit{Code: code(1)},
			Tail: "Exception in thread \"pool-1-thread-9\" java.lang.OutOfMemoryError: Direct buffer memory\n\tat java.base/java.nio.Bits.reserveMemory(Bits.java:175)\n"},
			want: results.OutcomeHeapLimit, detailHas: []string{"OutOfMemoryError kind: Direct buffer memory (direct ByteBuffers"}},
		{name: "JVM metaspace", d: death{Exit: results.Exit{Code: code(1)}, Tail: recorded(t, "jvm-metaspace.txt")},
			want: results.OutcomeHeapLimit, detailHas: []string{"OutOfMemoryError kind: Metaspace (class metadata"}},
		{name: "JVM array size", d: death{Exit: results.Exit{Code: code(1)}, Tail: recorded(t, "jvm-array-size.txt")},
			want: results.OutcomeHeapLimit, detailHas: []string{"OutOfMemoryError kind: Requested array size exceeds VM limit"}},
		{name: "JVM native thread", d: death{Exit: results.Exit{Code: code(1)},
			Tail: "[0.1s][warning][os,thread] Failed to start thread \"Unknown thread\" - pthread_create failed (EAGAIN) for attributes: stacksize: 1024k.\nException in thread \"main\" java.lang.OutOfMemoryError: unable to create native thread: possibly out of memory or process/resource limits reached\n"},
			want: results.OutcomeHeapLimit, detailHas: []string{"OutOfMemoryError kind: unable to create native thread (", "pids.max"}},
		{name: "JVM unknown kind", d: death{Exit: results.Exit{Code: code(1)},
			Tail: "Exception in thread \"main\" java.lang.OutOfMemoryError: something new\n"},
			want: results.OutcomeHeapLimit, detailHas: []string{`OutOfMemoryError kind: "something new"`}},
		{name: "JVM ExitOnOutOfMemoryError", d: death{Exit: results.Exit{Code: code(3)}, Tail: recorded(t, "jvm-exit-on-oom.txt")},
			want: results.OutcomeHeapLimit, detailHas: []string{"Terminating due to java.lang.OutOfMemoryError", "exit code 3"}},
		{name: "JVM GC overhead", d: death{Exit: results.Exit{Signal: "SIGABRT"},
			Tail: "Aborting due to java.lang.OutOfMemoryError: GC overhead limit exceeded\n"},
			want: results.OutcomeHeapLimit, detailHas: []string{"GC overhead limit exceeded", "OutOfMemoryError kind: GC overhead limit (the collector"}},
		{name: "Rust allocator", d: death{Exit: results.Exit{Signal: "SIGABRT"}, Tail: "memory allocation of 1048576 bytes failed\n"},
			want: results.OutcomeHeapLimit, detailHas: []string{"Rust allocator"}},
		{name: "C++ bad_alloc", d: death{Exit: results.Exit{Signal: "SIGABRT"},
			Tail: "terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc\n"},
			want: results.OutcomeHeapLimit, detailHas: []string{"C++ allocator"}},
		{name: "a very long signature line is quoted cut", d: death{Exit: results.Exit{Signal: "SIGABRT"},
			Tail: "FATAL ERROR: Reached heap limit " + strings.Repeat("x", 5000) + "\n"},
			want: results.OutcomeHeapLimit, detailHas: []string{"…"}},
		{name: "empty tail, clean exit", d: death{Exit: results.Exit{Code: code(0)}},
			want: results.OutcomeCrashed, detailHas: []string{"exit code 0"}},
		{name: "binary garbage", d: death{Exit: results.Exit{Code: code(139)}, Tail: "\x00\xff\xfe MemoryErr\n\x1b[31m"},
			want: results.OutcomeCrashed},
		{name: "unknown exit", d: death{}, want: results.OutcomeCrashed, detailHas: []string{"unknown exit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.d.Limit == 0 {
				tt.d.Limit = 256 << 20
			}
			ev := classify(tt.d)
			if ev.Outcome != tt.want {
				t.Fatalf("classify() outcome = %s (%s); want %s", ev.Outcome, ev.Detail, tt.want)
			}
			if tt.mechanism != "" && ev.Mechanism != tt.mechanism {
				t.Errorf("classify() mechanism = %q; want %q", ev.Mechanism, tt.mechanism)
			}
			for _, s := range tt.detailHas {
				if !strings.Contains(ev.Detail, s) {
					t.Errorf("classify() detail = %q; want it to contain %q", ev.Detail, s)
				}
			}
			for _, s := range tt.detailLacks {
				if strings.Contains(ev.Detail, s) {
					t.Errorf("classify() detail = %q; want no %q", ev.Detail, s)
				}
			}
		})
	}
}

func TestMemorySignsBounded(t *testing.T) {
	var m memorySigns
	m.Feed("listening on :8080")
	for i := range 3 * maxSigns {
		m.Feed("runtime: out of memory: cannot allocate 8192-byte block (" + strings.Repeat("1", i+1) + " in use)")
	}
	m.Feed("fatal error: out of memory")
	for range 1000 {
		m.Feed("goroutine 7 [IO wait]:")
	}
	got := m.Lines()
	if len(got) != maxSigns {
		t.Fatalf("kept %d lines; want %d", len(got), maxSigns)
	}
	if got[len(got)-1] != "fatal error: out of memory" {
		t.Errorf("last kept line = %q; want the fatal error", got[len(got)-1])
	}
}

func FuzzHeapSignature(f *testing.F) {
	for _, s := range []string{"MemoryError", "x MemoryError: y", "FATAL ERROR: heap limit", "memory allocation of 12 bytes failed", "\xffMemoryError"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		rt := heapSignature(line)
		sign, ok := findHeapSignature(nil, line)
		if ok != (rt != "") && !strings.Contains(line, "\n") {
			t.Errorf("heapSignature(%q) = %q but findHeapSignature found=%v", line, rt, ok)
		}
		if len(sign.Line) > maxQuote+len("…") {
			t.Errorf("quoted line %d bytes long", len(sign.Line))
		}
	})
}

func TestSurvivorHeapLimit(t *testing.T) {
	t0 := time.Now()
	var quiet memorySigns
	quiet.Feed("GET /upload 200")
	if _, ok := survivorHeapLimit(&quiet, t0); ok {
		t.Error("no signature: want survived")
	}
	var m memorySigns
	for range 3 {
		m.Feed("Traceback (most recent call last):")
		m.Feed("MemoryError")
	}
	ev, ok := survivorHeapLimit(&m, t0.Add(-2*time.Second))
	if !ok || ev.Outcome != results.OutcomeHeapLimit || ev.AtSeconds < 2 || !strings.Contains(ev.Detail, `"MemoryError" (3 such lines)`) {
		t.Errorf("survivorHeapLimit() = %+v, %v; want heap-limit at ≥ 2 s quoting MemoryError 3 times", ev, ok)
	}
	if _, ok := survivorHeapLimit(nil, t0); ok {
		t.Error("nil signs: want false")
	}
}
