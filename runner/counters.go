package runner

import (
	"github.com/oomlab/oomlab/runner/cgroup"
)

// statReader reads a cgroup's counters; *cgroup.Group is one, tests use a
// fake.
type statReader interface {
	Stats() (cgroup.Stats, error)
}

var _ statReader = (*cgroup.Group)(nil)

// groupCounters is the one reader of a target's cgroup counters and the
// one keeper of their baselines: the oom_kill and fail counters as they
// read when the current process started (begin), against which its
// samples (read) and its death (death) are counted, and the figures over
// the target's whole life. Without a cgroup (the watchdog) every call is a
// no-op. Not safe for concurrent use: the target's sampling loop owns it.
type groupCounters struct {
	g    statReader // nil under the watchdog
	mode string     // results.MechanismCgroupV1 or V2

	oomBase  int64 // oom_kill counter when the current process started
	failBase int64 // fail counter then

	peak     int64 // largest usage or peak read by read
	failLast int64 // fail counter as last read
}

// newGroupCounters returns the counters of g, in the given mode; g nil
// (no cgroup) gives counters that read nothing.
func newGroupCounters(g statReader, mode string) groupCounters {
	return groupCounters{g: g, mode: mode}
}

// begin takes the baselines of a process about to start. A failed read
// keeps the earlier ones.
func (c *groupCounters) begin() {
	if c.g == nil {
		return
	}
	if st, err := c.g.Stats(); err == nil {
		c.oomBase, c.failBase = st.OOMKills, st.FailCount
	}
}

// read reads the counters for a sample and takes them into the figures.
// It returns them with the oom_kill counter's rise since the current
// process started; ok is false without a cgroup or when they could not be
// read.
func (c *groupCounters) read() (st cgroup.Stats, newOOMKills int64, ok bool) {
	if c.g == nil {
		return cgroup.Stats{}, 0, false
	}
	st, err := c.g.Stats()
	if err != nil {
		return cgroup.Stats{}, 0, false
	}
	c.peak = max(c.peak, st.PeakBytes, st.UsageBytes)
	c.failLast = st.FailCount
	return st, st.OOMKills - c.oomBase, true
}

// death reads what the cgroup counted while the process that just died
// ran: nil without a cgroup; when the counters cannot be read, the fail
// counter as last read and no rise.
func (c *groupCounters) death() *cgroupDelta {
	if c.g == nil {
		return nil
	}
	d := &cgroupDelta{Mode: c.mode, FailTotal: c.failLast}
	if st, err := c.g.Stats(); err == nil {
		d.OOMKills, d.Fails = st.OOMKills-c.oomBase, st.FailCount-c.failBase
		c.failLast = st.FailCount
		d.FailTotal = st.FailCount
	}
	return d
}
