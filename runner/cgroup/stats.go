package cgroup

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// Stats is a group's memory accounting at one moment.
type Stats struct {
	// UsageBytes is the memory charged to the group now (page cache
	// included): v1 memory.usage_in_bytes, v2 memory.current. It is not
	// the RSS of its processes.
	UsageBytes int64
	// PeakBytes is the highest usage so far: v1 memory.max_usage_in_bytes,
	// v2 memory.peak, or the highest UsageBytes Stats has seen when the
	// kernel has no memory.peak.
	PeakBytes int64
	// FailCount counts allocations that hit the limit: v1 memory.failcnt
	// plus memory.memsw.failcnt (when a memory+swap limit is set, that
	// counter is charged first and is the one that fails; Linux 6.12 and
	// later leave its failcnt at 0, see Manager.New), v2 the "max" line of
	// memory.events.
	FailCount int64
	// OOMKills counts processes the kernel OOM-killed in the group: the
	// "oom_kill" line of v1 memory.oom_control or of v2 memory.events.
	OOMKills int64
	// UnderOOM is v1's "under_oom" flag: the group is stuck at its limit
	// with the OOM killer disabled or still working. Always false on v2.
	UnderOOM bool
}

// The control files Stats reads, by position.
const (
	fileUsage = iota
	filePeak
	fileFail     // v1 only
	fileSwapFail // v1 only, optional
	fileEvents   // v1 memory.oom_control, v2 memory.events
	numStatFiles
)

// statFile is one control file kept open between calls to Stats.
type statFile struct {
	name     string
	optional bool // a missing file is not an error
	f        *os.File
	absent   bool // the kernel has no such file: not looked for again
}

func statFiles(mode string) [numStatFiles]statFile {
	if mode == ModeV1 {
		return [numStatFiles]statFile{
			{name: "memory.usage_in_bytes"}, {name: "memory.max_usage_in_bytes"},
			{name: "memory.failcnt"}, {name: "memory.memsw.failcnt", optional: true}, {name: "memory.oom_control"},
		}
	}
	return [numStatFiles]statFile{
		{name: "memory.current"}, {name: "memory.peak", optional: true}, {absent: true}, {absent: true},
		{name: "memory.events"},
	}
}

// Stats reads the group's memory accounting. It keeps the control files
// open and reuses one buffer, so that a call costs a few pread(2)s and no
// allocations; Remove closes the files.
func (g *Group) Stats() (Stats, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.removed {
		return Stats{}, fmt.Errorf("cgroup: stats %s: group removed", g.path)
	}
	var s Stats
	var err error
	if s.UsageBytes, err = g.readInt(fileUsage); err != nil {
		return Stats{}, err
	}
	s.PeakBytes, err = g.readInt(filePeak)
	if errors.Is(err, errAbsent) {
		g.peak = max(g.peak, s.UsageBytes)
		s.PeakBytes, err = g.peak, nil
	}
	if err != nil {
		return Stats{}, err
	}
	if g.m.mode == ModeV1 {
		if s.FailCount, err = g.readInt(fileFail); err != nil {
			return Stats{}, err
		}
		swapFail, err := g.readInt(fileSwapFail)
		if err != nil && !errors.Is(err, errAbsent) {
			return Stats{}, err
		}
		s.FailCount += swapFail
	}
	b, err := g.read(fileEvents)
	if err != nil {
		return Stats{}, err
	}
	s.OOMKills = field(b, "oom_kill")
	if g.m.mode == ModeV1 {
		s.UnderOOM = field(b, "under_oom") == 1
	} else {
		s.FailCount = field(b, "max")
	}
	return s, nil
}

// errAbsent marks an optional control file the kernel does not have.
var errAbsent = errors.New("cgroup: no such control file")

// read returns the contents of control file i, in g.buf.
func (g *Group) read(i int) ([]byte, error) {
	sf := &g.files[i]
	if sf.absent {
		return nil, errAbsent
	}
	if sf.f == nil {
		f, err := os.Open(filepath.Join(g.path, sf.name))
		if errors.Is(err, fs.ErrNotExist) && sf.optional {
			sf.absent = true
			return nil, errAbsent
		}
		if err != nil {
			return nil, fmt.Errorf("cgroup: stats: %w", err)
		}
		sf.f = f
	}
	n, err := sf.f.ReadAt(g.buf[:], 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("cgroup: stats: read %s: %w", sf.f.Name(), err)
	}
	return g.buf[:n], nil
}

// readInt reads control file i as one decimal number.
func (g *Group) readInt(i int) (int64, error) {
	b, err := g.read(i)
	if err != nil {
		return 0, err
	}
	n, ok := parseInt(bytes.TrimSpace(b))
	if !ok {
		return 0, fmt.Errorf("cgroup: stats: %s: not a number: %q", g.files[i].name, b)
	}
	return n, nil
}

func (g *Group) closeFiles() {
	for i := range g.files {
		if f := g.files[i].f; f != nil {
			f.Close()
			g.files[i].f = nil
		}
	}
}

// parseInt parses a non-negative decimal number without allocating.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' || n > (math.MaxInt64-int64(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// field returns the value of the line "key value" in a flat keyed file
// (memory.events, memory.oom_control), or 0 when there is none.
func field(b []byte, key string) int64 {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(line) > len(key) && line[len(key)] == ' ' && string(line[:len(key)]) == key {
			n, _ := parseInt(bytes.TrimSpace(line[len(key)+1:]))
			return n
		}
	}
	return 0
}
