package judge

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
)

// evidenceSymptoms words what the evidence taken near the limit shows:
// for the latest capture with data, the top heap allocation site (Go),
// the memoryUsage split (Node), tracemalloc's top site (Python), the
// smaps_rollup split (any process); the JVM's class histogram and heap
// (jcmd); for a Node.js target, its last reading (the one before a kill); and
// what capturing cost. Nothing when no evidence was taken.
func evidenceSymptoms(t results.Target) []string {
	var out []string
	if ev := latestEvidence(t.Evidence, func(e results.Evidence) bool { return e.Heap != nil && len(e.Heap.Sites) > 0 }); ev != nil {
		out = append(out, heapEvidenceText(*ev))
	}
	if ev := latestEvidence(t.Evidence, func(e results.Evidence) bool { return len(e.Python) > 0 && len(e.Python[0].Sites) > 0 }); ev != nil {
		out = append(out, pythonEvidenceText(*ev))
	}
	if ev := latestEvidence(t.Evidence, func(e results.Evidence) bool { return e.JVM != nil }); ev != nil {
		out = append(out, jvmEvidenceText(*ev))
	}
	if ev := latestEvidence(t.Evidence, func(e results.Evidence) bool { return e.Node != nil }); ev != nil {
		out = append(out, fmt.Sprintf("memoryUsage %s: %s", markText(*ev), nodeMemoryText(*ev.Node)))
	}
	if m := t.NodeMemoryLast; m != nil && t.OOMAtSeconds != nil {
		out = append(out, fmt.Sprintf("last memoryUsage before the end (%.1f s): %s", m.AtSeconds, nodeMemoryText(*m)))
	}
	if ev := latestEvidence(t.Evidence, func(e results.Evidence) bool { return e.Smaps != nil }); ev != nil {
		s := ev.Smaps
		out = append(out, fmt.Sprintf("smaps_rollup %s: RSS %s = anonymous %s + file-backed %s (shared %s)", markText(*ev),
			format.BytesMiB(s.RSSBytes), format.BytesMiB(s.AnonymousBytes), format.BytesMiB(s.FileBackedBytes), format.BytesMiB(s.SharedBytes)))
	}
	if c := evidenceCostText(t); c != "" {
		out = append(out, c)
	}
	if len(out) == 0 && len(t.Evidence) > 0 && len(t.Evidence[0].Errors) > 0 {
		out = append(out, "evidence not taken: "+t.Evidence[0].Errors[0])
	}
	return out
}

// latestEvidence is the last capture that has what ok asks for.
func latestEvidence(evs []results.Evidence, ok func(results.Evidence) bool) *results.Evidence {
	for i := len(evs) - 1; i >= 0; i-- {
		if ok(evs[i]) {
			return &evs[i]
		}
	}
	return nil
}

// markText: "at 80 % of the limit (19.1 s)" or "at the end of the load
// (9 % of the limit, 42.9 s)".
func markText(e results.Evidence) string {
	if e.EndOfLoad {
		return fmt.Sprintf("at the end of the load (%.0f %% of the limit, %.1f s)", e.Share*100, e.AtSeconds)
	}
	return fmt.Sprintf("at %.0f %% of the limit (%.1f s)", e.Share*100, e.AtSeconds)
}

// heapEvidenceText: "heap profile at 80 % of the limit (19.1 s): io.ReadAll
// in upload_naive.go:41 holds 121 MiB of 125 MiB in use; next
// bufio.NewWriterSize in bufio.go:599 1.0 MiB".
func heapEvidenceText(e results.Evidence) string {
	h := e.Heap
	top := h.Sites[0]
	s := fmt.Sprintf("heap profile %s: %s holds %s of %s in use", markText(e), siteText(top), format.BytesMiB(top.InUseBytes), format.BytesMiB(h.InUseBytes))
	if len(h.Sites) > 1 {
		next := h.Sites[1]
		s += fmt.Sprintf("; next %s %s", siteText(next), format.BytesMiB(next.InUseBytes))
	}
	return s
}

// siteText: "io.ReadAll in upload_naive.go:41" — the allocating function
// and the program's line that called it.
func siteText(s results.HeapSite) string {
	return fmt.Sprintf("%s in %s:%d", s.Function, s.File, s.Line)
}

// pythonEvidenceText: "tracemalloc at 80 % of the limit (19.1 s):
// upload_naive.py:36 (body = self.rfile.read(length)) holds 120 MiB of
// 124 MiB traced" — the top site of the process tracing the most, the
// library line that allocated when it is not the program's own, and the
// process when several answered.
func pythonEvidenceText(e results.Evidence) string {
	h := e.Python[0]
	top := h.Sites[0]
	s := fmt.Sprintf("tracemalloc %s: %s", markText(e), pythonSiteText(top))
	s += fmt.Sprintf(" holds %s of %s traced", format.BytesMiB(top.Bytes), format.BytesMiB(h.TracedBytes))
	if top.ViaFile != "" {
		s += fmt.Sprintf(", allocated in %s:%d", filepath.Base(top.ViaFile), top.ViaLine)
	}
	if len(h.Sites) > 1 {
		s += fmt.Sprintf("; next %s %s", pythonSiteText(h.Sites[1]), format.BytesMiB(h.Sites[1].Bytes))
	}
	if n := len(e.Python); n > 1 {
		s += fmt.Sprintf(" (PID %d, the one tracing the most of %d Python processes)", h.PID, n)
	}
	return s
}

// pythonSiteText: "upload_naive.py:36 (body = self.rfile.read(length))".
func pythonSiteText(s results.PythonSite) string {
	text := fmt.Sprintf("%s:%d", filepath.Base(s.File), s.Line)
	if code, _, _ := strings.Cut(s.Code, "#"); strings.TrimSpace(code) != "" {
		text += " (" + strings.TrimSpace(code) + ")"
	}
	return text
}

// nodeMemoryText: "RSS 208 MiB, external 154 MiB (74 % of RSS;
// arrayBuffers 152 MiB), V8 heap 7.7 MiB used of 8.0 MiB: 96 % of RSS
// outside the V8 heap".
func nodeMemoryText(m results.NodeMemory) string {
	if m.RSSBytes <= 0 {
		return "no RSS in the reading"
	}
	rss := float64(m.RSSBytes)
	text := fmt.Sprintf("RSS %s, external %s (%.0f %% of RSS; arrayBuffers %s), V8 heap %s used of %s: %.0f %% of RSS outside the V8 heap",
		format.BytesMiB(m.RSSBytes), format.BytesMiB(m.ExternalBytes), 100*float64(m.ExternalBytes)/rss, format.BytesMiB(m.ArrayBuffersBytes),
		format.BytesMiB(m.HeapUsedBytes), format.BytesMiB(m.HeapTotalBytes), 100*math.Max(0, rss-float64(m.HeapTotalBytes))/rss)
	if m.Processes > 1 {
		text += fmt.Sprintf(" (PID %d, the largest of %d Node.js processes reporting)", m.PID, m.Processes)
	}
	return text
}

// evidenceCostText: "evidence stopped the target at most 0.42 ms per
// capture (its stop-the-world pauses); a capture took at most 14 ms and
// 1.2 MiB of RSS (0.4 % of its peak) (3 captures)". The stall part is left
// out when no capture measured one.
func evidenceCostText(t results.Target) string {
	var worstMs, worstStall float64
	var worstRSS int64
	n, stalls := 0, 0
	for _, e := range t.Evidence {
		if e.Cost.Millis <= 0 {
			continue
		}
		n++
		worstMs = math.Max(worstMs, e.Cost.Millis)
		if e.Cost.RSSBeforeBytes > 0 && e.Cost.RSSAfterBytes > 0 {
			worstRSS = max(worstRSS, e.Cost.RSSAfterBytes-e.Cost.RSSBeforeBytes)
		}
		if e.Cost.StallMs != nil {
			stalls++
			worstStall = math.Max(worstStall, *e.Cost.StallMs)
		}
	}
	if n == 0 {
		return ""
	}
	share := ""
	if t.RSSPeakBytes > 0 {
		share = fmt.Sprintf(" (%.1f %% of its peak)", 100*float64(worstRSS)/float64(t.RSSPeakBytes))
	}
	if stalls == 0 {
		return fmt.Sprintf("evidence cost the target at most %s and %s of RSS%s per capture (%d %s)",
			format.Ms(worstMs), format.BytesMiB(worstRSS), share, n, format.Plural(n, "capture", "captures"))
	}
	return fmt.Sprintf("evidence stopped the target at most %s per capture (%s); a capture took at most %s and %s of RSS%s (%d %s)",
		format.Ms(worstStall), stallSource(t.Runtime), format.Ms(worstMs), format.BytesMiB(worstRSS), share, n, format.Plural(n, "capture", "captures"))
}

// stallSource says where a runtime's stall figure comes from.
func stallSource(runtime string) string {
	switch runtime {
	case "node":
		return "the heap snapshot's duration"
	case "python":
		return "tracemalloc's snapshot holding the GIL"
	}
	return "stop-the-world pauses in its GC trace"
}

// jvmEvidenceText words a JVM's jcmd evidence: what holds its heap, and
// how much of its RSS lies outside the heap, first when that is more
// than the heap: "jcmd at 80 % of the limit (6.1 s): byte[] holds 180
// MiB of a 196 MiB heap (live objects 190 MiB); next java.lang.String 2
// MiB; RSS 230 MiB, at least 34 MiB outside the heap" or "jcmd ...: heap
// 64 MiB, but at least 150 MiB outside it (threads, metaspace, direct buffers, the JVM's
// own); byte[] holds 50 MiB (live objects 60 MiB); native memory
// tracking: ...". The RSS is smaps_rollup's when it was read of the same
// JVM. "At least": RSS − committed heap, since committed pages the heap
// has not touched yet are not resident (native memory tracking, when on,
// gives the full split).
func jvmEvidenceText(e results.Evidence) string {
	j := e.JVM
	rss := e.RSSBytes
	if e.Smaps != nil && e.PID == j.PID {
		rss = e.Smaps.RSSBytes
	}
	heap := j.HeapCommittedBytes
	outside := rss - heap
	var parts []string
	holds := ""
	if len(j.Classes) > 0 {
		holds = fmt.Sprintf("%s holds %s", j.Classes[0].Name, format.BytesMiB(j.Classes[0].Bytes))
	}
	switch {
	case heap > 0 && outside > heap:
		parts = append(parts, fmt.Sprintf("heap %s, but at least %s outside it (threads, metaspace, direct buffers, the JVM's own)", format.BytesMiB(heap), format.BytesMiB(outside)))
		if holds != "" {
			parts = append(parts, fmt.Sprintf("%s (live objects %s)", holds, format.BytesMiB(j.LiveBytes)))
		}
	case holds != "" && heap > 0:
		parts = append(parts, fmt.Sprintf("%s of a %s heap (live objects %s)", holds, format.BytesMiB(heap), format.BytesMiB(j.LiveBytes)))
		if len(j.Classes) > 1 {
			parts = append(parts, fmt.Sprintf("next %s %s", j.Classes[1].Name, format.BytesMiB(j.Classes[1].Bytes)))
		}
		if rss > 0 && outside > 0 {
			parts = append(parts, fmt.Sprintf("RSS %s, at least %s outside the heap", format.BytesMiB(rss), format.BytesMiB(outside)))
		}
	default:
		parts = append(parts, fmt.Sprintf("heap %s used of %s committed", format.BytesMiB(j.HeapUsedBytes), format.BytesMiB(heap)))
	}
	if j.NativeCommittedBytes > 0 {
		var areas []string
		for _, a := range j.Native {
			areas = append(areas, fmt.Sprintf("%s %s", a.Category, format.BytesMiB(a.CommittedBytes)))
		}
		parts = append(parts, fmt.Sprintf("native memory tracking: %s committed (%s)", format.BytesMiB(j.NativeCommittedBytes), strings.Join(areas, ", ")))
	}
	return fmt.Sprintf("jcmd %s: %s", markText(e), strings.Join(parts, "; "))
}
