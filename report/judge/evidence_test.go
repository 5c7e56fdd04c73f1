package judge

import (
	"slices"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

func ptr[T any](v T) *T { return &v }

// TestEvidenceSymptoms: what the verdict says of the evidence taken near
// the limit, and of what taking it cost.
func TestEvidenceSymptoms(t *testing.T) {
	heap := &results.HeapProfile{InUseBytes: 125 << 20, Sites: []results.HeapSite{
		{Function: "io.ReadAll", File: "upload_naive.go", Line: 41, InUseBytes: 121 << 20},
		{Function: "bufio.NewWriterSize", File: "bufio.go", Line: 599, InUseBytes: 1 << 20},
	}}
	cost := func(ms float64, stall *float64, before, after int64) results.EvidenceCost {
		return results.EvidenceCost{Millis: ms, StallMs: stall, RSSBeforeBytes: before, RSSAfterBytes: after}
	}
	tests := []struct {
		name string
		t    results.Target
		want []string
	}{
		{name: "none", t: results.Target{}, want: nil},
		{
			name: "go: the top site and the stall",
			t: results.Target{Runtime: "go", RSSPeakBytes: 256 << 20, Evidence: []results.Evidence{
				{Share: 0.5, AtSeconds: 10, Heap: heap, Cost: cost(9, ptr(0.21), 128<<20, 129<<20)},
				{Share: 0.8, AtSeconds: 19.1, Heap: heap, Cost: cost(14, ptr(3.14), 200<<20, 200<<20)},
			}},
			want: []string{
				"heap profile at 80 % of the limit (19.1 s): io.ReadAll in upload_naive.go:41 holds 121 MiB of 125 MiB in use; next bufio.NewWriterSize in bufio.go:599 1 MiB",
				"evidence stopped the target at most 3.1 ms per capture (stop-the-world pauses in its GC trace); a capture took at most 14 ms and 1 MiB of RSS (0.4 % of its peak) (2 captures)",
			},
		},
		{
			name: "go: no GC trace, no stall",
			t: results.Target{Runtime: "go", RSSPeakBytes: 100 << 20, Evidence: []results.Evidence{
				{Share: 0.5, AtSeconds: 10, Heap: heap, Cost: cost(12, nil, 50<<20, 50<<20)},
			}},
			want: []string{
				"heap profile at 50 % of the limit (10.0 s): io.ReadAll in upload_naive.go:41 holds 121 MiB of 125 MiB in use; next bufio.NewWriterSize in bufio.go:599 1 MiB",
				"evidence cost the target at most 12 ms and 0 MiB of RSS (0.0 % of its peak) per capture (1 capture)",
			},
		},
		{
			name: "node: the last reading before the kill, and a snapshot's stall",
			t: results.Target{Runtime: "node", RSSPeakBytes: 300 << 20, OOMAtSeconds: ptr(23.0),
				NodeMemoryLast: &results.NodeMemory{AtSeconds: 22.9, RSSBytes: 300 << 20, HeapTotalBytes: 9 << 20, HeapUsedBytes: 7 << 20, ExternalBytes: 246 << 20, ArrayBuffersBytes: 244 << 20},
				Evidence: []results.Evidence{{Share: 0.8, AtSeconds: 18, EndOfLoad: false, Cost: cost(420, ptr(420.0), 200<<20, 230<<20),
					Node: &results.NodeMemory{RSSBytes: 200 << 20, HeapTotalBytes: 8 << 20, HeapUsedBytes: 6 << 20, ExternalBytes: 150 << 20, ArrayBuffersBytes: 148 << 20}}}},
			want: []string{
				"memoryUsage at 80 % of the limit (18.0 s): RSS 200 MiB, external 150 MiB (75 % of RSS; arrayBuffers 148 MiB), V8 heap 6 MiB used of 8 MiB: 96 % of RSS outside the V8 heap",
				"last memoryUsage before the end (22.9 s): RSS 300 MiB, external 246 MiB (82 % of RSS; arrayBuffers 244 MiB), V8 heap 7 MiB used of 9 MiB: 97 % of RSS outside the V8 heap",
				"evidence stopped the target at most 420 ms per capture (the heap snapshot's duration); a capture took at most 420 ms and 30 MiB of RSS (10.0 % of its peak) (1 capture)",
			},
		},
		{
			name: "node behind npm: which process the reading is of",
			t: results.Target{Runtime: "node", RSSPeakBytes: 200 << 20, OOMAtSeconds: ptr(4.4),
				NodeMemoryLast: &results.NodeMemory{AtSeconds: 4.38, PID: 4242, Processes: 2, RSSBytes: 150 << 20, HeapTotalBytes: 9 << 20, HeapUsedBytes: 7 << 20, ExternalBytes: 100 << 20, ArrayBuffersBytes: 99 << 20}},
			want: []string{
				"last memoryUsage before the end (4.4 s): RSS 150 MiB, external 100 MiB (67 % of RSS; arrayBuffers 99 MiB), V8 heap 7 MiB used of 9 MiB: 94 % of RSS outside the V8 heap (PID 4242, the largest of 2 Node.js processes reporting)",
			},
		},
		{
			name: "python under gunicorn: the worker tracing the most, its own line and the library's",
			t: results.Target{Runtime: "python", RSSPeakBytes: 200 << 20, Evidence: []results.Evidence{
				{Share: 0.8, AtSeconds: 19.1, Cost: cost(120, ptr(95.5), 160<<20, 161<<20), Python: []results.PythonHeap{
					{PID: 24265, TracedBytes: 124 << 20, Sites: []results.PythonSite{
						{File: "/srv/upload_naive.py", Line: 64, Code: `body = environ["wsgi.input"].read(length)  # the whole body, in memory`,
							ViaFile: "/usr/lib/python3/dist-packages/gunicorn/http/body.py", ViaLine: 219, Bytes: 120 << 20},
						{File: "<frozen importlib._bootstrap_external>", Line: 729, Bytes: 2 << 20},
					}},
					{PID: 23538, TracedBytes: 20 << 20, Sites: []results.PythonSite{{File: "<frozen importlib._bootstrap_external>", Line: 729, Bytes: 6 << 20}}},
				}},
			}},
			want: []string{
				`tracemalloc at 80 % of the limit (19.1 s): upload_naive.py:64 (body = environ["wsgi.input"].read(length)) holds 120 MiB of 124 MiB traced, allocated in body.py:219; next <frozen importlib._bootstrap_external>:729 2 MiB (PID 24265, the one tracing the most of 2 Python processes)`,
				"evidence stopped the target at most 96 ms per capture (tracemalloc's snapshot holding the GIL); a capture took at most 120 ms and 1 MiB of RSS (0.5 % of its peak) (1 capture)",
			},
		},
		{
			name: "jvm: what holds the heap",
			t: results.Target{Runtime: "jvm", RSSPeakBytes: 256 << 20, Evidence: []results.Evidence{
				{Share: 0.8, AtSeconds: 6.1, PID: 7, RSSBytes: 205 << 20, Smaps: &results.Smaps{RSSBytes: 230 << 20},
					JVM: &results.JVMMemory{PID: 7, HeapCommittedBytes: 196 << 20, LiveBytes: 190 << 20, Classes: []results.JVMClass{
						{Name: "byte[]", Bytes: 180 << 20}, {Name: "java.lang.String", Bytes: 2 << 20}}}},
			}},
			want: []string{
				"jcmd at 80 % of the limit (6.1 s): byte[] holds 180 MiB of a 196 MiB heap (live objects 190 MiB); next java.lang.String 2 MiB; RSS 230 MiB, at least 34 MiB outside the heap",
				"smaps_rollup at 80 % of the limit (6.1 s): RSS 230 MiB = anonymous 0 MiB + file-backed 0 MiB (shared 0 MiB)",
			},
		},
		{
			name: "jvm: most of it outside the heap, native memory tracked",
			t: results.Target{Runtime: "jvm", Evidence: []results.Evidence{
				{Share: 0.8, AtSeconds: 9, PID: 8, RSSBytes: 214 << 20,
					JVM: &results.JVMMemory{PID: 9, HeapCommittedBytes: 64 << 20, LiveBytes: 60 << 20, Classes: []results.JVMClass{{Name: "byte[]", Bytes: 50 << 20}},
						NativeCommittedBytes: 220 << 20, Native: []results.JVMNativeArea{{Category: "Other", CommittedBytes: 120 << 20}, {Category: "Java Heap", CommittedBytes: 64 << 20}}}},
			}},
			want: []string{
				"jcmd at 80 % of the limit (9.0 s): heap 64 MiB, but at least 150 MiB outside it (threads, metaspace, direct buffers, the JVM's own); byte[] holds 50 MiB (live objects 60 MiB); native memory tracking: 220 MiB committed (Other 120 MiB, Java Heap 64 MiB)",
			},
		},
		{
			name: "nothing captured: why",
			t:    results.Target{Runtime: "go", Evidence: []results.Evidence{{Share: 0.5, Errors: []string{"heap profile: 404"}}}},
			want: []string{"evidence not taken: heap profile: 404"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := evidenceSymptoms(tt.t); !slices.Equal(got, tt.want) {
				t.Errorf("evidenceSymptoms =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
