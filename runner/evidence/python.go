package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oomlab/oomlab/runner/results"
)

// The Python preload's evidence settings (runner/gctrace's
// PythonPreload reads them).
const (
	// PythonDirEnv names the directory where each Python process of the
	// target answers on PID.sock; set, it also starts tracemalloc.
	PythonDirEnv = "OOMLAB_PY_EVIDENCE_DIR"
	// PythonFramesEnv is how many frames tracemalloc keeps per
	// allocation.
	PythonFramesEnv = "OOMLAB_PY_TRACEMALLOC_FRAMES"
	// PythonTopEnv is how many sites a reading gives.
	PythonTopEnv = "OOMLAB_PY_TOP_SITES"
)

// PythonFrames is the traceback depth the runner asks of tracemalloc:
// enough to get from a WSGI server's body reader (gunicorn's
// http/body.py) back to the application's line that read the body.
const PythonFrames = 16

// Bounds of a tracemalloc reading.
const (
	// maxPythonReading bounds one process's answer (a few KiB for
	// DefaultTopSites sites).
	maxPythonReading = 1 << 20
	// maxPythonProcs bounds the processes asked at one mark.
	maxPythonProcs = 16
	// pythonRetryWait is the wait before asking again a process that
	// closed the connection without answering.
	pythonRetryWait = 200 * time.Millisecond
)

// PythonEnv returns env with the settings that make the preload start
// tracemalloc and answer in dir (made by the caller); a setting already
// in env is replaced.
func PythonEnv(env []string, dir string) ([]string, error) {
	// A Unix socket's path is at most 107 bytes on Linux.
	if len(filepath.Join(dir, "4194304.sock")) > 107 {
		return nil, fmt.Errorf("evidence: %q: too long a path for the Python processes' sockets; set TMPDIR to a shorter one", dir)
	}
	out := slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		return strings.HasPrefix(kv, PythonDirEnv+"=") || strings.HasPrefix(kv, PythonFramesEnv+"=") || strings.HasPrefix(kv, PythonTopEnv+"=")
	})
	return append(out, PythonDirEnv+"="+dir, PythonFramesEnv+"="+strconv.Itoa(PythonFrames), PythonTopEnv+"="+strconv.Itoa(DefaultTopSites)), nil
}

// pythonReading is the preload's answer, as it sends it.
type pythonReading struct {
	PID              *int64  `json:"pid"`
	Error            string  `json:"error"`
	TracedBytes      int64   `json:"traced_bytes"`
	PeakTracedBytes  int64   `json:"peak_traced_bytes"`
	TracemallocBytes int64   `json:"tracemalloc_bytes"`
	Frames           int     `json:"frames"`
	SnapshotMs       float64 `json:"snapshot_ms"`
	Sites            []struct {
		File    string `json:"file"`
		Line    int64  `json:"line"`
		Code    string `json:"code"`
		ViaFile string `json:"via_file"`
		ViaLine int64  `json:"via_line"`
		Bytes   int64  `json:"bytes"`
		Blocks  int64  `json:"blocks"`
	} `json:"sites"`
}

// ParsePythonHeap reads one answer of the preload (one JSON object): a
// process's tracemalloc reading, at most top sites kept, largest first.
// An answer that reports an error, or whose figures are out of range,
// is an error.
func ParsePythonHeap(r io.Reader, top int) (results.PythonHeap, error) {
	var raw pythonReading
	dec := json.NewDecoder(io.LimitReader(r, maxPythonReading))
	if err := dec.Decode(&raw); err != nil {
		return results.PythonHeap{}, fmt.Errorf("evidence: tracemalloc reading: %w", err)
	}
	switch {
	case raw.PID == nil || *raw.PID <= 0 || *raw.PID > math.MaxInt32:
		return results.PythonHeap{}, errors.New("evidence: tracemalloc reading: no valid pid")
	case raw.Error != "":
		return results.PythonHeap{}, fmt.Errorf("evidence: tracemalloc reading of PID %d: %s", *raw.PID, clip(raw.Error))
	case raw.TracedBytes < 0 || raw.PeakTracedBytes < 0 || raw.TracemallocBytes < 0 || raw.Frames < 0 ||
		raw.SnapshotMs < 0 || math.IsNaN(raw.SnapshotMs) || math.IsInf(raw.SnapshotMs, 0):
		return results.PythonHeap{}, fmt.Errorf("evidence: tracemalloc reading of PID %d: a figure out of range", *raw.PID)
	}
	h := results.PythonHeap{PID: int(*raw.PID), TracedBytes: raw.TracedBytes, PeakTracedBytes: raw.PeakTracedBytes,
		TracemallocBytes: raw.TracemallocBytes, Frames: raw.Frames, SnapshotMs: raw.SnapshotMs, Sites: []results.PythonSite{}}
	for i, s := range raw.Sites {
		if s.File == "" || s.Line < 0 || s.Bytes < 0 || s.Blocks < 0 || s.ViaLine < 0 {
			return results.PythonHeap{}, fmt.Errorf("evidence: tracemalloc reading of PID %d: site %d out of range", h.PID, i)
		}
		h.Sites = append(h.Sites, results.PythonSite{File: clip(s.File), Line: s.Line, Code: clip(s.Code),
			ViaFile: clip(s.ViaFile), ViaLine: s.ViaLine, Bytes: s.Bytes, Blocks: s.Blocks})
	}
	slices.SortStableFunc(h.Sites, func(a, b results.PythonSite) int { return -cmpInt64(a.Bytes, b.Bytes) })
	if len(h.Sites) > top {
		h.Sites = h.Sites[:top]
	}
	return h, nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// maxText bounds a file name or a line of code taken from a reading.
const maxText = 300

// clip bounds s and makes it valid UTF-8.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxText {
		return s
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// pythonHeaps asks every process of the tree that answers in the
// Python directory (at most maxPythonProcs) for its tracemalloc
// reading, saves each answer and records the readings, the one with the
// most memory traced first. It reports whether any process answered, and
// the longest a snapshot held a process's GIL.
func (c *Capturer) pythonHeaps(ev *results.Evidence, stem string, members []int) (stallMs float64, answered bool) {
	asked := 0
	for _, pid := range members {
		sock := filepath.Join(c.cfg.PythonDir, strconv.Itoa(pid)+".sock")
		if _, err := os.Stat(sock); err != nil {
			continue // not a Python process of ours (a shell, a worker gone)
		}
		if asked++; asked > maxPythonProcs {
			ev.Errors = append(ev.Errors, fmt.Sprintf("tracemalloc: more than %d Python processes; the others were not asked", maxPythonProcs))
			break
		}
		raw, err := c.askPython(sock)
		if err == nil && len(raw) == 0 {
			// Closed without a word: a process between fork and its own
			// listener (a worker booting) can drop a connection once.
			time.Sleep(pythonRetryWait)
			raw, err = c.askPython(sock)
		}
		if err != nil {
			ev.Errors = append(ev.Errors, fmt.Sprintf("tracemalloc of PID %d: %v", pid, err))
			continue
		}
		h, err := ParsePythonHeap(bytes.NewReader(raw), DefaultTopSites)
		if err != nil {
			ev.Errors = append(ev.Errors, fmt.Sprintf("PID %d: %v", pid, err))
			continue
		}
		if files := c.write(ev, fmt.Sprintf("%s.pid%d.tracemalloc.json", stem, pid), raw); len(files) > 0 {
			h.File = files[0]
			ev.Files = append(ev.Files, files...)
		}
		ev.Python = append(ev.Python, h)
		stallMs = max(stallMs, h.SnapshotMs)
		answered = true
	}
	if asked == 0 {
		ev.Errors = append(ev.Errors, "tracemalloc: no Python process of the target's tree answers (the preload is not imported under python -S or -I)")
	}
	slices.SortStableFunc(ev.Python, func(a, b results.PythonHeap) int { return -cmpInt64(a.TracedBytes, b.TracedBytes) })
	return stallMs, answered
}

// pythonTimeout bounds one process's tracemalloc answer. A snapshot
// holds the GIL for 0.3-1.4 s on a quiet machine, but beside two CPU
// hogs and other tests a gunicorn worker's took more than 10 s (the
// bound every other capture has), so it gets longer.
const pythonTimeout = 30 * time.Second

// askPython reads one answer from a process's socket, within
// pythonTimeout.
func (c *Capturer) askPython(sock string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(c.ctx, pythonTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	raw, err := io.ReadAll(io.LimitReader(conn, maxPythonReading+1))
	switch {
	case err != nil:
		return nil, err
	case len(raw) > maxPythonReading:
		return nil, fmt.Errorf("answer larger than %d KiB", maxPythonReading>>10)
	}
	return raw, nil
}
