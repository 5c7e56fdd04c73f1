package runner

import "time"

// stallDetector decides when a target is stuck at its memory limit: alive,
// answering nothing, while the kernel reclaims pages over and over
// (measured on this machine: a naive Node proxy sat at its 256 MiB limit for
// a minute with 0% success while memory.failcnt rose by millions). That is a
// container failure mode of its own, reported as outcome "limit-stall".
//
// A target is stalled when, for at least window without a break,
//
//	max(RSS, cgroup usage) >= nearFraction × limit,
//	the cgroup's fail counter rose (or, under a watchdog, RSS stayed there), and
//	no request succeeded.
type stallDetector struct {
	limit        int64
	nearFraction float64
	window       time.Duration

	since       time.Duration // start of the current near-limit run; -1 when none
	failAtStart int64
}

func newStallDetector(limit int64, window time.Duration) *stallDetector {
	return &stallDetector{limit: limit, nearFraction: 0.95, window: window, since: -1}
}

// reset starts the rule again, for a new process of the target.
func (d *stallDetector) reset() { d.since, d.failAtStart = -1, 0 }

// observe feeds one sample taken at t (since load start). memBytes is the
// larger of RSS and cgroup usage, failCount the cgroup's counter (-1 when
// there is no cgroup), lastSuccess the time of the latest successful
// response (-1 when none yet). It returns true, and when the stall began,
// once the target is stalled.
func (d *stallDetector) observe(t time.Duration, memBytes, failCount int64, lastSuccess time.Duration) (bool, time.Duration) {
	near := d.limit > 0 && float64(memBytes) >= d.nearFraction*float64(d.limit)
	if !near {
		d.since = -1
		return false, 0
	}
	if d.since < 0 {
		d.since, d.failAtStart = t, failCount
		return false, 0
	}
	start := d.since
	if lastSuccess > start {
		start = lastSuccess
	}
	if t-start < d.window {
		return false, 0
	}
	if failCount >= 0 && failCount <= d.failAtStart {
		return false, 0
	}
	return true, start
}
