package gctrace

import (
	_ "embed"
	"math"
	"os"
	"slices"
	"strings"
)

// RuntimePython is CPython's runtime name (the scenario's runtime:
// python).
const RuntimePython = "python"

// PythonPreload is the sitecustomize module that makes a CPython process
// report its garbage collections: put in a directory of its own as
// sitecustomize.py, and that directory first on PYTHONPATH
// (WithPythonPath), every CPython the target starts imports it at
// start-up (site.py does, unless python runs with -S or -I). Through
// gc.callbacks it writes one line per collection to the process's stdout
// (fd 1, one write each):
//
//	oomlab-pygc PID SEQ GEN PAUSE_US
//
// SEQ counts the process's collections (0 on the line written at
// start-up and again in a forked child), GEN is the generation
// collected, PAUSE_US how long the collection stopped the program. With
// OOMLAB_PY_EVIDENCE_DIR set it also starts tracemalloc and answers on
// DIR/PID.sock with its top allocation sites (runner/evidence reads it).
// It then runs the user's own sitecustomize, if the rest of sys.path
// holds one, as if it had been imported in its place.
//
//go:embed python_sitecustomize.py
var PythonPreload []byte

// pythonLinePrefix starts every line of PythonPreload's GC stream.
const pythonLinePrefix = "oomlab-pygc "

// ParsePython reads one line of PythonPreload's GC stream. The line may
// carry the start of another line before the prefix (the application's
// own buffered output, flushed without its newline before the preload's
// line was written): the fields are read from the prefix to the line's
// end. The line written at start-up (SEQ 0) is an event of Kind "start"
// that counts no collection. ok is false for every other line.
func ParsePython(line string) (Event, bool) {
	i := strings.LastIndex(line, pythonLinePrefix)
	if i < 0 {
		return Event{}, false
	}
	c := cursor{s: strings.TrimRight(line, "\r "), i: i + len(pythonLinePrefix)}
	pid, ok1 := c.uint()
	ok2 := c.lit(" ")
	seq, ok3 := c.uint()
	ok4 := c.lit(" ")
	gen, ok5 := c.uint()
	ok6 := c.lit(" ")
	pauseUs, ok7 := c.uint()
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || c.i != len(c.s) || pid == 0 || pid > math.MaxInt32 || gen > 9 {
		return Event{}, false
	}
	ev := Event{Runtime: RuntimePython, Kind: pythonKinds[min(gen, 3)], Seq: seq, PID: int(pid),
		HeapBeforeBytes: -1, HeapAfterBytes: -1, HeapGoalBytes: -1, PauseMs: float64(pauseUs) / 1000}
	if seq == 0 {
		ev.Kind, ev.PauseMs = "start", 0
	}
	return ev, true
}

var pythonKinds = [...]string{"gen0", "gen1", "gen2", "gen?"}

// WithPythonPath returns a copy of env (nil: os.Environ()) whose last
// PYTHONPATH starts with dir, the directory holding PythonPreload as
// sitecustomize.py; a PYTHONPATH already set keeps its entries after
// dir, and one is added when there is none.
func WithPythonPath(env []string, dir string) []string {
	if env == nil {
		env = os.Environ()
	}
	out := slices.Clone(env)
	for i := len(out) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(out[i], "PYTHONPATH="); ok {
			if v != "" {
				dir += string(os.PathListSeparator) + v
			}
			out[i] = "PYTHONPATH=" + dir
			return out
		}
	}
	return append(out, "PYTHONPATH="+dir)
}
