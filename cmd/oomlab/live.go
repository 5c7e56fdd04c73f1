package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/runner/live"
	"github.com/oomlab/oomlab/runner/live/web"
	"github.com/oomlab/oomlab/runner/results"
)

// defaultUIAddr is where --ui serves when no address is given: loopback
// only, so the page is not offered to the network unless asked.
const defaultUIAddr = "127.0.0.1:8080"

// liveView is what watches a run while it goes: the terminal display
// (none with --quiet) and the browser view (with --ui).
type liveView struct {
	log     io.Writer
	rec     []runner.Recorder
	closers []func() // the terminal display
	hub     *web.Hub
	srv     *web.Server
	url     string
}

// newLiveView picks the terminal display: bars redrawn in place when
// stdout is a terminal, plain lines every few seconds when it is not (CI),
// nothing but the end with --quiet.
func newLiveView(stdout, stderr io.Writer, quiet, narrate bool) *liveView {
	v := &liveView{log: io.Discard}
	if quiet {
		return v
	}
	var d *live.Display
	if isTerminal(stdout) {
		d = live.NewTerminal(stdout, stderr)
	} else {
		d = live.NewPlain(stdout, stderr)
	}
	d.Narrate = narrate
	v.log = d.Log()
	v.rec = append(v.rec, d)
	v.closers = append(v.closers, d.Close)
	return v
}

// recorder is every live consumer as one runner.Recorder (nil when none).
func (v *liveView) recorder() runner.Recorder {
	if len(v.rec) == 0 {
		return nil
	}
	return runner.Recorders(v.rec...)
}

// closeDisplay stops the terminal display; safe to call more than once.
func (v *liveView) closeDisplay() {
	for _, c := range v.closers {
		c()
	}
}

// close stops the terminal display and the browser view.
func (v *liveView) close() {
	v.closeDisplay()
	if v.srv != nil {
		v.srv.Close()
	}
}

// serveUI starts the browser view on addr and adds it to the recorders.
func (v *liveView) serveUI(addr string, w io.Writer) error {
	v.hub = web.NewHub()
	v.srv = web.NewServer(v.hub)
	url, err := v.srv.Start(addr)
	if err != nil {
		return fmt.Errorf("--ui: %w", err)
	}
	v.url = url
	v.rec = append(v.rec, v.hub)
	fmt.Fprintf(w, "ui          %s  (live view; Server-Sent Events)\n", url)
	return nil
}

// showVerdicts sends the verdicts of the run to the browsers.
func (v *liveView) showVerdicts(vs []judge.Verdict) {
	if v.hub == nil {
		return
	}
	v.hub.Verdicts(webVerdicts(vs))
}

// linger keeps the browser view up after the run until ctx ends (Ctrl-C),
// so the room can go on looking at it.
func (v *liveView) linger(ctx context.Context, w io.Writer) {
	if v.srv == nil {
		return
	}
	fmt.Fprintf(w, "ui          the run is over; %s stays up until Ctrl-C\n", v.url)
	<-ctx.Done()
}

func webVerdicts(vs []judge.Verdict) []web.Verdict {
	out := make([]web.Verdict, 0, len(vs))
	for _, v := range vs {
		lines := []string{v.Story}
		for _, c := range v.Expectations {
			lines = append(lines, c.Text)
		}
		out = append(out, web.Verdict{Target: v.Target, Class: v.Class, Pass: v.Pass, Lines: lines})
	}
	return out
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// replay feeds a finished run from its folder into hub, as if it were
// happening: the page then shows it the same way as a live one.
// replayInfo is the RunInfo a finished run started with, as the live view
// would have had it. The schedule is the one the run really had
// (results.json's schedule: `run --parallel` makes a sequential scenario
// parallel), the scenario's own only for a run that predates the field.
func replayInfo(res *results.Results) results.RunInfo {
	info := results.RunInfo{Scenario: res.Scenario, MemoryLimitBytes: res.MemoryLimitBytes, LimitMode: res.LimitMode,
		StartedAt: res.StartedAt, Stages: res.Stages, Phases: res.Phases}
	switch {
	case res.Schedule != "":
		info.Parallel = res.Schedule == results.ScheduleParallel
	case res.ScenarioSpec != nil:
		info.Parallel = res.ScenarioSpec.Parallel
	}
	for _, t := range res.Targets {
		info.Targets = append(info.Targets, results.TargetInfo{Name: t.Name, Role: t.Role, Runtime: t.Runtime})
	}
	return info
}

func replay(hub *web.Hub, run *saved.Run, verdicts []judge.Verdict) error {
	res := run.Results
	hub.RunStarted(replayInfo(res))
	for _, f := range []struct {
		name string
		read func(io.Reader) error
	}{
		{results.SamplesFile, func(r io.Reader) error {
			return results.ReadSamples(r, func(row results.SampleRow) error { hub.Sample(row); return nil })
		}},
		{results.LoadFile, func(r io.Reader) error {
			return results.ReadLoad(r, func(row results.LoadRow) error { hub.LoadWindow(row); return nil })
		}},
	} {
		fh, err := os.Open(filepath.Join(run.Dir, f.name))
		if err != nil {
			continue // a partial run may lack it; the report has said so
		}
		err = f.read(fh)
		fh.Close()
		if err != nil && !res.Partial {
			return fmt.Errorf("--serve: %s: %w", f.name, err)
		}
	}
	for _, t := range res.Targets {
		if len(t.Events) == 0 && t.OOMAtSeconds != nil {
			// An older run records only the first death, in the outcome.
			mech := ""
			if t.OOMMechanism != nil {
				mech = *t.OOMMechanism
			}
			hub.Event(results.RunEvent{Kind: results.EventDeath, Target: t.Name, AtSeconds: *t.OOMAtSeconds, Outcome: t.Outcome,
				Mechanism: mech, Detail: t.OutcomeDetail})
		}
		for _, ev := range t.Events {
			hub.Event(results.RunEvent{Kind: results.EventDeath, Target: t.Name, AtSeconds: ev.AtSeconds, Outcome: ev.Outcome,
				Mechanism: ev.Mechanism, Detail: ev.Detail})
		}
		hub.Event(results.RunEvent{Kind: results.EventTargetDone, Target: t.Name, AtSeconds: t.DurationSeconds, Outcome: t.Outcome})
	}
	hub.RunFinished(res)
	hub.Verdicts(webVerdicts(verdicts))
	return nil
}

// serveFinished shows a saved run and its verdicts (judged by the
// caller) in the browser until ctx ends.
func serveFinished(ctx context.Context, w io.Writer, run *saved.Run, verdicts []judge.Verdict, addr string) error {
	hub := web.NewHub()
	if err := replay(hub, run, verdicts); err != nil {
		return err
	}
	srv := web.NewServer(hub)
	url, err := srv.Start(addr)
	if err != nil {
		return fmt.Errorf("--serve: %w", err)
	}
	defer srv.Close()
	fmt.Fprintf(w, "ui          %s  (the run in %s; Ctrl-C to stop)\n", url, run.Dir)
	<-ctx.Done()
	return nil
}
