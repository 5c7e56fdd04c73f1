package main

import (
	"io"
	"os"

	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/runner/live"
)

// liveView is what watches a run while it goes: the terminal display
// (none with --quiet) and the browser view (with --ui).
type liveView struct {
	log     io.Writer
	rec     []runner.Recorder
	closers []func()
}

// newLiveView picks the terminal display: bars redrawn in place when
// stdout is a terminal, plain lines every few seconds when it is not (CI),
// nothing but the end with --quiet.
func newLiveView(stdout, stderr io.Writer, quiet bool) *liveView {
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

// close stops every consumer; safe to call more than once.
func (v *liveView) close() {
	for _, c := range v.closers {
		c()
	}
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
