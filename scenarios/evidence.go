package scenarios

import (
	"fmt"
	"math"
	"strings"
)

// Evidence says what the harness captures from a target when its memory
// passes set shares of the limit: a heap profile from Go targets serving
// net/http/pprof, process.memoryUsage() from Node.js targets (streamed by a
// preloaded script), /proc/PID/smaps_rollup from any process. The zero
// value captures at DefaultEvidenceAt with the default pprof path.
type Evidence struct {
	// At lists the shares of memory_limit (0 < share < 1, rising) at which
	// evidence is taken, once each (default [0.5, 0.8]).
	At []float64 `yaml:"at,omitempty" json:"at,omitempty"`
	// Off turns evidence off for this scenario (as --no-evidence does).
	Off bool `yaml:"off,omitempty" json:"off,omitempty"`
	// HeapSnapshot asks Node.js targets for a V8 heap snapshot at each
	// mark as well (--heapsnapshot-signal); it pauses the process while
	// it writes and needs memory of the order of the V8 heap.
	HeapSnapshot bool `yaml:"heap_snapshot,omitempty" json:"heap_snapshot,omitempty"`
	// Tracemalloc asks Python targets for tracemalloc's top allocation
	// sites at each mark: the preload starts tracemalloc when the process
	// starts (tracing costs CPU and memory on every allocation for the
	// whole run: off by default) and answers at each mark, per process.
	Tracemalloc bool `yaml:"tracemalloc,omitempty" json:"tracemalloc,omitempty"`
	// PprofPath is where Go targets serve net/http/pprof (default
	// DefaultPprofPath); the heap profile is read from PprofPath + "heap".
	PprofPath string `yaml:"pprof_path,omitempty" json:"pprof_path,omitempty"`
}

// Evidence defaults, applied where evidence is taken so that a scenario
// that says nothing about evidence reads back as it was written.
var (
	// DefaultEvidenceAt is evidence.at: half-way, and close enough to the
	// limit that what holds the memory is plain, early enough to capture
	// before the kill.
	DefaultEvidenceAt = []float64{0.5, 0.8}
)

// DefaultPprofPath is evidence.pprof_path: where the built-in Go targets
// serve net/http/pprof.
const DefaultPprofPath = "/debug/pprof/"

// maxEvidenceMarks bounds evidence.at: each mark costs the target a capture.
const maxEvidenceMarks = 5

// Marks returns the shares of the limit to capture at, defaults applied;
// nil when evidence is off.
func (e Evidence) Marks() []float64 {
	switch {
	case e.Off:
		return nil
	case len(e.At) == 0:
		return append([]float64(nil), DefaultEvidenceAt...)
	}
	return append([]float64(nil), e.At...)
}

// Pprof returns the pprof path, default applied, ending in "/".
func (e Evidence) Pprof() string {
	if e.PprofPath == "" {
		return DefaultPprofPath
	}
	if !strings.HasSuffix(e.PprofPath, "/") {
		return e.PprofPath + "/"
	}
	return e.PprofPath
}

func (c *checker) evidence(e *Evidence) {
	if len(e.At) > maxEvidenceMarks {
		c.errf("evidence.at", "at most %d marks, got %d", maxEvidenceMarks, len(e.At))
	}
	for i, share := range e.At {
		p := fmt.Sprintf("evidence.at[%d]", i)
		switch {
		case math.IsNaN(share) || share <= 0 || share >= 1:
			c.errf(p, "must be a share of the memory limit between 0 and 1 (0.8 = 80%%), got %v", share)
		case i > 0 && share <= e.At[i-1]:
			c.errf(p, "must be above the mark before it (%v), got %v", e.At[i-1], share)
		}
	}
	if c.given["evidence.pprof_path"] && (!strings.HasPrefix(e.PprofPath, "/") || strings.ContainsAny(e.PprofPath, "?# ")) {
		c.errf("evidence.pprof_path", "want a URL path starting with '/', got %q", e.PprofPath)
	}
}
