package live

import (
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/oomlab/oomlab/runner/results"
)

// PlainEvery is how often plain output prints a line per target.
const PlainEvery = 5 * time.Second

// Display shows a run as it happens. Create it with NewTerminal or
// NewPlain, pass it to the runner as a Recorder, write the runner's log
// through Log, and call Close once when the run ends. Its Recorder
// methods never block on the output.
type Display struct {
	st    *state
	out   io.Writer
	errw  io.Writer
	plain bool
	every time.Duration
	tty   bool // redraw even when out is not a terminal (tests)

	// Narrate adds a line of narration at each stage, phase and death
	// (make demo). Set it before RunStarted.
	Narrate bool
	narr    *narrator
	said    chan string // log lines and narration waiting for the drawing goroutine

	mu       sync.Mutex // guards what follows
	progress *mpb.Progress
	bars     map[string]*mpb.Bar
	ended    map[string]bool
	header   bool
	started  bool // the drawing goroutine runs
	closing  bool // Close has begun: write directly
	faulted  bool // drawing panicked: the display is off, write directly

	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

// NewTerminal returns a display that redraws one bar per target in place
// on out, a terminal. Warnings go to errw.
func NewTerminal(out, errw io.Writer) *Display {
	return newDisplay(out, errw, false, 200*time.Millisecond, nil)
}

// NewPlain returns a display for output that is not a terminal (CI logs):
// every PlainEvery a line per running target, under a header printed once.
func NewPlain(out, errw io.Writer) *Display {
	return newDisplay(out, errw, true, PlainEvery, nil)
}

func newDisplay(out, errw io.Writer, plain bool, every time.Duration, now func() time.Time) *Display {
	return &Display{st: newState(now), out: out, errw: errw, plain: plain, every: every,
		bars: map[string]*mpb.Bar{}, ended: map[string]bool{}, stop: make(chan struct{}), said: make(chan string, 256)}
}

// RunStarted lays out the display and starts its drawing goroutine.
func (d *Display) RunStarted(info results.RunInfo) {
	d.st.start(info)
	d.mu.Lock()
	if !d.plain {
		d.progress = mpb.New(mpb.WithOutput(d.out), mpb.WithWidth(100), mpb.WithRefreshRate(250*time.Millisecond),
			mpb.ContainerOptional(mpb.WithAutoRefresh(), d.tty))
		w := d.st.width()
		for _, t := range info.Targets {
			name := t.Name
			// Two lines a target, to fit 80 columns: the RSS bar against the
			// limit and the downstream's phase, then the load's figures.
			d.bars[name] = d.progress.New(max(info.MemoryLimitBytes, 1),
				mpb.BarStyle().Lbound("[").Filler("#").Tip("#").Padding(".").Rbound("]"),
				mpb.BarWidth(24),
				mpb.PrependDecorators(decor.Name(name, decor.WC{W: w + 1, C: decor.DindentRight}), decor.Name("RSS ")),
				mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return " " + d.field(name, d.st.memoryPhase, d.st.peak) })),
				mpb.BarBtmExtender(mpb.BarFillerFunc(func(out io.Writer, _ decor.Statistics) error {
					_, err := fmt.Fprintf(out, "  %s\n", d.field(name, d.st.compact, func(t *target) string { return t.status }))
					return err
				})),
			)
		}
	}
	if d.Narrate {
		d.narr = newNarrator(info)
	}
	d.started = true
	d.mu.Unlock()
	if d.Narrate {
		d.queue(narration(d.narr.start()))
	}
	d.wg.Add(1)
	go d.loop()
}

// emit writes text where the log goes: above the bars on a terminal, else
// out. On a terminal mpb takes it at its next refresh, so only the drawing
// goroutine calls this while bars are up.
func (d *Display) emit(text string) {
	d.mu.Lock()
	pr := d.progress
	d.mu.Unlock()
	if pr != nil {
		if _, err := pr.Write([]byte(text)); err == nil {
			return
		}
	}
	io.WriteString(d.out, text)
}

// queue hands text to the drawing goroutine without waiting; when it is
// that far behind, the text is written at once instead.
func (d *Display) queue(text string) {
	d.mu.Lock()
	direct := d.closing || !d.started || d.faulted
	d.mu.Unlock()
	if direct {
		d.emit(text)
		return
	}
	select {
	case d.said <- text:
	default:
		d.emit(text)
	}
}

// field renders one of a target's texts under the state's lock: running
// while the target runs, done once it has ended. mpb calls it from its own
// goroutine, so a panic is recovered here: the field stays empty.
func (d *Display) field(name string, running, done func(*target) string) (text string) {
	defer d.recoverDrawing()
	d.st.mu.Lock()
	defer d.st.mu.Unlock()
	t := d.st.find(name)
	if t == nil {
		return ""
	}
	if t.done {
		return done(t)
	}
	return running(t)
}

// Sample implements the runner's Recorder.
func (d *Display) Sample(row results.SampleRow) { d.st.sample(row) }

// LoadWindow implements the runner's Recorder.
func (d *Display) LoadWindow(row results.LoadRow) { d.st.window(row) }

// Event implements the runner's Recorder; a warning is written to errw.
func (d *Display) Event(e results.RunEvent) {
	d.st.event(e)
	d.mu.Lock()
	line := ""
	if d.narr != nil {
		line = d.narr.event(e)
	}
	d.mu.Unlock()
	if line != "" {
		d.queue(narration(line))
	}
	if e.Kind == results.EventWarning {
		fmt.Fprintf(d.errw, "warning: %s: %s\n", e.Target, e.Detail)
	}
}

// RunFinished implements the runner's Recorder.
func (d *Display) RunFinished(*results.Results) {}

// loop draws until Close: the bars' values on a terminal, the periodic
// lines in plain mode.
func (d *Display) loop() {
	defer d.wg.Done()
	defer d.recoverDrawing()
	tick := time.NewTicker(d.every)
	defer tick.Stop()
	for {
		select {
		case <-d.stop:
			d.drain()
			return
		case l := <-d.said:
			d.emit(l)
		case <-tick.C:
			if d.plain {
				d.printPlain()
			} else {
				d.updateBars()
			}
		}
	}
}

// drain writes out the lines still queued for the drawing goroutine.
func (d *Display) drain() {
	for {
		select {
		case l := <-d.said:
			d.emit(l)
		default:
			return
		}
	}
}

// recoverDrawing, deferred on the drawing paths, turns a panic into a
// display that stops drawing: the run is not stopped for it (its results do
// not depend on the display), the fault is said once on errw, and log lines
// are written directly from then on.
func (d *Display) recoverDrawing() {
	v := recover()
	if v == nil {
		return
	}
	d.mu.Lock()
	first := !d.faulted
	d.faulted = true
	d.mu.Unlock()
	if first {
		fmt.Fprintf(d.errw, "oomlab: internal error in the live display, which stops drawing (the run goes on, its results are not affected): %v\n%s", v, debug.Stack())
	}
}

// updateBars copies RSS into the bars and ends the bars of finished targets.
func (d *Display) updateBars() {
	type upd struct {
		bar  *mpb.Bar
		rss  int64
		done bool
	}
	var us []upd
	func() { // deferred unlocks: a panic here must not leave a lock held
		d.st.mu.Lock()
		defer d.st.mu.Unlock()
		d.mu.Lock()
		defer d.mu.Unlock()
		for _, t := range d.st.targets {
			if b := d.bars[t.info.Name]; b != nil && !d.ended[t.info.Name] {
				us = append(us, upd{b, min(t.rssBytes, d.st.info.MemoryLimitBytes), t.done})
				d.ended[t.info.Name] = t.done
			}
		}
	}()
	for _, u := range us {
		u.bar.SetCurrent(u.rss)
		if u.done {
			u.bar.Abort(false)
		}
	}
}

// printPlain writes two lines per target whose load runs, within 80
// columns (the terminal's two lines: RSS against the limit and the
// downstream's phase, then the stage and load figures, indented), under a
// header the first time.
func (d *Display) printPlain() {
	d.st.mu.Lock()
	defer d.st.mu.Unlock()
	w := d.st.width()
	var lines []string
	for _, t := range d.st.targets {
		if t.loadStart.IsZero() || t.done {
			continue
		}
		el := d.st.now().Sub(t.loadStart).Seconds()
		lines = append(lines, fmt.Sprintf("%6.1fs  %-*s  %s\n%s%s", el, w, t.info.Name, d.st.memoryPhase(t), plainIndent, d.st.compact(t)))
	}
	if len(lines) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.header {
		d.header = true
		fmt.Fprintf(d.out, "%7s  %-*s  %s\n%s%s\n", "t", w, "target", "RSS / limit, downstream phase", plainIndent,
			"stage, time left; GC/s; ok/offered per s; p95; shed (503, 429)/s; errors/s")
	}
	for _, l := range lines {
		fmt.Fprintln(d.out, l)
	}
}

// plainIndent starts a target's second line in plain mode.
const plainIndent = "    "

// Log returns where the runner's step lines should go: above the bars on
// a terminal, else out. Writes never wait for the screen's refresh: the
// drawing goroutine writes them out in order.
func (d *Display) Log() io.Writer { return logWriter{d} }

type logWriter struct{ d *Display }

func (l logWriter) Write(p []byte) (int, error) {
	l.d.mu.Lock()
	running := l.d.started && !l.d.closing
	l.d.mu.Unlock()
	if !running {
		return l.d.out.Write(p)
	}
	l.d.queue(string(p))
	return len(p), nil
}

// Close stops drawing: the bars show their last state and the terminal is
// left below them. Safe to call more than once, and without RunStarted.
func (d *Display) Close() {
	d.once.Do(func() {
		d.mu.Lock()
		d.closing = true
		d.mu.Unlock()
		close(d.stop)
		d.wg.Wait()
		d.drain() // what a drawing goroutine that panicked left
		d.mu.Lock()
		p, bars := d.progress, d.bars
		d.mu.Unlock()
		if p == nil {
			return
		}
		func() {
			defer d.recoverDrawing()
			d.updateBars()
		}()
		for _, b := range bars {
			b.Abort(false)
		}
		p.Wait()
		d.mu.Lock()
		d.progress = nil
		d.mu.Unlock()
	})
}
