package sample

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// Status holds the lines of /proc/PID/status that oomlab uses.
type Status struct {
	// VmRSS is the resident set size in bytes (0 for a kernel thread).
	VmRSS int64
	// VmHWM is the peak resident set size in bytes ("high water mark").
	VmHWM int64
	// Threads is the number of threads.
	Threads int64
}

var (
	keyState   = []byte("State:")
	keyVmHWM   = []byte("VmHWM:")
	keyVmRSS   = []byte("VmRSS:")
	keyThreads = []byte("Threads:")
)

// parseStatus picks the wanted lines out of a status file. It reports
// whether the process is a zombie (or dead), whose status has no memory.
func parseStatus(data []byte) (st Status, zombie bool, err error) {
	var seenThreads bool
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		switch {
		case bytes.HasPrefix(line, keyState):
			v := bytes.TrimLeft(line[len(keyState):], " \t")
			zombie = len(v) > 0 && (v[0] == 'Z' || v[0] == 'X')
		case bytes.HasPrefix(line, keyVmHWM):
			if st.VmHWM, err = parseKB(line[len(keyVmHWM):]); err != nil {
				return Status{}, false, fmt.Errorf("field VmHWM: %w", err)
			}
		case bytes.HasPrefix(line, keyVmRSS):
			if st.VmRSS, err = parseKB(line[len(keyVmRSS):]); err != nil {
				return Status{}, false, fmt.Errorf("field VmRSS: %w", err)
			}
		case bytes.HasPrefix(line, keyThreads):
			n, ok := parseUint(bytes.TrimSpace(line[len(keyThreads):]))
			if !ok {
				return Status{}, false, fmt.Errorf("field Threads: bad value %q", line)
			}
			st.Threads, seenThreads = n, true
		}
	}
	if !seenThreads && !zombie {
		return Status{}, false, errors.New("no Threads line: not a status file")
	}
	return st, zombie, nil
}

// parseKB reads "   123456 kB" into bytes.
func parseKB(v []byte) (int64, error) {
	v = bytes.TrimSpace(v)
	num, ok := bytes.CutSuffix(v, []byte(" kB"))
	if !ok {
		return 0, fmt.Errorf("bad value %q: want \"N kB\"", v)
	}
	n, ok := parseUint(bytes.TrimSpace(num))
	if !ok || n > (1<<53)/1024 {
		return 0, fmt.Errorf("bad value %q", v)
	}
	return n * 1024, nil
}

// parseUint reads decimal digits without converting to a string.
func parseUint(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func statusPath(procRoot string, pid int) string {
	return procRoot + "/" + strconv.Itoa(pid) + "/status"
}
