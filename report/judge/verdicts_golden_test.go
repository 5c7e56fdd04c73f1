package judge

import (
	"encoding/json"
	"testing"

	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
)

// TestVerdictsGolden keeps every verdict the judge gives on recorded data —
// the 29 recorded curves, the saved upload-proxy run and the synthetic
// runs (one with a load --fast stopped early) — in one golden file per input, so that moving the judging code
// cannot change a class, an outcome, a figure or the gate unseen: a
// difference shows in the diff of testdata/golden (regenerate with
// -update and explain it).
func TestVerdictsGolden(t *testing.T) {
	check := func(t *testing.T, run *saved.Run) {
		t.Helper()
		v := Judge(run)
		g := GateOf(v)
		doc := struct {
			Gate     string    `json:"gate"`
			Reason   string    `json:"reason"`
			Verdicts []Verdict `json:"verdicts"`
		}{g.State.String(), g.Reason, v}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		savedtest.Golden(t, ".json", append(b, '\n'))
	}
	for _, c := range recordedCurves {
		t.Run(c.file, func(t *testing.T) {
			run, err := savedtest.LoadCurve(savedtest.Curve(c.file))
			if err != nil {
				t.Fatal(err)
			}
			check(t, run)
		})
	}
	t.Run("upload-proxy", func(t *testing.T) { check(t, savedtest.Upload(t)) })
	t.Run("synth-upload-proxy", func(t *testing.T) { check(t, savedtest.UploadProxy().Run()) })
	t.Run("synth-long-run", func(t *testing.T) { check(t, savedtest.LongRun().Run()) })
	t.Run("synth-upload-proxy-fast", func(t *testing.T) { check(t, fastRun(t)) })
}
