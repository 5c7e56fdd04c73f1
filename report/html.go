package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"regexp"

	"github.com/dustin/go-humanize"
	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// htmlPage is what report.html is rendered from.
type htmlPage struct {
	Title string
	// Class is the headline's CSS class: pass, fail or nothing.
	Class     string
	Gate      string
	Warnings  []string
	Runs      []htmlRun
	Dashboard template.HTML // inline SVG
	Memory    template.HTML // inline SVG
}

type htmlRun struct {
	Label    string // "A", "B" when comparing, else ""
	Dir      string
	Res      *results.Results
	Line     string
	Notes    []string
	Targets  []htmlTarget
	LimitMiB string
}

type htmlTarget struct {
	T       results.Target
	V       judge.Verdict
	Goodput string
}

var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"ms":      format.Ms,
	"pct":     format.Percent,
	"goodput": goodput,
	"inc":     func(i int) int { return i + 1 },
	"rate":    format.Rate,
	"mib":     format.MiB,
	"bytes":   func(b int64) string { return humanize.IBytes(uint64(max(b, 0))) },
	"ubytes":  func(b uint64) string { return humanize.IBytes(b) },
	"comma":   func(n uint64) string { return humanize.Comma(int64(n)) },
	"icomma":  humanize.Comma,
	"codes":   statusCodes,
	"killed":  killedAt,
	"gc":      gcMax,
	"p95last": p95Last,
	"mark":    verdictMark,
	"peak":    peakCell,
	"success": successCell,
	"worry":   judge.Worry,
	"slope":   format.Slope,
	"kind":    kindCells,
	"kindbps": deliveredRate,
	"kheads":  func() []string { return kindHeads },
}).Parse(pageHTML))

const pageHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>oomlab: {{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
h1{margin-bottom:.2em} .pass{color:#1a7f37} .fail{color:#cf222e} .nothing{color:#9a6700}
table{border-collapse:collapse;margin:.5em 0 1.5em} th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th{background:#f3f3f3} td.l,th.l{text-align:left}
.verdict{border-left:6px solid #ccc;padding:.4em 1em;margin:1em 0;background:#fafafa}
.verdict.ok{border-color:#1a7f37} .verdict.bad{border-color:#cf222e}
.note{background:#fff8c5;padding:.4em 1em} figure{margin:1em 0} figure svg{width:100%;height:auto}
code{background:#f3f3f3;padding:0 .2em}
figure svg text{font-family:"Liberation Sans",Arial,Helvetica,sans-serif !important}
</style></head><body>
<h1>oomlab: {{.Title}}</h1>
<p class="{{.Class}}"><strong>{{.Gate}}</strong></p>
{{range .Warnings}}<p class="note">warning: {{.}}</p>
{{end}}{{range .Runs}}<p>{{if .Label}}<strong>{{.Label}}</strong> ({{.Dir}}): {{end}}{{.Line}}</p>
{{with .Res.ScenarioSpec}}{{if .Description}}<p>{{.Description}}</p>{{end}}{{end}}
{{range .Notes}}<p class="note">note: {{.}}</p>{{end}}{{end}}
<h2>Verdicts</h2>
<table><tr><th class="l">target</th><th class="l">outcome</th><th>killed at</th><th>peak RSS</th><th>RSS slope</th><th>GC/s max</th><th>success</th><th>shed</th><th>goodput</th><th>p95 last stage</th><th class="l">verdict</th></tr>
{{range .Runs}}{{range .Targets}}<tr><td class="l">{{.V.Target}}</td><td class="l">{{.V.Outcome}}</td><td>{{killed .V}}</td><td>{{peak .V}}</td><td>{{slope .V.SlopeMiBPerSec}}</td><td>{{gc .V}}</td><td>{{success .V}}</td><td>{{pct .V.ShedRatio}}</td><td>{{goodput .V}}</td><td>{{p95last .V}}</td><td class="l">{{.V.Class}} {{mark .V}}{{worry .V}}</td></tr>
{{end}}{{end}}</table>
{{range .Runs}}{{range .Targets}}<div class="verdict {{if not .V.Expectations}}unchecked{{else if .V.Pass}}ok{{else}}bad{{end}}">
<h3>{{.V.Target}}: {{.V.Class}} {{mark .V}}</h3>
{{if .V.Story}}<p>{{.V.Story}}</p>{{end}}
{{if .V.Symptoms}}<ul>{{range .V.Symptoms}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .V.Expectations}}<ul>{{range .V.Expectations}}<li>{{.Text}}</li>{{end}}</ul>{{end}}
{{if .V.Recommendation}}<p>{{.V.Recommendation}}</p>{{end}}
</div>
{{end}}{{end}}
<h2>Dashboard</h2>
<figure>{{.Dashboard}}</figure>
<h2>Memory</h2>
<figure>{{.Memory}}</figure>
<h2>Stages</h2>
{{range .Runs}}{{range .Targets}}<h3>{{.V.Target}}</h3>
{{if .V.Kinds}}<table><tr>{{range $i, $h := kheads}}<th{{if not $i}} class="l"{{end}}>{{$h}}</th>{{end}}<th>delivered/s</th></tr>
{{range .V.Kinds}}<tr>{{range $i, $c := kind .}}<td{{if not $i}} class="l"{{end}}>{{$c}}</td>{{end}}<td>{{kindbps .}}</td></tr>
{{end}}</table>
{{end}}<table><tr><th>stage</th><th>offered</th><th>achieved</th><th>requests</th><th>success</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th class="l">status codes</th><th class="l">errors</th></tr>
{{range .T.Stages}}<tr><td>{{inc .Index}}</td><td>{{rate .OfferedRatePerSecond}}/s</td><td>{{printf "%.1f" .AchievedRatePerSecond}}/s{{if .Behind}} (behind){{end}}</td><td>{{comma .Requests}}</td><td>{{pct .SuccessRatio}}</td><td>{{ms .LatencyP50Ms}}</td><td>{{ms .LatencyP95Ms}}</td><td>{{ms .LatencyP99Ms}}</td><td>{{ms .LatencyMaxMs}}</td><td class="l">{{codes .StatusCodes}}</td><td class="l">{{range .Errors}}{{.Error}} ×{{comma .Count}}<br>{{end}}</td></tr>
{{end}}</table>
{{end}}{{end}}
<h2>Downstream</h2>
<table><tr><th class="l">target</th><th>requests</th><th>completed</th><th>errors</th><th>bytes accepted</th><th>goodput ratio</th></tr>
{{range .Runs}}{{range .Targets}}<tr><td class="l">{{.V.Target}}</td><td>{{comma .T.Downstream.Requests}}</td><td>{{comma .T.Downstream.Completed}}</td><td>{{comma .T.Downstream.Errors}}</td><td>{{ubytes .T.Downstream.BytesAccepted}}</td><td>{{.Goodput}}</td></tr>
{{end}}{{end}}</table>
<h2>Targets and environment</h2>
{{range .Runs}}{{$run := .}}<table>
<tr><th class="l">target</th><th class="l">runtime</th><th class="l">command</th><th class="l">exit</th><th>CPU mean</th><th>cgroup peak</th><th>cgroup failcnt</th><th class="l">load started</th></tr>
{{range .Targets}}<tr><td class="l">{{.V.Target}}</td><td class="l">{{.T.Runtime}}</td><td class="l"><code>{{range .T.Command}}{{.}} {{end}}</code></td><td class="l">{{with .T.Exit}}{{if .Signal}}{{.Signal}}{{else if .Code}}code {{.Code}}{{end}}{{if .ByHarness}} (by oomlab){{end}}{{end}}</td><td>{{printf "%.1f%%" .T.CPUPercentMean}}</td><td>{{bytes .T.CgroupPeakBytes}}</td><td>{{icomma .T.CgroupFailCount}}</td><td class="l">{{.T.LoadStartedAt.UTC.Format "2006-01-02 15:04:05 UTC"}}</td></tr>
{{end}}</table>
{{with .Res}}<table>
<tr><th class="l">OS</th><td class="l">{{.Environment.OS}} {{.Environment.Kernel}}</td></tr>
<tr><th class="l">CPUs, memory</th><td class="l">{{.Environment.CPUs}}, {{ubytes .Environment.MemoryBytes}}</td></tr>
<tr><th class="l">Go, Node</th><td class="l">{{.Environment.GoVersion}}, {{if .Environment.NodeVersion}}{{.Environment.NodeVersion}}{{else}}not installed{{end}}</td></tr>
<tr><th class="l">memory limit</th><td class="l">{{$run.LimitMiB}} ({{.LimitMode}}){{if .LimitNote}}: {{.LimitNote}}{{end}}</td></tr>
<tr><th class="l">oomlab</th><td class="l">{{.Harness.Version}}, peak RSS {{bytes .Harness.RSSPeakBytes}}, mean {{bytes .Harness.RSSMeanBytes}}</td></tr>
<tr><th class="l">run</th><td class="l">{{.StartedAt.UTC.Format "2006-01-02 15:04:05 UTC"}} to {{.FinishedAt.UTC.Format "15:04:05 UTC"}}{{if .Partial}}, partial: {{.PartialReason}}{{end}}</td></tr>
</table>{{end}}{{end}}
</body></html>
`

// svgPreamble matches the XML declaration and comment vgsvg writes before
// the <svg> element; inline SVG in HTML starts at the element.
var svgPreamble = regexp.MustCompile(`(?s)^.*?(<svg)`)

// inlineSVG makes an SVG document fit to be placed in HTML.
func inlineSVG(svg []byte) template.HTML {
	return template.HTML(svgPreamble.ReplaceAll(svg, []byte("$1"))) // #nosec: our own renderer's output
}

// gateClass is the CSS class of the gate's headline.
func gateClass(s judge.GateState) string {
	switch s {
	case judge.GatePass:
		return "pass"
	case judge.GateFail:
		return "fail"
	}
	return "nothing"
}

// writeHTML renders report.html from the verdicts and the gate;
// dashboard and memory are the SVG documents to inline.
func writeHTML(w io.Writer, runs []*saved.Run, verdicts [][]judge.Verdict, gate judge.GateStatus, dashboard, memory []byte) error {
	page := htmlPage{Title: scenarioNames(runs), Class: gateClass(gate.State), Gate: gate.Line(), Warnings: gate.Warnings,
		Dashboard: inlineSVG(dashboard), Memory: inlineSVG(memory)}
	for i, r := range runs {
		hr := htmlRun{Dir: r.Dir, Res: r.Results, Line: runLine(r.Results), Notes: r.Notes,
			LimitMiB: format.MiB(float64(r.Results.MemoryLimitBytes) / format.BytesPerMiB)}
		if len(runs) > 1 {
			hr.Label = format.RunLabel(i)
		}
		for j, t := range r.Results.Targets {
			g := "n/a"
			if t.Downstream.GoodputRatio != nil {
				g = format.Percent(*t.Downstream.GoodputRatio)
			}
			hr.Targets = append(hr.Targets, htmlTarget{T: t, V: verdicts[i][j], Goodput: g})
		}
		page.Runs = append(page.Runs, hr)
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("report: rendering html: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
