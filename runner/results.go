package runner

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// newResults starts the results of a run with what the scenario alone
// decides: the schedule, the timeline and the environment.
func newResults(sc *scenarios.Scenario, version string) *results.Results {
	res := &results.Results{
		Schema:           results.Schema,
		Scenario:         sc.Name,
		ScenarioSpec:     sc,
		MemoryLimitBytes: int64(sc.MemoryLimit),
		StartedAt:        time.Now().UTC(),
		RunID:            newRunID(),
		Stages:           stageSpans(sc.Load),
		Phases:           phaseSpans(sc),
		Targets:          []results.Target{},
		Harness:          results.Harness{Version: version},
		Environment:      environment(),
		Files:            map[string]string{},
	}
	return res
}

// newRunID returns 128 random bits in hex: results.Results.RunID.
func newRunID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b[:])
}

// headerResults is results.json as written when the run starts: the
// schedule, the environment and the targets planned, marked partial until
// the final results replace it. A harness killed mid-run leaves this.
func headerResults(res *results.Results, sc *scenarios.Scenario) *results.Results {
	hdr := *res
	hdr.Files = map[string]string{"samples": results.SamplesFile, "load": results.LoadFile}
	hdr.Partial = true
	hdr.PartialReason = "the run had not finished when this was written (still running, or the harness was killed)"
	hdr.Targets = make([]results.Target, 0, len(sc.Targets))
	for _, t := range sc.Targets {
		hdr.Targets = append(hdr.Targets, results.Target{
			Name: t.Name, Role: t.Role, Runtime: t.Runtime, Command: []string{}, Outcome: results.OutcomeInterrupted,
			OutcomeDetail: "not finished when results.json was last written", Stages: []results.Stage{}, Events: []results.Event{},
		})
	}
	return &hdr
}

// runInfo is what live recorders learn when the run starts.
func runInfo(res *results.Results, sc *scenarios.Scenario, parallel bool) results.RunInfo {
	info := results.RunInfo{
		Scenario: res.Scenario, MemoryLimitBytes: res.MemoryLimitBytes, LimitMode: res.LimitMode, Parallel: parallel,
		StartedAt: res.StartedAt, Stages: res.Stages, Phases: res.Phases,
	}
	for _, t := range sc.Targets {
		info.Targets = append(info.Targets, results.TargetInfo{Name: t.Name, Role: t.Role, Runtime: t.Runtime})
	}
	return info
}

// writeResults writes results.json atomically (see results.OutDir.WriteFile:
// a temporary file, synced, renamed over the old one, the directory synced).
func writeResults(out *results.OutDir, res *results.Results) error {
	res.Files["results"] = results.ResultsFile
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("runner: writing results: %w", err)
	}
	if err := out.WriteFile(results.ResultsFile, append(b, '\n')); err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	return nil
}
