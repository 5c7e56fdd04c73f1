package scenarios

import "time"

// StartupAllowance is what a target's run takes beyond its load: starting
// it, waiting for it to be ready, stopping it and settling its samples.
// The builtins measured under --parallel took 0.8 to 16 s more than their
// load, 4.3 s in the median (expectedSeconds); slow-client's 16 s are its
// clients draining their answers after the load.
const StartupAllowance = 4 * time.Second

// ExpectedDuration estimates how long `oomlab run` takes on the scenario:
//
//	k × (Load.TotalDuration + StartupAllowance)
//
// where k is the number of targets when they run one after another, and 1
// when they run at the same time (parallel, or s.Parallel). It plans
// shards; it is no bound (a target that dies early ends sooner, a slow
// service start takes longer).
func (s *Scenario) ExpectedDuration(parallel bool) time.Duration {
	k := time.Duration(len(s.Targets))
	if parallel || s.Parallel || k == 0 {
		k = 1
	}
	return k * (s.Load.TotalDuration() + StartupAllowance)
}
