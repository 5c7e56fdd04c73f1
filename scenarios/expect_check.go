package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// expectMore checks the expectations that need the rest of the scenario:
// window names that must exist, a goodput that needs a capacity.
func (c *checker) expectMore(path string, e *Expectation) {
	if c.sc == nil {
		return
	}
	for i, b := range e.MaxSlope {
		c.window(path+".max_slope", b.Window, true)
		if b.Kind != "" {
			c.errf(c.boundPath(path+".max_slope", i, "kind"), "memory is the target's, not a request kind's: max_slope takes no kind")
		}
	}
	for i, b := range e.MaxP95 {
		c.window(path+".max_p95", b.Window, false)
		c.kindOfBound(c.boundPath(path+".max_p95", i, "kind"), b.Kind)
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

// boundPath is the path of key in the i-th bound at path: "path[i].key"
// when the bounds were written as a list, else "path.key".
func (c *checker) boundPath(path string, i int, key string) string {
	if p := fmt.Sprintf("%s[%d]", path, i); c.at[p] != (position{}) {
		return p + "." + key
	}
	return path + "." + key
}

// kindOfBound checks that a bound's kind names a request kind of the load;
// it is silent when the kinds are unknown (the load has its own error).
func (c *checker) kindOfBound(path, kind string) {
	if kind == "" || c.kindNames == nil || c.kindNames[kind] {
		return
	}
	c.errf(path, "unknown kind %q: want %s", kind, strings.Join(slices.Sorted(maps.Keys(c.kindNames)), ", "))
}
