package runner

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/cgroup"
)

const mb = 1 << 20

// at is a reading of a process tree's RSS at t seconds, nothing succeeded
// yet.
func at(t float64, rss int64) reading {
	return reading{At: time.Duration(t * float64(time.Second)), RSSBytes: rss, LastSuccess: -1}
}

// inGroup adds the cgroup's counters to a reading; oomKills is also the
// oom_kill counter's rise since the process started (a zero baseline).
func (r reading) inGroup(usage, fails, oomKills int64) reading {
	r.Cgroup = &cgroup.Stats{UsageBytes: usage, PeakBytes: usage, FailCount: fails, OOMKills: oomKills}
	r.NewOOMKills = oomKills
	return r
}

func (r reading) afterLoad() reading { r.AfterLoad = true; return r }

// ramp is a reading every half second from 0 to to seconds of a tree
// whose memory climbs 10 MiB/s from 10 MiB, in a cgroup when group.
func ramp(to float64, group bool) []reading {
	var out []reading
	for t := 0.0; t <= to; t += 0.5 {
		mem := int64(10*mb + 10*mb*t)
		r := at(t, mem)
		if group {
			r = r.inGroup(mem, 0, 0)
		}
		out = append(out, r)
	}
	return out
}

func TestDecide(t *testing.T) {
	type want struct {
		action action
		at     float64 // seconds
		detail string  // the whole line, or its start when it ends in "…"
	}
	tests := []struct {
		name     string
		group    bool
		limit    int64 // default 100 MiB
		failFast bool
		feed     []reading
		want     []want // every decision over the feed, in order
		wantLive bool   // of the last reading
		wantMem  int64  // MemBytes after the feed
	}{
		{name: "below the limit: carry on", group: true,
			feed:     []reading{at(1, 50*mb).inGroup(60*mb, 0, 0)},
			wantLive: true, wantMem: 60 * mb},
		{name: "a process that cannot be read is not live; the last memory stays", group: true,
			feed:    []reading{at(1, 50*mb).inGroup(60*mb, 0, 0), at(1.1, 0).inGroup(2*mb, 0, 0)},
			wantMem: 60 * mb},
		{name: "the kernel OOM-killed a process of the tree: end the rest", group: true,
			feed: []reading{at(1, 50*mb).inGroup(60*mb, 0, 0), at(2.5, 3*mb).inGroup(4*mb, 7, 1)},
			want: []want{{actEndTree, 2.5, "oom-kill in its cgroup at 2.5s: the target is ended, every process of it"}},
			// what is left (a wrapper, a master) is not the target's memory
			wantMem: 60 * mb},
		{name: "the tree's end is asked once", group: true,
			feed: []reading{at(1, 50*mb).inGroup(60*mb, 0, 1), at(1.1, 50*mb).inGroup(60*mb, 0, 2)},
			want: []want{{actEndTree, 1, "oom-kill in its cgroup at 1.0s…"}},
			// asked once, the samples until its death are recorded as they are
			wantLive: true, wantMem: 60 * mb},
		{name: "no cgroup, RSS past the limit: the watchdog kills",
			feed:     []reading{at(1, 90*mb), at(3.25, 101*mb)},
			want:     []want{{actKillWatchdog, 3.25, "watchdog: RSS 101.0 MiB passed the limit 100.0 MiB at 3.2s: killed"}},
			wantLive: true, wantMem: 101 * mb},
		{name: "the watchdog kills once",
			feed: []reading{at(1, 101*mb), at(1.1, 120*mb)},
			want: []want{{actKillWatchdog, 1, "watchdog: RSS 101.0 MiB…"}}, wantLive: true, wantMem: 120 * mb},
		{name: "RSS past the limit in a cgroup is the kernel's to judge", group: true,
			feed:     []reading{at(1, 101*mb).inGroup(99*mb, 5, 0)},
			wantLive: true, wantMem: 101 * mb},
		{name: "at the limit, fail counter rising, nothing succeeds: limit-stall", group: true,
			feed: []reading{at(1, 90*mb).inGroup(99*mb, 10, 0), at(3, 90*mb).inGroup(99*mb, 500, 0), at(6, 90*mb).inGroup(99*mb, 900, 0)},
			want: []want{{actKillStall, 1, "limit-stall: at the limit since 1.0s with no success: killed by the harness"}},
			// dated when the stall began
			wantLive: true, wantMem: 99 * mb},
		{name: "at the limit but still answering", group: true,
			feed: []reading{at(1, 90*mb).inGroup(99*mb, 10, 0), at(3, 90*mb).inGroup(99*mb, 500, 0),
				func() reading { r := at(6, 90*mb).inGroup(99*mb, 900, 0); r.LastSuccess = 5 * time.Second; return r }()},
			wantLive: true, wantMem: 99 * mb},
		{name: "after the load the watchdog and the stall rule are off",
			feed:     []reading{at(1, 90*mb), at(9, 150*mb).afterLoad()},
			wantLive: true, wantMem: 150 * mb},
		{name: "after the load an OOM kill in the tree is still seen", group: true,
			feed: []reading{at(1, 50*mb).inGroup(60*mb, 0, 0), at(9, 2*mb).inGroup(3*mb, 4, 1).afterLoad()},
			want: []want{{actEndTree, 9, "oom-kill in its cgroup at 9.0s…"}}, wantMem: 60 * mb},
		// Forecasts once a second; the first with 10 samples over 5 s, at
		// 5 s; three confident ones in a row: at 7 s.
		{name: "fail-fast: a climb that reaches the limit before the load ends", group: true, limit: 256 * mb, failFast: true,
			feed:     ramp(7, true),
			want:     []want{{actEndLoad, 7, "fail-fast: memory climbs 10.0 ± 0.0 MiB/s and will reach the 256.0 MiB limit at about 25 s (by 25 s at the latest), before the load ends at 60 s: load ended at 7.0 s"}},
			wantLive: true, wantMem: 80 * mb},
		{name: "fail-fast ends the load once", group: true, limit: 256 * mb, failFast: true,
			feed: ramp(12, true), want: []want{{actEndLoad, 7, "fail-fast: …"}}, wantLive: true, wantMem: 130 * mb},
		{name: "without --fail-fast the forecast is only kept", group: true, limit: 256 * mb,
			feed: ramp(12, true), wantLive: true, wantMem: 130 * mb},
		// 80 MiB at 7 s passes a 79 MiB limit in the sample the third
		// confident forecast is made.
		{name: "a kill and the end of the load in one sample: the kill first", limit: 79 * mb, failFast: true,
			feed:     ramp(7, false),
			want:     []want{{actKillWatchdog, 7, "watchdog: RSS 80.0 MiB passed the limit 79.0 MiB at 7.0s: killed"}, {actEndLoad, 7, "fail-fast: …"}},
			wantLive: true, wantMem: 80 * mb},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit := tt.limit
			if limit == 0 {
				limit = 100 * mb
			}
			w := newWatch(limit, tt.group, watchOptions{StallWindow: 5 * time.Second, Load: time.Minute, FailFast: tt.failFast}).process()
			var got []decision
			var live bool
			for _, r := range tt.feed {
				var ds []decision
				ds, live, w = decide(w, r)
				got = append(got, ds...)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("decide(...) over the feed = %+v; want %+v", got, tt.want)
			}
			for i, d := range got {
				wt := tt.want[i]
				at := time.Duration(wt.at * float64(time.Second))
				if d.Action != wt.action || d.At != at {
					t.Errorf("decision %d = %s at %s; want %s at %s", i, d.Action, d.At, wt.action, at)
				}
				if prefix, ok := strings.CutSuffix(wt.detail, "…"); ok && !strings.HasPrefix(d.Detail, prefix) || !ok && d.Detail != wt.detail {
					t.Errorf("decision %d detail = %q; want %q", i, d.Detail, wt.detail)
				}
				if (d.Action == actEndLoad) != (d.Forecast != nil) || d.Forecast != nil && !d.Forecast.CutShort {
					t.Errorf("decision %d forecast = %+v; want one, cut short, for %s only", i, d.Forecast, actEndLoad)
				}
			}
			if live != tt.wantLive || w.MemBytes != tt.wantMem {
				t.Errorf("live, memory = %v, %.1f MiB; want %v, %.1f MiB", live, float64(w.MemBytes)/mb, tt.wantLive, float64(tt.wantMem)/mb)
			}
			cut := slices.ContainsFunc(got, func(d decision) bool { return d.Action == actEndLoad })
			if (w.Cut != nil) != cut {
				t.Errorf("Cut = %+v; want it set only when the load was ended", w.Cut)
			}
			if strings.HasPrefix(tt.name, "without --fail-fast") && (w.LastForecast == nil || w.LastForecast.LatestSeconds == nil) {
				t.Errorf("LastForecast = %+v; want the latest confident forecast kept", w.LastForecast)
			}
		})
	}
}

// TestDecidePure: decide leaves the state it is given as it was, so the
// same state and reading give the same answer however often it is asked,
// whatever it was asked in between.
func TestDecidePure(t *testing.T) {
	w := newWatch(256*mb, true, watchOptions{StallWindow: 5 * time.Second, Load: time.Minute, FailFast: true}).process()
	for _, r := range ramp(6.5, true) {
		_, _, w = decide(w, r)
	}
	// A copy of what the state and the first answer hold, taken at once:
	// an answer sharing an array that a later call writes into would
	// change with it.
	snap := func(w watch) watch {
		w.FailFast.ts, w.FailFast.ys = slices.Clone(w.FailFast.ts), slices.Clone(w.FailFast.ys)
		return w
	}
	before := snap(w)
	next := at(7, 80*mb).inGroup(80*mb, 0, 0) // the third confident forecast: the load ends
	ds1, live1, w1 := decide(w, next)
	first := snap(w1)
	for _, other := range []reading{at(7, 200*mb).inGroup(250*mb, 9, 0), at(7, 0).inGroup(1*mb, 9, 3), at(30, 5*mb), at(31, 5*mb)} {
		decide(w, other)
	}
	ds2, live2, w2 := decide(w, next)
	if !reflect.DeepEqual(w, before) {
		t.Errorf("decide changed its argument: %+v; was %+v", w, before)
	}
	if len(ds1) != 1 || !reflect.DeepEqual(ds1, ds2) || live1 != live2 || !reflect.DeepEqual(first, w2) {
		t.Errorf("decide(w, r) gave %+v %v %+v, then %+v %v %+v; want one decision, the same twice", ds1, live1, first, ds2, live2, w2)
	}
}

func TestStallDetectorReset(t *testing.T) {
	d := newStallDetector(100*mb, time.Second)
	d.observe(time.Second, 99*mb, 1, -1)
	d.reset()
	if *d != *newStallDetector(100*mb, time.Second) {
		t.Errorf("reset left %+v; want a new detector", *d)
	}
}

// BenchmarkDecide is one sample's decision with a full fail-fast window
// (10 s at the default 10 samples a second) behind it.
func BenchmarkDecide(b *testing.B) {
	w := newWatch(256*mb, true, watchOptions{StallWindow: 5 * time.Second, Load: time.Hour, FailFast: true}).process()
	t := 0.0
	next := func() reading {
		t += 0.1
		mem := int64(100*mb + mb*math.Mod(t, 3))
		return at(t, mem).inGroup(mem, 0, 0)
	}
	for range 200 {
		_, _, w = decide(w, next())
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _, w = decide(w, next())
	}
}
