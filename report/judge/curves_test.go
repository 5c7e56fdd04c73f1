package judge

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved/savedtest"
)

// The recorded-curve test set: RSS curves from real runs of the built-in
// scenarios on a 2-core machine (report/testdata/curves, one file per
// curve: the target's RSS every second sample, 0.1 MiB, its outcome, the
// run's stages and downstream phases), each with the class a person
// assigns to it by looking at the curve, and why. The classifier must
// agree with every label. The files were cut from samples.csv and
// results.json of the runs, nothing else changed.
var recordedCurves = []struct {
	file, class, why string
}{
	// Steps that level off.
	{"node-retry-queue-aware-step", ClassBounded,
		"the reported case: flat at 135 MiB through 150 rps, one step to 141 MiB 3-4 s after the rate rose to 200 rps, then flat for the last 6 s"},
	{"node-retry-queue-aware-late-step", ClassBounded,
		"flat at 131 MiB, one step to 144 MiB 5.7 s into the last stage, then flat for the last 4.3 s: longer flat than rising"},
	{"node-retry-queue-aware-step-r5", ClassBounded,
		"the same pattern in another run: one step to 145 MiB mid-stage, flat for the last 4.3 s"},
	{"node-slow-db-queue-aware-falling", ClassBounded,
		"climbed to 104 MiB while the store slowed and the rate rose, then flat and falling to 97 MiB through the last stage"},
	{"slow-logger-aware-falling", ClassBounded,
		"rose with each rate to 81 MiB, then fell to 68 MiB through the last stage at 3000 rps"},
	// Flat.
	{"retry-queue-aware-flat", ClassBounded, "flat at 60-61 MiB from 15 s to the end"},
	{"slow-db-queue-aware-flat", ClassBounded, "flat at 21-22 MiB from 10 s to the end"},
	// GC saw-tooth and jitter.
	{"json-body-aware-sawtooth", ClassBounded,
		"Go GC saw-tooth between 31 and 38 MiB from 14 s to the end, no trend"},
	{"write-drain-aware-gc-sawtooth", ClassBounded, "Go GC saw-tooth between 22 and 29 MiB, no trend"},
	{"node-upload-aware-gc-sawtooth", ClassBounded,
		"Node saw-tooth between 67 and 88 MiB through stages 2-4, then 91 MiB for the last 3 s: a tooth barely above the earlier peaks"},
	{"node-json-body-aware-tall-tooth", ClassBounded,
		"saw-tooth between 63 and 70 MiB with one tall tooth to 77 MiB 2 s before the end, back to 69 MiB at once"},
	{"node-json-body-aware-jitter", ClassBounded, "jitter between 63 and 71 MiB through stages 3 and 4, no trend"},
	{"node-write-drain-aware-jitter", ClassBounded, "steps of 4 MiB up and down between 84 and 90 MiB from 14 s to the end"},
	// A downstream stall: the store stops answering for 8 s at a steady 30 rps.
	{"slow-db-queue-naive-store-stall", ClassBounded,
		"climbed 21→67 MiB while the store stalled (12-20 s), drained back to 22 MiB within 3 s of its recovery, flat after"},
	{"node-slow-db-queue-naive-store-stall", ClassBounded,
		"climbed 62→105 MiB through the stall and the backlog after it, dropped to 83 MiB at 27 s and stayed flat to the end"},
	{"node-slow-db-queue-aware-store-stall", ClassBounded,
		"stepped 60→67 MiB during the stall (its queue bound), back to 60 MiB after, flat"},
	// Climbs at constant load.
	{"slow-db-queue-naive-slow-climb", ClassGrowing,
		"a steady climb of 1.5 MiB/s for 40 s at a constant 46 rps, a queue fed a little faster than it drains"},
	{"slow-db-queue-naive-slower-climb", ClassGrowing, "a steady climb of 0.5 MiB/s for 40 s at a constant 44 rps"},
	{"node-slow-db-queue-naive-staircase", ClassGrowing,
		"a staircase at a constant 46 rps: 60→110 MiB, flat 6 s, →132 MiB, flat 8 s, →142 MiB, flat 4.6 s to the end"},
	{"node-slow-db-queue-naive-climb-then-pause", ClassGrowing,
		"climbed 69→121 MiB over 19 s at a constant 44 rps, then flat for the last 4 s: a pause, not a level"},
	{"node-json-body-naive-survived-climb", ClassGrowing,
		"a naive target that was not killed this time: climbed 56→267 MiB through every stage, 217→244 MiB within the last one"},
	// Kills and the crash-and-restart saw-tooth: the runner saw them.
	{"retry-queue-naive-kill", ClassOOMKilled, "climbed 10 MiB/s from 10 s into the 256 MiB limit, killed at 25.0 s"},
	{"node-retry-queue-naive-kill", ClassOOMKilled, "climbed 11 MiB/s into the limit, killed at 24.7 s"},
	{"node-json-body-naive-kill", ClassOOMKilled, "climbed into the limit, killed at 28.9 s"},
	{"upload-naive-restart-sawtooth", ClassOOMKilled,
		"crash-and-restart saw-tooth: killed at the limit 5 times from 21.9 s, restarted each time"},
	{"node-upload-naive-restart-sawtooth", ClassOOMKilled, "crash-and-restart saw-tooth: killed 3 times from 23.3 s"},
	// Cannot tell.
	{"node-retry-queue-aware-two-steps", ClassInconclusive,
		"flat through 150 rps, then two steps in the last stage (131→137 MiB at 32.7 s, →144 MiB at 37.5 s) and only 2.4 s flat since: a working set adjusting, or the start of a staircase"},
	{"short-retry-queue-naive", ClassInconclusive,
		"stages of 2 s: no constant-load stretch is left after settling, so the climb cannot be told from a working set following the rate (it would be killed in a full run)"},
	{"short-node-retry-queue-aware", ClassInconclusive, "stages of 2 s: the same, for the aware target"},
}

func TestRecordedCurves(t *testing.T) {
	files, err := filepath.Glob(savedtest.Testdata("curves", "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(recordedCurves) {
		t.Errorf("testdata/curves holds %d files, the table %d: every curve needs a label", len(files), len(recordedCurves))
	}
	classes := map[string]int{}
	for _, c := range recordedCurves {
		t.Run(c.file, func(t *testing.T) {
			run, err := savedtest.LoadCurve(savedtest.Curve(c.file))
			if err != nil {
				t.Fatal(err)
			}
			v := Judge(run)[0]
			classes[v.Class]++
			if v.Class != c.class {
				t.Errorf("Judge(%s).Class = %q (%s: %s); want %q: %s", c.file, v.Class, v.Confidence.Level, v.Confidence.Reason, c.class, c.why)
			}
			if v.Class == ClassInconclusive && v.Confidence.Reason == "" {
				t.Errorf("Judge(%s) is inconclusive with no reason", c.file)
			}
			// One story: the line names the class, and no symptom calls
			// a curve climbing that the class calls bounded or unclear.
			if !strings.Contains(v.Story, v.Class) {
				t.Errorf("Judge(%s).Story = %q; want it to name the class %q", c.file, v.Story, v.Class)
			}
			for _, sy := range v.Symptoms {
				if (v.Class == ClassBounded || v.Class == ClassInconclusive) && strings.Contains(sy, "climbing") {
					t.Errorf("Judge(%s) is %s with the symptom %q", c.file, v.Class, sy)
				}
			}
		})
	}
	t.Logf("classes: %v", classes)
}
