package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/live/web"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// TestReplay shows a saved run through the browser view, as report
// --serve does: a browser gets the schedule, both targets' samples, the
// kill, the end and the verdicts.
func TestReplay(t *testing.T) {
	run, err := saved.Load("../../report/testdata/upload-proxy")
	if err != nil {
		t.Fatal(err)
	}
	hub := web.NewHub()
	if err := replay(hub, run, judge.Judge(run)); err != nil {
		t.Fatal(err)
	}
	srv := web.NewServer(hub)
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	count := map[string]int{}
	targets := map[string]bool{}
	death, finished := "", ""
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	kind := ""
	for sc.Scan() && kind != "verdicts" {
		line := sc.Text()
		if k, ok := strings.CutPrefix(line, "event: "); ok {
			kind = k
			count[k]++
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			continue
		}
		if kind == "sample" {
			targets[strings.Split(strings.TrimPrefix(data, `{"target":"`), `"`)[0]] = true
		}
		if kind == "event" && strings.Contains(data, `"kind":"death"`) {
			death = data
		}
		if kind == "finished" {
			finished = data
		}
	}
	if count["info"] != 1 || count["sample"] < 100 || count["window"] < 10 || count["finished"] != 1 || count["verdicts"] != 1 {
		t.Errorf("replayed stream: %v; want info, ≥ 100 samples, ≥ 10 windows, finished and verdicts", count)
	}
	if !targets["upload-naive"] || !targets["upload-aware"] {
		t.Errorf("samples for %v; want both targets", targets)
	}
	if !strings.Contains(death, `"target":"upload-naive"`) || !strings.Contains(death, `"outcome":"oom-killed"`) {
		t.Errorf("death event = %s; want upload-naive oom-killed", death)
	}
	// The cards show the whole run's figures, not the last second's.
	var fin web.Finished
	if err := json.Unmarshal([]byte(finished), &fin); err != nil {
		t.Fatalf("finished %q: %v", finished, err)
	}
	if len(fin.Targets) != len(run.Results.Targets) {
		t.Fatalf("finished has %d targets; want %d", len(fin.Targets), len(run.Results.Targets))
	}
	for i, ft := range fin.Targets {
		want := sumRequests(run.Results.Targets[i].Stages)
		if ft.Run.Requests == 0 || ft.Run.Requests != want {
			t.Errorf("finished %s: run %+v; want the %d requests of every stage", ft.Name, ft.Run, want)
		}
	}
}

// sumRequests is the requests of every stage.
func sumRequests(stages []results.Stage) uint64 {
	var n uint64
	for _, st := range stages {
		n += st.Requests
	}
	return n
}

// TestReplaySchedule: report --serve names the schedule the run had —
// results.json's, which `run --parallel` makes parallel for a sequential
// scenario — and the scenario's own only for a run without the field.
func TestReplaySchedule(t *testing.T) {
	for _, tc := range []struct {
		name       string
		schedule   string
		specParall bool
		want       bool
	}{
		{"run --parallel of a sequential scenario", results.ScheduleParallel, false, true},
		{"sequential as recorded", results.ScheduleSequential, true, false},
		{"older run: the scenario's", "", true, true},
		{"older run, sequential scenario", "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := &results.Results{Scenario: "s", Schedule: tc.schedule, ScenarioSpec: &scenarios.Scenario{Parallel: tc.specParall},
				Targets: []results.Target{{Name: "a"}, {Name: "b"}}}
			info := replayInfo(res)
			if info.Parallel != tc.want {
				t.Errorf("Parallel = %v; want %v", info.Parallel, tc.want)
			}
			if len(info.Targets) != 2 {
				t.Errorf("targets %+v; want a and b", info.Targets)
			}
		})
	}
	if info := replayInfo(&results.Results{}); info.Parallel {
		t.Errorf("no schedule and no scenario: Parallel; want one after another")
	}
}
