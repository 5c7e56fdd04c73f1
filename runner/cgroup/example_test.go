package cgroup_test

import (
	"context"
	"fmt"
	"log"

	"github.com/oomlab/oomlab/runner/cgroup"
)

// One group per target: created before the target starts, the target's
// pid added before it allocates, sampled, and removed at the end.
func ExampleManager_New() {
	m, err := cgroup.Detect("/")
	if err != nil {
		log.Fatal(err)
	}
	if removed, err := m.Sweep(); err != nil || len(removed) > 0 {
		log.Printf("swept %v: %v", removed, err)
	}
	if m.Mode() == cgroup.ModeNone {
		log.Printf("running without a memory limit: %s", m.Reason())
		return
	}
	g, err := m.New("upload-naive", 256<<20)
	if err != nil {
		log.Fatal(err)
	}
	defer g.Remove(context.Background())
	pid := 12345 // the target's pid
	if err := g.Add(pid); err != nil {
		log.Fatal(err)
	}
	s, err := g.Stats() // every sample
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.UsageBytes, s.PeakBytes, s.FailCount, s.OOMKills)
}

// Explain decides where groups would go without writing anything; here
// on the recorded tree of a GitHub-hosted runner, in a step run with sudo.
func ExampleExplain() {
	m, err := cgroup.Explain("testdata/layouts/gha-sudo")
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range m.Attempts() {
		fmt.Println(a.Placement, a.Used)
	}
	fmt.Println(m.Mode())
	// Output:
	// own-cgroup false
	// oomlab.slice true
	// cgroup-v2
}
