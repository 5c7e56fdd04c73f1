package runner

import (
	"errors"
	"reflect"
	"testing"

	"github.com/oomlab/oomlab/runner/cgroup"
	"github.com/oomlab/oomlab/runner/results"
)

// fakeGroup is a cgroup whose counters a test sets; err fails the next
// read.
type fakeGroup struct {
	st  cgroup.Stats
	err error
}

func (g *fakeGroup) Stats() (cgroup.Stats, error) { return g.st, g.err }

var _ statReader = (*fakeGroup)(nil)

// TestGroupCounters: the samples and the death of a process are counted
// from the counters as they read when it started, not from zero: an OOM
// kill or fails counted before it started are not its own.
func TestGroupCounters(t *testing.T) {
	g := &fakeGroup{st: cgroup.Stats{UsageBytes: 10 * mb, PeakBytes: 12 * mb, FailCount: 40, OOMKills: 1}}
	c := newGroupCounters(g, results.MechanismCgroupV2)
	c.begin() // a process starts after an earlier one was OOM-killed
	if _, kills, ok := c.read(); !ok || kills != 0 {
		t.Errorf("read() after begin = %d new OOM kills, ok %v; want 0, true", kills, ok)
	}
	g.st = cgroup.Stats{UsageBytes: 90 * mb, PeakBytes: 95 * mb, FailCount: 70, OOMKills: 2}
	if st, kills, ok := c.read(); !ok || kills != 1 || st.UsageBytes != 90*mb {
		t.Errorf("read() = %+v, %d new OOM kills, ok %v; want usage 90 MiB, 1, true", st, kills, ok)
	}
	g.st = cgroup.Stats{UsageBytes: 1 * mb, PeakBytes: 95 * mb, FailCount: 75, OOMKills: 2}
	want := &cgroupDelta{Mode: results.MechanismCgroupV2, OOMKills: 1, Fails: 35, FailTotal: 75}
	if got := c.death(); !reflect.DeepEqual(got, want) {
		t.Errorf("death() = %+v; want %+v", got, want)
	}
	if c.peak != 95*mb || c.failLast != 75 {
		t.Errorf("figures: peak %d, fail counter %d; want %d, 75", c.peak, c.failLast, 95*mb)
	}
	// Counters that cannot be read: the last fail counter, no rise.
	g.err = errors.New("gone")
	if _, _, ok := c.read(); ok {
		t.Error("read() of unreadable counters ok; want not ok")
	}
	want = &cgroupDelta{Mode: results.MechanismCgroupV2, FailTotal: 75}
	if got := c.death(); !reflect.DeepEqual(got, want) {
		t.Errorf("death() unreadable = %+v; want %+v", got, want)
	}
	c.begin() // a failed read keeps the baselines
	if c.oomBase != 1 || c.failBase != 40 {
		t.Errorf("baselines after a failed read = %d, %d; want 1, 40 kept", c.oomBase, c.failBase)
	}
	// No cgroup: nothing is read.
	var none groupCounters
	none.begin()
	if _, _, ok := none.read(); ok || none.death() != nil {
		t.Error("counters without a cgroup read something; want nothing")
	}
}
