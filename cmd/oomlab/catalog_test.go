package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// shortened returns a built-in scenario cut down for a test: the targets of
// one runtime, every stage half as long, a 128 MiB limit, and no timing
// or size expectations (those belong to the full scenario). It is written
// to a file, so the run goes through the parser like a user's file.
func shortened(t *testing.T, name, runtime string) string {
	t.Helper()
	sc, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.KeepRuntime(runtime); err != nil {
		t.Fatal(err)
	}
	for i := range sc.Load.Stages {
		sc.Load.Stages[i].Duration /= 2
	}
	for i := range sc.Downstream.Phases {
		p := &sc.Downstream.Phases[i]
		p.At /= 2
		p.Duration /= 2
	}
	sc.MemoryLimit = 128 << 20
	sc.Deadline = 0
	for i := range sc.Targets {
		e := &sc.Targets[i].Expect
		e.OOMWithin, e.MaxRSS, e.MinRSS = 0, 0, 0
	}
	b, err := yaml.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	// Let the parser compute the deadline for the shorter load.
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "deadline")
	if b, err = yaml.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name+"-"+runtime+".yaml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCatalogPatternsShortened runs two patterns per runtime, shortened:
// each naive target must reproduce its failure, each aware one hold.
func TestCatalogPatternsShortened(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end runs of about 3 minutes")
	}
	for _, runtime := range []string{"go", "node"} {
		for _, pattern := range []string{"slow-db-queue", "write-drain"} {
			t.Run(pattern+"/"+runtime, func(t *testing.T) {
				if runtime == "node" && !haveNode() {
					t.Skip("node is not installed: Node.js targets cannot run here")
				}
				out := t.TempDir()
				// Both targets at once, as make gate-robustness runs these
				// scenarios: about 90 s for the four instead of 140 s.
				text, _ := oomlab(t, 4*time.Minute, "run", shortened(t, pattern, runtime), "--parallel", "--out", out, "--quiet")
				res := readResults(t, out)
				if len(res.Targets) != 2 {
					t.Fatalf("targets = %d; want 2\n%s", len(res.Targets), text)
				}
				for _, tr := range res.Targets {
					switch tr.Role {
					case "naive":
						if tr.Outcome != results.OutcomeOOMKilled && tr.Outcome != results.OutcomeLimitStall {
							t.Errorf("%s: outcome %s (%s), peak RSS %d MiB; want oom-killed or limit-stall\n%s",
								tr.Name, tr.Outcome, tr.OutcomeDetail, tr.RSSPeakBytes>>20, text)
						}
					case "aware":
						if tr.Outcome != results.OutcomeSurvived {
							t.Errorf("%s: outcome %s (%s); want survived\n%s", tr.Name, tr.Outcome, tr.OutcomeDetail, text)
						}
					}
				}
				assertNothingLeft(t, pidOf(t))
			})
		}
	}
}

func haveNode() bool {
	_, err := exec.LookPath("node")
	return err == nil
}
