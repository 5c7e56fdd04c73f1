package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
)

// spreadRuns is the recorded upload-proxy run three times, as repeats
// whose aware target's peak RSS and last stage's latencies differ.
func spreadRuns(t *testing.T) []*saved.Run {
	t.Helper()
	var runs []*saved.Run
	for i, peak := range []float64{18, 24, 21} {
		run := savedtest.Upload(t)
		run.Results.Repeat, run.Results.Repeats = i+1, 3
		for j := range run.Results.Targets {
			tg := &run.Results.Targets[j]
			last := &tg.Stages[len(tg.Stages)-1]
			last.LatencyDigest = []results.Digest{{{100, 100}}, {{200, 100}}, {{300, 80}, {2000, 20}}}[i]
			// The stage's own p95 is its digest's, as the runner records it.
			_, last.LatencyP95Ms, _, _ = results.Quantiles(last.LatencyDigest)
			if tg.Name == "upload-aware" {
				tg.RSSPeakBytes = int64(peak * (1 << 20))
			}
		}
		runs = append(runs, run)
	}
	return runs
}

func TestSpreadText(t *testing.T) {
	runs := spreadRuns(t)
	var b bytes.Buffer
	WriteSpread(&b, judge.Spread(runs, judge.Runs(runs)))
	savedtest.Golden(t, ".txt", b.Bytes())
}

func TestSpreadMarkdown(t *testing.T) {
	runs := spreadRuns(t)
	var b bytes.Buffer
	if err := WriteSpreadMarkdown(&b, judge.Spread(runs, judge.Runs(runs))); err != nil {
		t.Fatal(err)
	}
	savedtest.Golden(t, ".md", b.Bytes())
}

func TestLegsMarkdown(t *testing.T) {
	run := savedtest.Upload(t)
	res := *run.Results
	res.Environment.Hostname, res.Schedule, res.Shard, res.Harness.Version = "runner-1", results.ScheduleParallel, "1/2", "v1.2.0"
	res.LimitNote = res.LimitMode + ": groups under /sys/fs/cgroup/oomlab"
	wd := res
	wd.Scenario, wd.Environment.Hostname, wd.Shard = "slow|db", "runner-2", "2/2"
	wd.LimitMode, wd.LimitNote = results.MechanismWatchdog, "no writable memory cgroup: oomlab's watchdog kills at the limit"
	legs := []Leg{LegOf("leg-1", "upload-proxy", &res), LegOf("leg-2", "slow-db", &wd), LegOf("old", "x", &results.Results{Scenario: "x"})}
	var b bytes.Buffer
	if err := WriteLegsMarkdown(&b, legs); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(b.String(), WatchdogMark); got != 1 {
		t.Errorf("legs.md marks %d runs as judged under the watchdog; want 1", got)
	}
	savedtest.Golden(t, ".md", b.Bytes())
}

func TestCatalogMarksWatchdogRows(t *testing.T) {
	kernel, wd := savedtest.Upload(t), savedtest.Upload(t)
	wd.Results.LimitMode = results.MechanismWatchdog
	runs := []*saved.Run{kernel, wd}
	verdicts := judge.Runs(runs)
	var b bytes.Buffer
	if err := WriteCatalog(&b, runs, verdicts, judge.GateOf(append(verdicts[0], verdicts[1]...))); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Count(b.String(), "(watchdog ⚠)"), len(wd.Results.Targets); got != want {
		t.Errorf("catalog.md marks %d rows as judged under the watchdog; want %d, its run's targets:\n%s", got, want, b.String())
	}
}
