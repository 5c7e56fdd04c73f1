package main

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oomlab/oomlab/scenarios"
)

// maxShards bounds N in --shard I/N and list --shards N.
const maxShards = 1000

// shardSpec is --shard I/N: the I-th of N legs, 1 ≤ I ≤ N ≤ maxShards.
type shardSpec struct{ I, N int }

// String is the spec as given and as results.json records it, "I/N".
func (s shardSpec) String() string { return fmt.Sprintf("%d/%d", s.I, s.N) }

// parseShard reads "I/N".
func parseShard(v string) (shardSpec, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(v), "/")
	if !ok {
		return shardSpec{}, fmt.Errorf("--shard %q: want I/N, as 2/3 for the second of three legs", v)
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if err := errors.Join(err1, err2); err != nil {
		return shardSpec{}, fmt.Errorf("--shard %q: want I/N with whole numbers, as 2/3", v)
	}
	if n < 1 || n > maxShards {
		return shardSpec{}, fmt.Errorf("--shard %q: N must be 1 to %d", v, maxShards)
	}
	if i < 1 || i > n {
		return shardSpec{}, fmt.Errorf("--shard %q: I must be 1 to N (%d)", v, n)
	}
	return shardSpec{I: i, N: n}, nil
}

// shardItem is one scenario to plan: its unique name (its folder under
// --out), what `oomlab run` is given for it (a builtin name or a file),
// and how long its run is expected to take.
type shardItem struct {
	Name     string
	Arg      string
	Expected time.Duration
}

// planShards splits items into n legs, balanced by expected duration and
// stable: the same items and n give the same legs on every machine,
// whatever their order. Longest first (ties by name), each item goes to
// the leg with the least expected total so far (ties to the lowest leg);
// this greedy rule keeps every leg within the longest item of the mean,
// since an item only joins a leg at or below the mean. Each leg lists
// its items in plan order. n < 1 gives nil.
func planShards(items []shardItem, n int) [][]shardItem {
	if n < 1 {
		return nil
	}
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b shardItem) int {
		return cmp.Or(cmp.Compare(b.Expected, a.Expected), cmp.Compare(a.Name, b.Name))
	})
	legs := make([][]shardItem, n)
	totals := make([]time.Duration, n)
	for _, it := range sorted {
		least := 0
		for j := 1; j < n; j++ {
			if totals[j] < totals[least] {
				least = j
			}
		}
		legs[least] = append(legs[least], it)
		totals[least] += it.Expected
	}
	return legs
}

// legTotal is the expected duration of a leg.
func legTotal(leg []shardItem) time.Duration {
	var d time.Duration
	for _, it := range leg {
		d += it.Expected
	}
	return d
}

// builtinItems lists the catalog for planning: each builtin with its
// measured length (scenarios.Info.ExpectedSeconds, a run with --parallel)
// or, one after another, that plus the other targets' load and startup.
// The plan does not depend on --runtime, so legs given different filters
// still split the same catalog.
func builtinItems(parallel bool) []shardItem {
	var items []shardItem
	for _, in := range scenarios.Builtins() {
		d := time.Duration(in.ExpectedSeconds * float64(time.Second))
		if !parallel && in.Targets > 1 {
			per := time.Duration(in.LoadSeconds*float64(time.Second)) + scenarios.StartupAllowance
			d += time.Duration(in.Targets-1) * per
		}
		items = append(items, shardItem{Name: in.Name, Arg: in.Name, Expected: d})
	}
	return items
}

// fileItems loads each argument (a scenario file or a builtin name) for
// planning: its name, and its expected duration (a builtin's measured
// one, a file's by scenarios.ExpectedDuration). Two arguments naming the
// same scenario are refused: each run needs its own folder.
func fileItems(args []string, parallel bool) ([]shardItem, error) {
	builtin := map[string]shardItem{}
	for _, it := range builtinItems(parallel) {
		builtin[it.Name] = it
	}
	seen := map[string]string{}
	var items []shardItem
	for _, arg := range args {
		sc, err := loadScenario(arg)
		if err != nil {
			return nil, err
		}
		it, ok := builtin[arg]
		if !ok {
			it = shardItem{Name: sc.Name, Arg: arg, Expected: sc.ExpectedDuration(parallel)}
		}
		if prev, dup := seen[it.Name]; dup {
			return nil, fmt.Errorf("%s and %s both name scenario %q: each run needs its own folder", prev, arg, it.Name)
		}
		seen[it.Name] = arg
		items = append(items, it)
	}
	return items, nil
}
