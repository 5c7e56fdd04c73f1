package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
)

// LegsFile is the Markdown table of where each merged run was made.
const LegsFile = "legs.md"

// Leg is where and how one run of a merge was made: the folder it was
// given in (a CI matrix leg's download), the machine, the kernel, how its
// memory limit was enforced and placed, how its targets were scheduled,
// its shard and the oomlab that made it.
type Leg struct {
	// Input is the folder given to merge that held the run; Run the
	// run's folder in the merged output, relative to it.
	Input, Run string
	Scenario   string
	Hostname   string
	Kernel     string
	// LimitMode is "cgroup-v1", "cgroup-v2" or "watchdog"; LimitNote
	// says where the limit was placed, or why a watchdog stood in.
	LimitMode, LimitNote string
	// Schedule is results.ScheduleParallel or ScheduleSequential, ""
	// when not recorded (older runs); Shard "I/N" or "".
	Schedule, Shard string
	// Version is the oomlab version that made the run.
	Version string
}

// LegOf describes the run res, given in the folder input and merged into
// the folder run.
func LegOf(input, run string, res *results.Results) Leg {
	return Leg{Input: input, Run: run, Scenario: res.Scenario, Hostname: res.Environment.Hostname,
		Kernel: res.Environment.Kernel, LimitMode: res.LimitMode, LimitNote: res.LimitNote,
		Schedule: res.Schedule, Shard: res.Shard, Version: res.Harness.Version}
}

// Watchdog reports whether the leg's limit was oomlab's watchdog, not
// the kernel's: its targets were judged under a limit that kills later
// and by another rule, and every table says so beside the leg.
func (l Leg) Watchdog() bool { return l.LimitMode == results.MechanismWatchdog }

// WatchdogMark is written beside a run judged under the watchdog.
const WatchdogMark = "⚠ judged under oomlab's watchdog, not a kernel memory limit"

// WriteLegsMarkdown writes legs.md: one row per run, in the order
// given: its folder, the leg it came from, machine, kernel, limit
// (mode, then where it was placed), schedule, shard and oomlab
// version; a run judged under the watchdog is marked (WatchdogMark).
func WriteLegsMarkdown(w io.Writer, legs []Leg) error {
	var b strings.Builder
	b.WriteString("## oomlab: legs\n\n")
	b.WriteString("| run | scenario | leg | machine | kernel | limit | schedule | shard | oomlab |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return format.MarkdownText(s)
	}
	for _, l := range legs {
		limit := dash(l.LimitMode)
		if l.Watchdog() {
			limit = "**" + limit + "** " + WatchdogMark
		}
		if note := strings.TrimPrefix(l.LimitNote, l.LimitMode+": "); note != "" {
			limit += ": " + format.MarkdownText(note)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", dash(l.Run), dash(l.Scenario), dash(l.Input),
			dash(l.Hostname), dash(l.Kernel), limit, dash(l.Schedule), dash(l.Shard), dash(l.Version))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// watchdogMark is written beside a catalog row's outcome when its run
// was judged under the watchdog: " (watchdog ⚠)", "" otherwise.
func watchdogMark(res *results.Results) string {
	if res.LimitMode == results.MechanismWatchdog {
		return " (watchdog ⚠)"
	}
	return ""
}
