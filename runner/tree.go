package runner

import (
	"path/filepath"

	"github.com/oomlab/oomlab/runner/cgroup"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/sample"
)

// newTreeSampler samples the target's whole process tree: the members of
// its cgroup when it has one (every descendant, also one that left the
// process group), else the leader and its descendants.
func newTreeSampler(pid int, g *cgroup.Group) (*sample.Tree, error) {
	var opts []sample.TreeOption
	if g != nil {
		opts = append(opts, sample.WithCgroupProcs(filepath.Join(g.Path(), "cgroup.procs")))
	}
	return sample.NewTree(pid, opts...)
}

// treeFigures are the tree's own findings over a target's life: its
// largest process count and the process that held the most memory.
type treeFigures struct {
	maxProcs int
	largest  *results.Process
}

// note takes one tree sample into account.
func (f *treeFigures) note(tr *sample.Tree, p sample.TreeSample) {
	f.maxProcs = max(f.maxProcs, p.Processes)
	l := p.Largest
	if l.PID == 0 {
		return
	}
	peak := max(l.RSSBytes, l.HWMBytes)
	switch {
	case f.largest == nil || f.largest.PID != l.PID && l.RSSBytes > f.largest.RSSPeakBytes:
		f.largest = &results.Process{PID: l.PID, Command: tr.Command(l.PID), RSSPeakBytes: peak}
	case f.largest.PID == l.PID:
		f.largest.RSSPeakBytes = max(f.largest.RSSPeakBytes, peak)
	}
}
