package judge

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
	"github.com/oomlab/oomlab/scenarios"
)

// BaselineSchema is the schema string of a baseline file. Version 2
// added the conditions a baseline was made under (LimitMode, Request);
// version 1 files are still read, and those conditions are then reported
// as unchecked (see CheckCompatible).
const BaselineSchema = "oomlab.baseline/v2"

// BaselineSchemaV1 is the schema string of the first baseline files.
const BaselineSchemaV1 = "oomlab.baseline/v1"

// Baseline is the figures of one run, per target: a small file meant to
// be committed next to the scenario, so that a later run can be gated on
// "no worse than this". Scenario, MemoryLimitBytes, LimitMode and Request
// are the conditions it was made under: a run made under others is not
// comparable (CheckCompatible).
type Baseline struct {
	Schema           string `json:"schema"`
	Scenario         string `json:"scenario"`
	MemoryLimitBytes int64  `json:"memory_limit_bytes"`
	// LimitMode is results.Results.LimitMode: "cgroup-v1", "cgroup-v2"
	// (the kernel's limit) or "watchdog"; empty in a version 1 file.
	LimitMode string `json:"limit_mode,omitempty"`
	// Request is the load's request shape; nil in a version 1 file or
	// for a run without its scenario.
	Request *BaselineRequest `json:"request,omitempty"`
	// Mix describes the load's request kinds and their clients' speeds,
	// one line (see mixText), when the load is more than the one default
	// request at full speed; "" otherwise and in older files.
	Mix     string           `json:"mix,omitempty"`
	Targets []BaselineTarget `json:"targets"`
}

// BaselineRequest is the shape of the request every hit of the load sent
// (scenarios.Request, defaults filled in): what the figures were
// measured under.
type BaselineRequest struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	BodyBytes int64  `json:"body_bytes"`
	// BodyKind is the generated body's shape ("random", "json", …),
	// BodyFile the file it was read from instead.
	BodyKind string `json:"body_kind,omitempty"`
	BodyFile string `json:"body_file,omitempty"`
}

// BaselineTarget is one target's gated figures.
type BaselineTarget struct {
	Name    string `json:"name"`
	Outcome string `json:"outcome"`
	Class   string `json:"class"`
	// PeakRSSMiB is the verdict's peak RSS.
	PeakRSSMiB     float64 `json:"peak_rss_mib"`
	SlopeMiBPerSec float64 `json:"slope_mib_per_sec"`
	// TimeToLimitSeconds is null when the target neither reached nor was
	// forecast to reach its limit.
	TimeToLimitSeconds *float64 `json:"time_to_limit_seconds"`
	P95LastStageMs     float64  `json:"p95_last_stage_ms"`
	// GoodputRatio is the verdict's (Verdict.GoodputRatio): the
	// downstream's, or the slow clients'; null when there is neither.
	GoodputRatio *float64 `json:"goodput_ratio"`
	ShedRatio    float64  `json:"shed_ratio"`
	SuccessRatio float64  `json:"success_ratio"`
}

// NewBaseline takes the figures of run from its verdicts (Judge(run)).
func NewBaseline(run *saved.Run, verdicts []Verdict) Baseline {
	res := run.Results
	b := Baseline{Schema: BaselineSchema, Scenario: res.Scenario, MemoryLimitBytes: res.MemoryLimitBytes,
		LimitMode: res.LimitMode, Targets: []BaselineTarget{}}
	if res.ScenarioSpec != nil {
		kinds := res.ScenarioSpec.Load.Kinds()
		if len(kinds) > 0 {
			rq := kinds[0]
			b.Request = &BaselineRequest{Method: rq.Method, Path: rq.Path, BodyBytes: int64(rq.Body.Size), BodyKind: rq.Body.Kind,
				BodyFile: rq.Body.File}
		}
		b.Mix = mixText(kinds)
	}
	for _, v := range verdicts {
		bt := BaselineTarget{Name: v.Target, Outcome: v.Outcome, Class: v.Class, PeakRSSMiB: format.Round(v.PeakRSSMiB, 1),
			SlopeMiBPerSec: v.SlopeMiBPerSec, P95LastStageMs: format.Round(v.P95LastStageMs, 1), GoodputRatio: v.GoodputRatio,
			ShedRatio: format.Round(v.ShedRatio, 3), SuccessRatio: format.Round(v.SuccessRatio, 3)}
		if v.TimeToLimit != nil {
			s := v.TimeToLimit.Seconds
			bt.TimeToLimitSeconds = &s
		}
		b.Targets = append(b.Targets, bt)
	}
	return b
}

// ErrNotBaseline is returned (wrapped) by ReadBaseline for a JSON file
// that is not a baseline.
var ErrNotBaseline = errors.New("report: not a baseline file")

// ReadBaseline reads a baseline from path: a file written by `oomlab
// baseline save`, or a run's folder or results.json, whose figures are
// taken as the baseline.
func ReadBaseline(path string) (Baseline, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return baselineOfRun(path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Baseline{}, fmt.Errorf("report: reading baseline: %w", err)
	}
	var probe struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return Baseline{}, fmt.Errorf("report: baseline %s: %w", path, err)
	}
	switch probe.Schema {
	case BaselineSchema, BaselineSchemaV1:
		var b Baseline
		if err := json.Unmarshal(data, &b); err != nil {
			return Baseline{}, fmt.Errorf("report: baseline %s: %w", path, err)
		}
		return b, nil
	case results.Schema:
		return baselineOfRun(path)
	}
	return Baseline{}, fmt.Errorf("%w: %s has schema %q, want %q (or a run's results)", ErrNotBaseline, path, probe.Schema, BaselineSchema)
}

func baselineOfRun(path string) (Baseline, error) {
	run, err := saved.Load(path)
	if err != nil {
		return Baseline{}, err
	}
	return NewBaseline(run, Judge(run)), nil
}

// Change is how a figure moved from a baseline to a run.
type Change int

// Changes, from the gate's point of view.
const (
	// ChangeSame: within the tolerance, or not comparable (no figure).
	ChangeSame Change = iota
	// ChangeBetter: beyond the tolerance, in the good direction.
	ChangeBetter
	// ChangeWorse: beyond the tolerance, in the bad direction: a
	// regression; the gate fails.
	ChangeWorse
	// ChangeNew: the target is not in the baseline; not judged.
	ChangeNew
)

// String names the change as tables print it.
func (c Change) String() string {
	switch c {
	case ChangeSame:
		return "same"
	case ChangeBetter:
		return "better"
	case ChangeWorse:
		return "WORSE"
	case ChangeNew:
		return "new"
	}
	return fmt.Sprintf("Change(%d)", int(c))
}

// Absolute floors under which a change is noise whatever the tolerance:
// a few MiB of RSS, the growth threshold of slope, five seconds of
// time to limit, 50 ms of p95, two points of goodput.
const (
	floorRSSMiB       = 4.0
	floorSlope        = curve.GrowthSlopeMiBPerSec
	floorTimeSeconds  = 5.0
	floorP95Ms        = 50.0
	floorGoodputRatio = 0.02
)

// BaselineRow is one figure of one target, before and after.
type BaselineRow struct {
	Target string
	// Figure is "outcome", "peak RSS", "RSS slope", "time to limit",
	// "p95 last stage" or "goodput".
	Figure        string
	Before, After string
	// Delta is the change in words ("+12%", "+3.1 MiB/s"), empty when
	// not comparable.
	Delta  string
	Change Change
}

// CompareBaselines compares each target of after with the same-named
// target of before, figure by figure, with the relative tolerance tol
// (0.15 = 15%). A target missing from after is a regression (it can no
// longer be checked); one missing from before is new.
func CompareBaselines(before, after Baseline, tol float64) []BaselineRow {
	var rows []BaselineRow
	seen := map[string]bool{}
	for _, a := range after.Targets {
		seen[a.Name] = true
		b, ok := findTarget(before, a.Name)
		if !ok {
			rows = append(rows, BaselineRow{Target: a.Name, Figure: "outcome", Before: "-", After: a.Outcome, Change: ChangeNew})
			continue
		}
		rows = append(rows, compareTarget(b, a, tol)...)
	}
	for _, b := range before.Targets {
		if !seen[b.Name] {
			rows = append(rows, BaselineRow{Target: b.Name, Figure: "outcome", Before: b.Outcome, After: "missing", Change: ChangeWorse})
		}
	}
	return rows
}

func findTarget(b Baseline, name string) (BaselineTarget, bool) {
	for _, t := range b.Targets {
		if t.Name == name {
			return t, true
		}
	}
	return BaselineTarget{}, false
}

// died reports whether an outcome is a death at (or forecast to) the limit.
func died(outcome string) bool {
	return outcome == results.OutcomeOOMKilled || outcome == results.OutcomeLimitStall ||
		outcome == results.OutcomeForecastOOM || outcome == results.OutcomeCrashed
}

func compareTarget(b, a BaselineTarget, tol float64) []BaselineRow {
	row := func(fig, before, after, delta string, c Change) BaselineRow {
		return BaselineRow{Target: a.Name, Figure: fig, Before: before, After: after, Delta: delta, Change: c}
	}
	rows := []BaselineRow{row("outcome", b.Outcome, a.Outcome, "", outcomeChange(b.Outcome, a.Outcome))}
	// At the limit in both runs, peak RSS is the limit and the slope the
	// steepest climb before it: noise, not a finding. Time to limit says
	// it.
	bothDied := died(b.Outcome) && died(a.Outcome)
	c := higherIsWorse(b.PeakRSSMiB, a.PeakRSSMiB, tol, floorRSSMiB)
	if bothDied {
		c = ChangeSame
	}
	rows = append(rows, row("peak RSS", format.MiB(b.PeakRSSMiB), format.MiB(a.PeakRSSMiB), relDelta(b.PeakRSSMiB, a.PeakRSSMiB), c))
	c = higherIsWorse(b.SlopeMiBPerSec, a.SlopeMiBPerSec, tol, floorSlope)
	if bothDied {
		c = ChangeSame
	}
	rows = append(rows, row("RSS slope", format.Slope(b.SlopeMiBPerSec), format.Slope(a.SlopeMiBPerSec),
		format.Slope(a.SlopeMiBPerSec-b.SlopeMiBPerSec), c))
	rows = append(rows, row("time to limit", secondsOrNever(b.TimeToLimitSeconds), secondsOrNever(a.TimeToLimitSeconds),
		timeDelta(b.TimeToLimitSeconds, a.TimeToLimitSeconds), timeChange(b.TimeToLimitSeconds, a.TimeToLimitSeconds, tol)))
	c = ChangeSame
	if b.P95LastStageMs > 0 && a.P95LastStageMs > 0 {
		c = higherIsWorse(b.P95LastStageMs, a.P95LastStageMs, tol, floorP95Ms)
	}
	rows = append(rows, row("p95 last stage", msOrDash(b.P95LastStageMs), msOrDash(a.P95LastStageMs), relDelta(b.P95LastStageMs, a.P95LastStageMs), c))
	c, delta := ChangeSame, ""
	if b.GoodputRatio != nil && a.GoodputRatio != nil {
		c = higherIsWorse(-*b.GoodputRatio, -*a.GoodputRatio, tol, floorGoodputRatio)
		delta = fmt.Sprintf("%+.0f pt", 100*(*a.GoodputRatio-*b.GoodputRatio))
	}
	rows = append(rows, row("goodput", ratioOrDash(b.GoodputRatio), ratioOrDash(a.GoodputRatio), delta, c))
	return rows
}

// outcomeChange: surviving where the baseline survived is the only
// outcome a gate protects; losing it is a regression, gaining it an
// improvement.
func outcomeChange(before, after string) Change {
	switch {
	case before == after:
		return ChangeSame
	case before == results.OutcomeSurvived:
		return ChangeWorse
	case after == results.OutcomeSurvived:
		return ChangeBetter
	}
	return ChangeSame
}

// higherIsWorse compares a figure where more is worse: a change counts
// when it passes both tol × |before| and the absolute floor. For a figure
// where less is worse, pass both values negated.
func higherIsWorse(before, after, tol, floor float64) Change {
	margin := math.Max(tol*math.Abs(before), floor)
	switch {
	case after > before+margin:
		return ChangeWorse
	case after < before-margin:
		return ChangeBetter
	}
	return ChangeSame
}

// timeChange compares times to limit, where nil is "never" and sooner is
// worse.
func timeChange(before, after *float64, tol float64) Change {
	switch {
	case before == nil && after == nil:
		return ChangeSame
	case before == nil:
		return ChangeWorse
	case after == nil:
		return ChangeBetter
	}
	return higherIsWorse(-*before, -*after, tol, floorTimeSeconds)
}

func relDelta(before, after float64) string {
	if before <= 0 || after <= 0 {
		return ""
	}
	return fmt.Sprintf("%+.0f%%", 100*(after-before)/before)
}

func timeDelta(before, after *float64) string {
	if before == nil || after == nil {
		return ""
	}
	return fmt.Sprintf("%+.1f s", *after-*before)
}

func secondsOrNever(s *float64) string {
	if s == nil {
		return "never"
	}
	return fmt.Sprintf("%.1f s", *s)
}

func msOrDash(v float64) string {
	if v <= 0 {
		return "-"
	}
	return format.Ms(v)
}

func ratioOrDash(r *float64) string {
	if r == nil {
		return "-"
	}
	return format.Percent(*r)
}

// Mismatch is one condition under which a baseline and a run differ.
type Mismatch struct {
	// Field is "scenario", "memory limit", "limit mode", "request method",
	// "request path", "request body size", "request body kind" or
	// "request body file".
	Field         string
	Baseline, Run string
}

// String writes "memory limit: baseline 256 MiB, run 128 MiB".
func (m Mismatch) String() string {
	return fmt.Sprintf("%s: baseline %s, run %s", m.Field, cmp.Or(m.Baseline, "-"), cmp.Or(m.Run, "-"))
}

// MismatchError is the error of a baseline made under other conditions
// than the run it is to gate; ErrBaselineMismatch matches it.
type MismatchError struct {
	Mismatches []Mismatch
}

// ErrBaselineMismatch is matched (errors.Is) by every *MismatchError.
var ErrBaselineMismatch = errors.New("report: the baseline was made under other conditions")

func (e *MismatchError) Error() string {
	return fmt.Sprintf("report: the baseline was made under other conditions than the run (%s)", e.fields())
}

func (e *MismatchError) fields() string {
	parts := make([]string, len(e.Mismatches))
	for i, m := range e.Mismatches {
		parts[i] = m.String()
	}
	return strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrBaselineMismatch) hold.
func (e *MismatchError) Is(target error) bool { return target == ErrBaselineMismatch }

// Warning is the warning said on every output when the baseline is
// compared all the same (gate --allow-mismatch).
func (e *MismatchError) Warning() string {
	return "compared with a baseline made under other conditions (" + e.fields() + "): its figures may not be comparable"
}

// limitKind groups limit modes by who enforces the limit: the kernel's
// cgroup limit (v1 or v2 alike: the same memory, the same kill) or
// oomlab's watchdog, which kills later and by another rule.
func limitKind(mode string) string {
	switch mode {
	case results.MechanismCgroupV1, results.MechanismCgroupV2:
		return "kernel cgroup limit"
	case results.MechanismWatchdog:
		return "watchdog"
	}
	return mode
}

// withKind is "cgroup-v1 (kernel cgroup limit)", or the mode alone when
// it names its kind ("watchdog").
func withKind(mode, kind string) string {
	if mode == kind {
		return mode
	}
	return mode + " (" + kind + ")"
}

// CheckCompatible checks that before (the baseline) was made under the
// conditions of after (the run): the same scenario, memory limit, limit
// kind (kernel cgroup v1 and v2 are one kind, the watchdog another) and
// request shape (method, path, body size, kind and file). It returns a
// *MismatchError naming every differing field, or nil; and the
// conditions it could not check because the baseline (a version 1 file)
// or the run does not record them, as warnings.
func CheckCompatible(before, after Baseline) (unchecked []string, err error) {
	var ms []Mismatch
	add := func(field, b, a string) {
		if b != a {
			ms = append(ms, Mismatch{Field: field, Baseline: b, Run: a})
		}
	}
	add("scenario", before.Scenario, after.Scenario)
	var missing []string
	if before.MemoryLimitBytes > 0 && after.MemoryLimitBytes > 0 {
		add("memory limit", format.MiB(float64(before.MemoryLimitBytes)/format.BytesPerMiB), format.MiB(float64(after.MemoryLimitBytes)/format.BytesPerMiB))
	} else if before.MemoryLimitBytes != after.MemoryLimitBytes {
		missing = append(missing, "memory limit")
	}
	if before.LimitMode != "" && after.LimitMode != "" {
		if kb, ka := limitKind(before.LimitMode), limitKind(after.LimitMode); kb != ka {
			ms = append(ms, Mismatch{Field: "limit mode", Baseline: withKind(before.LimitMode, kb), Run: withKind(after.LimitMode, ka)})
		}
	} else {
		missing = append(missing, "limit mode")
	}
	add("request mix", cmp.Or(before.Mix, "one request at full speed"), cmp.Or(after.Mix, "one request at full speed"))
	// A mix's line already holds every kind's shape; otherwise the one
	// request's shape is compared field by field.
	if b, a := before.Request, after.Request; before.Mix == "" && after.Mix == "" && b != nil && a != nil {
		add("request method", b.Method, a.Method)
		add("request path", b.Path, a.Path)
		add("request body size", formatBytes(b.BodyBytes), formatBytes(a.BodyBytes))
		add("request body kind", b.BodyKind, a.BodyKind)
		add("request body file", b.BodyFile, a.BodyFile)
	} else if before.Mix == "" && after.Mix == "" {
		missing = append(missing, "request shape")
	}
	if len(missing) > 0 {
		who := "the run does not record"
		if before.Schema == BaselineSchemaV1 {
			who = "the baseline (" + BaselineSchemaV1 + ") does not record"
		} else if before.LimitMode == "" || before.Request == nil || before.MemoryLimitBytes == 0 {
			who = "the baseline does not record"
		}
		unchecked = append(unchecked, fmt.Sprintf("%s %s: they cannot be checked against the run", who, strings.Join(missing, ", ")))
	}
	if len(ms) > 0 {
		return unchecked, &MismatchError{Mismatches: ms}
	}
	return unchecked, nil
}

// formatBytes writes a body size as "16384 B", "none" for 0.
func formatBytes(n int64) string {
	if n == 0 {
		return "none"
	}
	return fmt.Sprintf("%d B", n)
}

// mixText describes a load's kinds for a baseline, "" for the one default
// request at full speed: per kind its name, weight, method, path, body and
// client speed ("export ×1 GET /export, no body, reads 256 KiB/s (80 %)";
// kinds joined by "; "), so two baselines of different mixes differ.
func mixText(kinds []scenarios.RequestKind) string {
	if len(kinds) == 1 && kinds[0].Name == scenarios.DefaultKind && kinds[0].DownloadBandwidth == 0 &&
		kinds[0].UploadBandwidth == 0 && kinds[0].KeepsAlive() {
		return ""
	}
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		p := fmt.Sprintf("%s ×%g %s %s, body %s", k.Name, k.Weight, k.Method, k.Path, formatBytes(int64(k.Body.Size)))
		if k.Body.File != "" {
			p += " from " + k.Body.File
		}
		if k.DownloadBandwidth > 0 {
			p += fmt.Sprintf(", reads %s/s", formatBytes(int64(k.DownloadBandwidth)))
		}
		if k.UploadBandwidth > 0 {
			p += fmt.Sprintf(", sends %s/s", formatBytes(int64(k.UploadBandwidth)))
		}
		if (k.DownloadBandwidth > 0 || k.UploadBandwidth > 0) && k.SlowShare < 1 {
			p += fmt.Sprintf(" (%g %% of clients)", 100*k.SlowShare)
		}
		if !k.KeepsAlive() {
			p += ", no keep-alive"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}
