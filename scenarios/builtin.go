package scenarios

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// builtinFS holds the catalog; each file is named after its scenario.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// Info summarises a builtin scenario for listings.
type Info struct {
	Name        string
	Description string
	Pattern     string
	// Runtimes lists the targets' runtimes, sorted, without repeats.
	Runtimes []string
	// Targets is the number of targets.
	Targets int
	// LoadSeconds is the load's TotalDuration in seconds.
	LoadSeconds float64
	// ExpectedSeconds is how long `oomlab run NAME --parallel` takes, as
	// measured (expectedSeconds), or ExpectedDuration(true) for a builtin
	// not measured yet.
	ExpectedSeconds float64
}

// expectedSeconds is the wall-clock length of each builtin as `oomlab run
// --all --parallel` ran it: finished_at − started_at of its results.json,
// which spans starting the targets (and services), the load and stopping
// them, not the report (a second or less). Measured on the 2-core build
// machine on 2026-12-07 (catalog run /work/meas/base1, 21:16-21:25 UTC,
// cgroup v1 limits, beside other builds and tests), once each: planning
// shards only needs the proportions right. Measure again when a builtin's
// load changes; a test ties the table to the builtins.
var expectedSeconds = map[string]float64{
	"bounded-concurrency": 53.8, // 50 s of load
	"compression":         52.3, // 50 s
	"db-pool":             45.7, // 40 s, with a PostgreSQL service
	"json-body":           54.8, // 50 s
	"retry-queue":         40.9, // 40 s
	"slow-client":         44.1, // 28 s, then the slow clients drain their answers
	"slow-db-queue":       40.8, // 40 s
	"slow-logger":         53.7, // 50 s
	"upload-proxy":        45.0, // 40 s
	"write-drain":         47.4, // 40 s
}

// builtinNames lists the catalog's scenario names, sorted.
func builtinNames() []string {
	entries, _ := fs.ReadDir(builtinFS, "builtin")
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Builtin returns the builtin scenario called name, parsed and completed
// like any file; an unknown name gives an error wrapping ErrNoBuiltin.
func Builtin(name string) (*Scenario, error) {
	if !slices.Contains(builtinNames(), name) {
		return nil, fmt.Errorf("scenarios: %q (builtins: %s): %w", name, strings.Join(builtinNames(), ", "), ErrNoBuiltin)
	}
	file := "builtin/" + name + ".yaml"
	data, err := builtinFS.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("scenarios: read builtin %s: %w", name, err)
	}
	return Parse(file, bytes.NewReader(data))
}

// Builtins lists the builtin scenarios sorted by name. A builtin that fails
// to parse (a bug the tests catch) is listed with the error as description.
func Builtins() []Info {
	var infos []Info
	for _, name := range builtinNames() {
		s, err := Builtin(name)
		if err != nil {
			infos = append(infos, Info{Name: name, Description: "invalid builtin: " + err.Error()})
			continue
		}
		info := Info{Name: s.Name, Description: s.Description, Pattern: s.Pattern,
			Targets: len(s.Targets), LoadSeconds: s.Load.TotalDuration().Seconds(),
			ExpectedSeconds: s.ExpectedDuration(true).Seconds()}
		if sec, ok := expectedSeconds[name]; ok {
			info.ExpectedSeconds = sec
		}
		for _, t := range s.Targets {
			if !slices.Contains(info.Runtimes, t.Runtime) {
				info.Runtimes = append(info.Runtimes, t.Runtime)
			}
		}
		slices.Sort(info.Runtimes)
		infos = append(infos, info)
	}
	return infos
}
