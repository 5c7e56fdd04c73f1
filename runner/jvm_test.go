package runner

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/gctrace"
	"github.com/oomlab/oomlab/runner/results"
)

// buildJVMFixtures compiles fixtures/jvm/*.java with the JDK's javac into
// a temporary directory and returns it; it skips the test, loudly, when
// the machine has no JDK or the test cannot make a memory cgroup.
func buildJVMFixtures(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs real JVM targets for about 25 s")
	}
	for _, tool := range []string{"java", "javac", "jcmd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIP: %s not found (%v): install a JDK (Debian: apt-get install -y default-jdk-headless) to run the JVM end-to-end tests", tool, err)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("SKIP: not root: the JVM end-to-end tests need a memory cgroup (run as root)")
	}
	src, err := filepath.Glob(filepath.Join("..", "fixtures", "jvm", "*.java"))
	if err != nil || len(src) == 0 {
		t.Fatalf("fixtures/jvm/*.java: %v (found %d)", err, len(src))
	}
	dir := t.TempDir()
	out, err := exec.Command("javac", append([]string{"-d", dir}, src...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	return dir
}

// jvmUploadScenario is a short upload-proxy load for the JVM targets
// given (YAML list items).
func jvmUploadScenario(t *testing.T, targets string) *results.Results {
	sc := parse(t, `
name: jvm-upload
pattern: upload-proxy
targets:
`+targets+`
memory_limit: 256MiB
evidence: {at: [0.4, 0.6]}
load:
  stages:
    - {rate: 20, duration: 2s}
    - {rate: 40, duration: 8s}
  request: {method: POST, path: /upload, body: {size: 1MiB}, timeout: 10s}
downstream:
  phases: [{at: 0s, latency: 1s, read_bandwidth: 2MB/s, capacity: 4}]
`)
	res, dir := mustRun(t, 90*time.Second, sc, Options{})
	cgroupOrSkip(t, res)
	f, err := os.Open(filepath.Join(dir, results.SamplesFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	heaps := 0
	err = results.ReadSamples(f, func(r results.SampleRow) error {
		if r.HeapBytes > 0 && r.HeapCommittedBytes >= r.HeapBytes {
			heaps++
		}
		return nil
	})
	if err != nil || heaps == 0 {
		t.Errorf("samples.csv: %d rows with heap after ≤ heap committed, both > 0 (%v); want the JVM's heap in the samples", heaps, err)
	}
	for _, tg := range res.Targets {
		if tg.Runtime != "jvm" {
			t.Errorf("%s: runtime %q; want jvm (java, or a shell running it)", tg.Name, tg.Runtime)
		}
		if tg.GCCount == nil || *tg.GCCount == 0 {
			t.Errorf("%s: gc_count = %v; want the JVM's collections from its unified log", tg.Name, tg.GCCount)
		}
		if len(tg.Injected) != 1 || !strings.Contains(tg.Injected[0], "JAVA_TOOL_OPTIONS") || !strings.Contains(tg.Injected[0], gctrace.JVMLogOption) {
			t.Errorf("%s: injected = %q; want JAVA_TOOL_OPTIONS with %s", tg.Name, tg.Injected, gctrace.JVMLogOption)
		}
	}
	return res
}

// TestRunJVMNaive runs the JDK-only naive upload proxy with a heap larger
// than its container (-Xmx1g under 256 MiB) under a short upload-proxy
// load: the kernel kills it, and the evidence taken on the way names
// byte[] (the bodies it holds) as what fills the heap. Its GC counts come
// from the JVM's unified log, which oomlab turned on through
// JAVA_TOOL_OPTIONS and records as injected.
func TestRunJVMNaive(t *testing.T) {
	cp := buildJVMFixtures(t)
	res := jvmUploadScenario(t, `
  - {name: naive, role: naive, ready_timeout: 30s, command: ["java", "-Xmx1g", "-cp", "`+cp+`", "UploadNaive"]}`)
	naive := res.Targets[0]
	if naive.Outcome != results.OutcomeOOMKilled {
		t.Errorf("naive: outcome %s (%s); want oom-killed: its 1 GiB heap does not fit the 256 MiB limit", naive.Outcome, naive.OutcomeDetail)
	}
	if top := topClass(naive); top != "byte[]" {
		t.Errorf("naive: top class of the evidence = %q; want byte[] (evidence: %+v)", top, naive.Evidence)
	}
}

// TestRunJVMNaiveXmx64: with -Xmx64m the same proxy runs out of heap
// first, "Java heap space", named in the heap-limit outcome's detail:
// each upload holds its 1 MiB body as a byte[] in the heap (twice over
// while readAllBytes copies it), while the socket writes use at most
// 128 KiB of direct buffer per thread (NioSocketImpl writes in pieces
// of that size), so the 64 MiB heap fills long before the direct-memory
// limit, which defaults to the same 64 MiB. Native memory tracking,
// switched on, shows the direct buffers ("Other") small beside the heap.
func TestRunJVMNaiveXmx64(t *testing.T) {
	cp := buildJVMFixtures(t)
	res := jvmUploadScenario(t, `
  - {name: naive-xmx64, role: naive, ready_timeout: 30s,
     command: ["java", "-Xmx64m", "-XX:NativeMemoryTracking=summary", "-cp", "`+cp+`", "UploadNaive"]}`)
	small := res.Targets[0]
	if small.Outcome != results.OutcomeHeapLimit || !strings.Contains(small.OutcomeDetail, "OutOfMemoryError kind: Java heap space") {
		t.Errorf("naive-xmx64: outcome %s (%s); want heap-limit naming Java heap space", small.Outcome, small.OutcomeDetail)
	}
	if top := topClass(small); top != "byte[]" {
		t.Errorf("naive-xmx64: top class of the evidence = %q; want byte[]", top)
	}
	if !hasNative(small) {
		t.Errorf("naive-xmx64: no native memory summary in the evidence (the JVM ran with -XX:NativeMemoryTracking=summary): %+v", small.Evidence)
	}
	for _, e := range small.Evidence {
		if e.JVM == nil {
			continue
		}
		var heap, other int64
		for _, a := range e.JVM.Native {
			switch a.Category {
			case "Java Heap":
				heap = a.CommittedBytes
			case "Other": // direct buffers; left out of the top categories when smaller
				other = a.CommittedBytes
			}
		}
		if other > heap {
			t.Errorf("naive-xmx64 at %.0f %%: native Other (direct buffers) %d MiB > Java Heap %d MiB; the heap should fill first",
				e.Share*100, other>>20, heap>>20)
		}
	}
}

// TestRunJVMAware: the JDK-only aware upload proxy, started behind a
// shell (its JVM found there: JAVA_TOOL_OPTIONS reaches it, jcmd asks
// it), holds under the same load, with the heap's figures from jcmd.
func TestRunJVMAware(t *testing.T) {
	cp := buildJVMFixtures(t)
	res := jvmUploadScenario(t, `
  - {name: aware, role: aware, ready_timeout: 30s, env: {MAX_IN_FLIGHT: "8"},
     command: ["sh", "-c", "java -cp \"$0\" UploadAware; true", "`+cp+`"]}`)
	aware := res.Targets[0]
	if aware.Outcome != results.OutcomeSurvived || aware.RSSPeakBytes > 160<<20 {
		t.Errorf("aware: outcome %s, peak RSS %d MiB (%s); want survived under 160 MiB", aware.Outcome, aware.RSSPeakBytes>>20, aware.OutcomeDetail)
	}
	if aware.ProcessesMax < 2 {
		t.Errorf("aware: processes_max = %d; want the shell and its JVM", aware.ProcessesMax)
	}
	var heap *results.JVMMemory
	for _, e := range aware.Evidence {
		if e.JVM != nil && e.JVM.HeapCommittedBytes > 0 {
			heap = e.JVM
		}
	}
	if heap == nil || heap.HeapUsedBytes <= 0 || heap.HeapUsedBytes > heap.HeapCommittedBytes {
		t.Errorf("aware: jcmd heap figures = %+v; want used ≤ committed, both > 0 (evidence %+v)", heap, aware.Evidence)
	}
}

// topClass is the class holding the most bytes in the target's latest
// class histogram, "" without one.
func topClass(tg results.Target) string {
	for i := len(tg.Evidence) - 1; i >= 0; i-- {
		if j := tg.Evidence[i].JVM; j != nil && len(j.Classes) > 0 {
			return j.Classes[0].Name
		}
	}
	return ""
}

func hasNative(tg results.Target) bool {
	for _, e := range tg.Evidence {
		if e.JVM != nil && e.JVM.NativeCommittedBytes > 0 {
			return true
		}
	}
	return false
}
