package report

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
)

// mixRun is the synthetic upload-proxy run with two request kinds.
func mixRun() (*saved.Run, []judge.Verdict) {
	run := savedtest.UploadMix().Run()
	run.Dir = "run"
	return run, judge.Judge(run)
}

// TestKindsEveryOutput renders a run with two request kinds in the
// terminal, summary.md, JUnit and report.html: each shows both kinds'
// figures, and the terminal stays within 80 columns.
func TestKindsEveryOutput(t *testing.T) {
	run, vs := mixRun()
	gate := judge.GateOf(vs)
	runs, all := []*saved.Run{run}, [][]judge.Verdict{vs}
	t.Run("terminal", func(t *testing.T) {
		var b bytes.Buffer
		Terminal(&b, run, vs, gate)
		out := b.String()
		start := strings.Index(out, "by request kind:")
		if start < 0 {
			t.Fatalf("no per-kind block:\n%s", out)
		}
		// The per-kind blocks fit a terminal (the verdict paragraphs
		// below wrap as prose does).
		blocks := out[strings.LastIndex(out[:start], "\n\n"):strings.Index(out, "\nupload-naive: ")]
		for _, line := range strings.Split(blocks, "\n") {
			if n := utf8.RuneCountInString(line); n > 80 {
				t.Errorf("line of %d columns; want ≤ 80: %q", n, line)
			}
		}
		savedtest.Golden(t, ".txt", b.Bytes())
	})
	t.Run("summary", func(t *testing.T) {
		var b bytes.Buffer
		if err := writeMarkdown(&b, runs, all, gate); err != nil {
			t.Fatal(err)
		}
		savedtest.Golden(t, ".md", b.Bytes())
	})
	t.Run("junit", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteJUnit(&b, runs, all, gate); err != nil {
			t.Fatal(err)
		}
		var doc junitSuites
		if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatalf("JUnit output does not parse: %v", err)
		}
		savedtest.Golden(t, ".xml", b.Bytes())
	})
	t.Run("html", func(t *testing.T) {
		var b bytes.Buffer
		if err := writeHTML(&b, runs, all, gate, []byte(`<svg id="dashboard"></svg>`), []byte(`<svg id="memory"></svg>`)); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`<td class="l">upload</td>`, `<td class="l">status</td>`, `<th>delivered/s</th>`} {
			if c := strings.Count(b.String(), want); c != 2 {
				t.Errorf("report.html has %q %d times; want it once in each target's per-kind table", want, c)
			}
		}
		savedtest.Golden(t, ".html", b.Bytes())
	})
	for _, v := range vs {
		if len(v.Kinds) != 2 || v.Kinds[0].Name != "upload" || v.Kinds[1].Name != "status" {
			t.Errorf("%s: kinds %+v; want upload and status", v.Target, v.Kinds)
		}
	}
}

// A run whose one kind is the "default" of a single request renders as a
// run without kinds: no per-kind block repeating the target's figures.
func TestDefaultKindHidden(t *testing.T) {
	run := savedtest.Upload(t)
	var plain bytes.Buffer
	Terminal(&plain, run, judge.Judge(run), judge.GateOf(judge.Judge(run)))
	for i := range run.Results.Targets {
		tg := &run.Results.Targets[i]
		var req, ok uint64
		for _, st := range tg.Stages {
			req, ok = req+st.Requests, ok+st.Successes
		}
		tg.Kinds = append(tg.Kinds, results.KindFigures{Name: "default", Requests: req, Successes: ok})
	}
	var b bytes.Buffer
	Terminal(&b, run, judge.Judge(run), judge.GateOf(judge.Judge(run)))
	if b.String() != plain.String() {
		t.Errorf("a run with one kind %q renders differently:\n%s\nwant:\n%s", "default", b.String(), plain.String())
	}
}

// The kinds survive results.json: a mix written to a folder and loaded
// again judges to the same per-kind figures and checks.
func TestKindsSaved(t *testing.T) {
	dir := t.TempDir()
	if err := savedtest.UploadMix().WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	run, err := saved.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, want := mixRun()
	got := judge.Judge(run)
	for i := range want {
		if !reflect.DeepEqual(got[i].Kinds, want[i].Kinds) || !reflect.DeepEqual(got[i].Expectations, want[i].Expectations) {
			t.Errorf("%s loaded: kinds %+v, checks %+v; want %+v, %+v", got[i].Target, got[i].Kinds, got[i].Expectations, want[i].Kinds, want[i].Expectations)
		}
	}
}

// A kind that sent nothing shows dashes, never a 0% or 0 ms that reads
// as a measurement.
func TestKindCells(t *testing.T) {
	tests := []struct {
		name string
		kind judge.Kind
		want string
	}{
		{"measured", judge.Kind{Name: "export", Requests: 40, RatePerSecond: 2, SuccessRatio: 0.9, ShedRatio: 0.05, ErrorRatio: 0.05,
			P50Ms: 900, P95Ms: 12_400, P99Ms: 15_000, BytesIn: 36 << 20, DownloadBytesPerSecond: 512 << 10},
			"export|2.0/s|90%|5%|5%|900 ms|12.4 s|15.0 s|36 MiB"},
		{"no latency", judge.Kind{Name: "search", Requests: 10, RatePerSecond: 0.5, ErrorRatio: 1},
			"search|0.5/s|0%|0%|100%|-|-|-|0 B"},
		{"sent nothing", judge.Kind{Name: "upload"}, "upload|0.0/s|-|-|-|-|-|-|-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(kindCells(tt.kind), "|"); got != tt.want {
				t.Errorf("kindCells(%+v) = %s; want %s", tt.kind, got, tt.want)
			}
		})
	}
}
