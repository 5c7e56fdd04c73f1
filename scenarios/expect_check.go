package scenarios

// expectMore checks the expectations that need the rest of the scenario:
// window names that must exist, a goodput that needs a capacity.
func (c *checker) expectMore(path string, e *Expectation) {
	if c.sc == nil {
		return
	}
	for _, b := range e.MaxSlope {
		c.window(path+".max_slope", b.Window, true)
	}
	for _, b := range e.MaxP95 {
		c.window(path+".max_p95", b.Window, false)
	}
	if c.given[path+".min_goodput"] {
		hasCapacity := false
		for _, p := range c.sc.Downstream.Phases {
			hasCapacity = hasCapacity || p.Capacity > 0
		}
		if !hasCapacity {
			c.errf(path+".min_goodput", "needs a downstream phase with a capacity: goodput is the share of that capacity kept busy")
		}
	}
	c.positive(path+".max_cgroup_peak", e.MaxCgroupPeak == 0, "(none)")
	c.positive(path+".min_time_to_limit", e.MinTimeToLimit == 0, "(none)")
}

// window checks one window name of a per-window bound at path; phases
// says whether a phase's name is allowed besides "stage N".
func (c *checker) window(path, name string, phases bool) {
	if name == "" {
		return
	}
	p := join(path, name)
	switch kind, _ := ResolveWindow(c.sc, name); {
	case kind == WindowNone:
		c.errf(p, "unknown window %q: want %s", name, windowNames(c.sc, phases))
	case kind == WindowPhase && !phases:
		c.errf(p, "%q is a downstream phase; this bound is per stage: want %s", name, windowNames(c.sc, false))
	}
}
