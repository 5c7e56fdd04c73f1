package live

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/oomlab/oomlab/runner/results"
)

// openPTY opens a pseudo-terminal of cols columns: the side a program
// writes to (its terminal) and the side that reads what it drew.
func openPTY(t *testing.T, cols uint16) (term, screen *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pseudo-terminal number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: cols}); err != nil {
		t.Fatalf("set the pseudo-terminal to %d columns: %v", cols, err)
	}
	return s, m
}

// csi matches a terminal control sequence (cursor movement, erase,
// colour): what mpb draws with, not text.
var csi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// TestNarrationInPTY draws a run with narration into an 80-column
// pseudo-terminal, as a workshop's projector shows it, and reads the
// screen back: every narrated line is whole and within 80 columns, and
// no line that reached the terminal is wider.
func TestNarrationInPTY(t *testing.T) {
	term, screen := openPTY(t, 80)
	got := make(chan []byte, 1)
	go func() {
		var b bytes.Buffer
		io.Copy(&b, screen) // until the terminal side closes (EIO)
		got <- b.Bytes()
	}()
	var errw bytes.Buffer
	clock, _, now := fakeClock()
	d := newDisplay(term, &errw, false, 10*time.Millisecond, now)
	d.Narrate = true
	in := info()
	in.Targets[0].Role, in.Targets[1].Role = "naive", "aware"
	in.Phases[0].LatencySeconds, in.Phases[0].Capacity = 2, 32
	d.RunStarted(in)
	for _, n := range []string{"upload-naive", "upload-aware"} {
		d.Event(results.RunEvent{Kind: results.EventStage, Target: n, Stage: 0})
		d.Event(results.RunEvent{Kind: results.EventPhase, Target: n, Phase: "slow"})
	}
	clock.Add(int64(5 * time.Second))
	d.Event(results.RunEvent{Kind: results.EventStage, Target: "upload-naive", Stage: 1})
	d.Event(results.RunEvent{Kind: results.EventDeath, Target: "upload-naive", AtSeconds: 21.9, Outcome: "oom-killed"})
	d.Close()
	term.Close()
	var raw []byte
	select {
	case raw = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the pseudo-terminal's screen side did not end after the terminal side closed")
	}
	text := csi.ReplaceAllString(string(raw), "")
	var lines []string
	for _, l := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
		lines = append(lines, l)
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("a line of %d columns reached the 80-column terminal: %q", n, l)
		}
	}
	screenText := strings.Join(lines, "\n")
	for _, want := range []string{
		">> watch: upload-naive (naive) and upload-aware (aware) get the same load, side\n   by side, on one clock",
		">> upload-naive: oom-killed at 21.9 s — the crash this lab reproduces; still up\n   under the same load: upload-aware",
	} {
		if !strings.Contains(screenText, want) {
			t.Errorf("the screen lacks\n%s\n--- screen:\n%s", want, screenText)
		}
	}
}
