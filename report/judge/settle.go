package judge

import (
	"fmt"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// Settling, the settled windows and the thresholds a class rests on are
// curve's (curve.Curve.Settle, curve.Rule.Decide); this file names them
// for the verdict.

// Confidence says how sure a class is and what it rests on.
type Confidence struct {
	// Level is "high", "medium" or "low"; an inconclusive class is low.
	Level string `json:"level"`
	// Window names the settled window the slope was fitted over: the
	// last interval at a constant rate and downstream phase, after its
	// settling interval, or the event the class rests on.
	Window string `json:"window"`
	// StartSeconds and EndSeconds bound the window (seconds since the
	// load started); SettleSeconds is the settling interval left out
	// before StartSeconds.
	StartSeconds  float64 `json:"start_seconds"`
	EndSeconds    float64 `json:"end_seconds"`
	SettleSeconds float64 `json:"settle_seconds"`
	Samples       int     `json:"samples"`
	// SlopeMiBPerSec ± 2 × SlopeSEMiBPerSec is the RSS slope over the
	// window with its approximate 95 % interval.
	SlopeMiBPerSec   float64 `json:"slope_mib_per_sec"`
	SlopeSEMiBPerSec float64 `json:"slope_se_mib_per_sec"`
	R2               float64 `json:"r2"`
	// RiseMiB is slope × window length: what RSS gained in the window.
	RiseMiB float64 `json:"rise_mib"`
	// Reason says why, in words: what an inconclusive class lacks, or
	// what a confident one saw.
	Reason string `json:"reason"`
}

// Confidence levels.
const (
	ConfidenceHigh   = "high"
	ConfidenceMedium = "medium"
	ConfidenceLow    = "low"
)

// confidenceLevel words a curve.Level.
func confidenceLevel(l curve.Level) string {
	switch l {
	case curve.High:
		return ConfidenceHigh
	case curve.Medium:
		return ConfidenceMedium
	}
	return ConfidenceLow
}

// rssCurve is the RSS curve of a series, as curve reads it.
func rssCurve(s *saved.Series) curve.Curve { return curve.Curve{T: s.T, MiB: s.RSSMiB} }

// spanNamer names the spans of res: "stage 4 (200 rps)" or "stage 4
// (200 rps), phase failing"; the whole curve taken as one span is
// "whole run".
func spanNamer(res *results.Results) func(curve.Span) string {
	return func(sp curve.Span) string {
		if sp.Whole {
			return "whole run"
		}
		name := ""
		if sp.Stage >= 0 {
			name = fmt.Sprintf("stage %d (%s rps)", sp.Stage+1, format.Rate(res.Stages[sp.Stage].RatePerSecond))
		}
		if sp.Phase >= 0 {
			name += ", phase " + PhaseName(res.Phases[sp.Phase], sp.Phase)
		}
		return name
	}
}

// settledName names a settled window: "stage 4 (200 rps) after 2.5 s
// settling".
func settledName(name string, sp curve.Span) string {
	if name == "" {
		return ""
	}
	if sp.SettleSeconds == 0 {
		return name
	}
	return fmt.Sprintf("%s after %.1f s settling", name, sp.SettleSeconds)
}
