package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// writeMarkdown writes summary.md: GitHub-flavoured Markdown for a CI job
// summary — a headline with pass/fail, one table of all targets, and per
// target its verdict lines, its table per request kind (a mix only) and
// its stage table. verdicts[i] holds run i's;
// the headline and last line are gate's.
func writeMarkdown(w io.Writer, runs []*saved.Run, verdicts [][]judge.Verdict, gate judge.GateStatus) error {
	var b strings.Builder
	all := flatten(verdicts)
	fmt.Fprintf(&b, "## oomlab: %s — %s\n\n", format.MarkdownText(scenarioNames(runs)), gateMark(gate.State))
	for _, warn := range gate.Warnings {
		fmt.Fprintf(&b, "> **warning:** %s\n\n", format.MarkdownText(warn))
	}
	for i, r := range runs {
		res := r.Results
		prefix := ""
		if len(runs) > 1 {
			prefix = "**" + format.RunLabel(i) + "** (" + format.MarkdownText(r.Dir) + "): "
		}
		fmt.Fprintf(&b, "%s%s\n\n", prefix, format.MarkdownText(runLine(res)))
	}
	b.WriteString("| target | outcome | killed at | peak RSS | RSS slope | GC/s max | success | shed | goodput | p95 last stage | verdict |\n")
	b.WriteString("|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, v := range all {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s %s |\n", format.MarkdownText(v.Target), format.MarkdownText(v.Outcome),
			killedAt(v), peakCell(v), format.Slope(v.SlopeMiBPerSec), gcMax(v), successCell(v),
			format.Percent(v.ShedRatio), goodput(v), p95Last(v), v.Class, verdictMark(v)+judge.Worry(v))
	}
	for i, r := range runs {
		for j, t := range r.Results.Targets {
			v := verdicts[i][j]
			fmt.Fprintf(&b, "\n### %s: %s %s\n\n", format.MarkdownText(v.Target), v.Class, verdictMark(v))
			if v.Story != "" {
				fmt.Fprintf(&b, "%s\n\n", format.MarkdownText(v.Story))
			}
			for _, s := range v.Symptoms {
				fmt.Fprintf(&b, "- %s\n", format.MarkdownText(s))
			}
			for _, c := range v.Expectations {
				fmt.Fprintf(&b, "- %s\n", format.MarkdownText(c.Text))
			}
			if v.Recommendation != "" {
				fmt.Fprintf(&b, "\n> %s\n", format.MarkdownText(v.Recommendation))
			}
			markdownKinds(&b, v)
			if len(t.Stages) > 0 {
				b.WriteString("\n| stage | offered | achieved | success | shed | p50 | p95 | p99 | status codes |\n")
				b.WriteString("|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
				for _, st := range t.Stages {
					fmt.Fprintf(&b, "| %d | %s/s | %.1f/s%s | %s | %s | %s | %s | %s | %s |\n", st.Index+1,
						format.Rate(st.OfferedRatePerSecond), st.AchievedRatePerSecond, behind(st), format.Percent(st.SuccessRatio),
						format.Percent(stageShed(st)), format.Ms(st.LatencyP50Ms), format.Ms(st.LatencyP95Ms), format.Ms(st.LatencyP99Ms), format.MarkdownText(statusCodes(st.StatusCodes)))
				}
			}
		}
	}
	for _, r := range runs {
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "\n> **note:** %s\n", format.MarkdownText(n))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", format.MarkdownText(gate.Line()))
	_, err := io.WriteString(w, b.String())
	return err
}

// runLine describes the run in one line: limit, load, downstream.
func runLine(res *results.Results) string {
	var parts []string
	if res.MemoryLimitBytes > 0 {
		parts = append(parts, fmt.Sprintf("limit %s (%s)", format.MiB(float64(res.MemoryLimitBytes)/format.BytesPerMiB), res.LimitMode))
	}
	if n := len(res.Stages); n > 0 {
		rates := make([]string, n)
		for i, s := range res.Stages {
			rates[i] = format.Rate(s.RatePerSecond)
		}
		parts = append(parts, fmt.Sprintf("load %s rps over %.0f s", strings.Join(rates, "→"), res.Stages[n-1].EndSeconds))
	}
	if n := len(res.Phases); n > 0 {
		names := make([]string, n)
		for i, p := range res.Phases {
			names[i] = fmt.Sprintf("%s from %.0f s", judge.PhaseName(p, i), p.StartSeconds)
		}
		parts = append(parts, "downstream: "+strings.Join(names, ", "))
	}
	if res.Partial {
		parts = append(parts, "partial run")
	}
	return strings.Join(parts, " · ")
}

// stageShed is the share of a stage's requests that were shed.
func stageShed(st results.Stage) float64 {
	if st.Requests == 0 {
		return 0
	}
	return float64(st.Shed) / float64(st.Requests)
}

func behind(st results.Stage) string {
	if st.Behind {
		return " (behind)"
	}
	return ""
}

// statusCodes writes "200 ×98, 503 ×2", codes in order; "0" is a request
// that got no answer.
func statusCodes(m map[string]uint64) string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		name := k
		if k == "0" {
			name = "no answer"
		}
		parts[i] = fmt.Sprintf("%s ×%s", name, humanize.Comma(int64(m[k])))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// passIcon marks a verdict in words: an emoji is drawn as an empty box by
// a browser or terminal without an emoji font, and a room reads "FAIL"
// from the back.
func passIcon(ok bool) string {
	if ok {
		return "pass"
	}
	return "FAIL"
}

// verdictMark marks one target: passIcon's word, or "not checked" for a
// target without expectations (it neither passed nor failed anything).
func verdictMark(v judge.Verdict) string {
	if len(v.Expectations) == 0 {
		return "not checked"
	}
	return passIcon(v.Pass)
}

// gateMark is the headline's word for the gate: "pass", "FAIL" or
// "nothing to judge".
func gateMark(s judge.GateState) string {
	switch s {
	case judge.GatePass:
		return passIcon(true)
	case judge.GateFail:
		return passIcon(false)
	}
	return s.Word()
}

func flatten(vs [][]judge.Verdict) []judge.Verdict {
	var out []judge.Verdict
	for _, v := range vs {
		out = append(out, v...)
	}
	return out
}

func scenarioNames(runs []*saved.Run) string {
	names := make([]string, len(runs))
	for i, r := range runs {
		names[i] = r.Results.Scenario
	}
	return format.Versus(names)
}
