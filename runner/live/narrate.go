package live

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/oomlab/oomlab/runner/results"
)

// narrator turns a run's events into one line of narration each, for a
// room watching the demo: what is happening now and what to look at. It
// speaks once per stage and phase (the first target to reach one), and at
// every death. Not safe for concurrent use: the Display calls it under
// its lock.
type narrator struct {
	info   results.RunInfo
	stages map[int]bool
	phases map[string]bool
	dead   map[string]bool
}

func newNarrator(info results.RunInfo) *narrator {
	return &narrator{info: info, stages: map[int]bool{}, phases: map[string]bool{}, dead: map[string]bool{}}
}

// byRole lists the targets of a role ("naive", "aware"), or all others.
func (n *narrator) byRole(role string) string {
	var names []string
	for _, t := range n.info.Targets {
		if t.Role == role {
			names = append(names, t.Name)
		}
	}
	return strings.Join(names, " and ")
}

// start is the opening line.
func (n *narrator) start() string {
	naive, aware := n.byRole("naive"), n.byRole("aware")
	limit := mibText(n.info.MemoryLimitBytes)
	if naive == "" || aware == "" {
		return fmt.Sprintf("watch: each bar is a target's RSS against its %s limit", limit)
	}
	how := "one after another"
	if n.info.Parallel {
		how = "side by side, on one clock"
	}
	return fmt.Sprintf("watch: %s (naive) and %s (aware) get the same load, %s; each bar is RSS against the %s limit", naive, aware, how, limit)
}

// event returns the narration for e, or "".
func (n *narrator) event(e results.RunEvent) string {
	naive, aware := n.byRole("naive"), n.byRole("aware")
	switch e.Kind {
	case results.EventStage:
		if n.stages[e.Stage] || e.Stage >= len(n.info.Stages) {
			return ""
		}
		n.stages[e.Stage] = true
		rate := n.info.Stages[e.Stage].RatePerSecond
		head := fmt.Sprintf("stage %d/%d, %.0f requests/s: ", e.Stage+1, len(n.info.Stages), rate)
		switch {
		case naive == "" || aware == "":
			return head + "watch RSS against the limit"
		case e.Stage == 0:
			return head + fmt.Sprintf("the downstream is slow, so work queues up: %s holds every waiting body in memory, %s admits only what it can forward and sheds the rest (shed/s)", naive, aware)
		case e.Stage == len(n.info.Stages)-1:
			return head + "the last and heaviest stage: whatever is still alive here has a bound"
		default:
			return head + fmt.Sprintf("more load, same downstream: %s's bar fills faster, %s's stays where it was", naive, aware)
		}
	case results.EventPhase:
		if n.phases[e.Phase] {
			return ""
		}
		n.phases[e.Phase] = true
		for _, p := range n.info.Phases {
			if p.Name == e.Phase {
				return fmt.Sprintf("downstream %q: %s", p.Name, phaseText(p))
			}
		}
	case results.EventDeath:
		if e.Outcome == "" {
			return ""
		}
		n.dead[e.Target] = true
		var alive []string
		for _, t := range n.info.Targets {
			if !n.dead[t.Name] {
				alive = append(alive, t.Name)
			}
		}
		line := fmt.Sprintf("%s: %s at %.1f s — the crash this lab reproduces", e.Target, e.Outcome, e.AtSeconds)
		if len(alive) > 0 {
			line += "; still up under the same load: " + strings.Join(alive, ", ")
		}
		return line
	}
	return ""
}

// phaseText says what a downstream phase does, in words.
func phaseText(p results.PhaseSpan) string {
	var parts []string
	if p.LatencySeconds > 0 {
		parts = append(parts, fmt.Sprintf("%.3g s before it answers", p.LatencySeconds))
	}
	if p.ReadBandwidthBytesPerSecond > 0 {
		parts = append(parts, fmt.Sprintf("reads %s/s per request", mibText(p.ReadBandwidthBytesPerSecond)))
	}
	if p.Capacity > 0 {
		parts = append(parts, fmt.Sprintf("serves %d at once", p.Capacity))
	}
	if p.ErrorRate > 0 {
		parts = append(parts, fmt.Sprintf("fails %.0f%%", p.ErrorRate*100))
	}
	if p.Stall {
		parts = append(parts, "stalls")
	}
	if len(parts) == 0 {
		return "healthy"
	}
	return strings.Join(parts, ", ")
}

// narrationColumns is the width narration is wrapped to: a workshop's
// terminal at 80 columns reads each line whole.
const narrationColumns = 80

// narration is a line of narration as printed: after ">> ", wrapped
// between words to narrationColumns with the further lines indented
// under the first word, and ending in a newline. A word longer than a
// line keeps a line of its own rather than being cut.
func narration(text string) string {
	const first, hanging = ">> ", "   "
	var b strings.Builder
	b.WriteString(first)
	col, start := len(first), true
	for _, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		if !start && col+1+n > narrationColumns {
			b.WriteString("\n" + hanging)
			col, start = len(hanging), true
		}
		if !start {
			b.WriteString(" ")
			col++
		}
		b.WriteString(word)
		col += n
		start = false
	}
	return b.String() + "\n"
}
