package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/scenarios"
)

type listFlags struct {
	json     bool
	shards   int
	parallel bool
}

func newListCmd() *cobra.Command {
	var f listFlags
	cmd := &cobra.Command{
		Use:   "list [--shards N [FILE|NAME...]]",
		Short: "List the built-in scenarios, one line each, or plan shards of them",
		Long: `List prints the built-in scenarios with how long each is expected to run
(measured; see scenarios.Info.ExpectedSeconds), one after another or with
--parallel as run --parallel does, and each one's setting (its description
up to the colon), within 80 columns; --json has the whole description.

--shards N prints the plan that 'oomlab run --all --shard I/N' follows (or,
given scenario files or names, 'oomlab run FILE... --shard I/N'): which
scenarios each of the N legs runs and its expected seconds. Give list the
same scenarios and --parallel as the legs.

--json prints JSON for a CI config. Without --shards:
  {"schedule": "sequential"|"parallel",
   "scenarios": [{"name", "description", "pattern", "runtimes": [...],
                  "targets", "load_seconds", "expected_seconds"}, ...]}
With --shards N, one entry per leg, meant for a matrix include list:
  {"schedule": "sequential"|"parallel", "expected_seconds": <all legs>,
   "shards": [{"shard": "1/3", "index": 1, "of": 3,
               "scenarios": ["upload-proxy", ...], "args": [...],
               "expected_seconds": 123.4}, ...]}
"shard" is what --shard takes; "args" is what the leg runs (builtin names
or the files as given); a leg with nothing to run has empty lists and 0.
In GitHub Actions:
  matrix:
    include: ${{ fromJSON(needs.plan.outputs.plan).shards }}
  run: oomlab run --all --shard ${{ matrix.shard }} --out leg-${{ matrix.index }}`,
		Example: `  oomlab list
  oomlab list --json
  oomlab list --shards 3 --json --parallel
  oomlab list --shards 2 a.yaml b.yaml c.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && f.shards == 0 {
				return fmt.Errorf("scenarios given (%s): list plans them only with --shards N", strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("shards") {
				return listShards(cmd, args, f)
			}
			return listScenarios(cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.json, "json", false, "print JSON (shape in --help)")
	fl.IntVar(&f.shards, "shards", 0, fmt.Sprintf("plan N legs (1 to %d) for run --shard I/N", maxShards))
	fl.BoolVar(&f.parallel, "parallel", false, "expect every scenario's targets to run at the same time, as run --parallel")
	return cmd
}

// scheduleName says how the expected durations were counted.
func scheduleName(parallel bool) string {
	if parallel {
		return "parallel"
	}
	return "sequential"
}

// seconds is d in seconds to a tenth, for JSON.
func seconds(d time.Duration) float64 { return math.Round(d.Seconds()*10) / 10 }

type listEntry struct {
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	Pattern         string   `json:"pattern"`
	Runtimes        []string `json:"runtimes"`
	Targets         int      `json:"targets"`
	LoadSeconds     float64  `json:"load_seconds"`
	ExpectedSeconds float64  `json:"expected_seconds"`
}

func listScenarios(w io.Writer, f listFlags) error {
	expected := map[string]time.Duration{}
	for _, it := range builtinItems(f.parallel) {
		expected[it.Name] = it.Expected
	}
	infos := scenarios.Builtins()
	if f.json {
		doc := struct {
			Schedule  string      `json:"schedule"`
			Scenarios []listEntry `json:"scenarios"`
		}{Schedule: scheduleName(f.parallel), Scenarios: []listEntry{}}
		for _, in := range infos {
			doc.Scenarios = append(doc.Scenarios, listEntry{Name: in.Name, Description: in.Description, Pattern: in.Pattern,
				Runtimes: nonNil(in.Runtimes), Targets: in.Targets, LoadSeconds: in.LoadSeconds, ExpectedSeconds: seconds(expected[in.Name])})
		}
		return writeJSON(w, doc)
	}
	rows := make([][]string, 0, len(infos))
	for _, in := range infos {
		rows = append(rows, []string{in.Name, strings.Join(in.Runtimes, ","), expected[in.Name].Round(time.Second).String(), setting(in.Description)})
	}
	return writeListTable(w, listColumns, []string{"SCENARIO", "RUNTIMES", "EXPECTED", "SETTING"}, rows)
}

// listColumns is the width `oomlab list` fits: a terminal at 80 columns.
const listColumns = 80

// setting is the part of a scenario's description before its first
// colon: the service and its trouble ("An upload proxy in front of a slow
// downstream"), short enough for a row; the whole description is in
// --json and at the top of `oomlab run`'s output.
func setting(description string) string {
	head, _, _ := strings.Cut(description, ": ")
	return head
}

// writeListTable writes rows under heads within width columns: the
// columns but the last aligned, the last wrapped between words in the
// room left (at least minLastColumn), its further lines under its first.
// Every row has len(heads) cells. Lines carry no trailing spaces.
func writeListTable(w io.Writer, width int, heads []string, rows [][]string) error {
	const gap, minLastColumn = 2, 24
	last := len(heads) - 1
	widths := make([]int, last)
	all := append([][]string{heads}, rows...)
	indent := 0
	for i := range widths {
		for _, r := range all {
			widths[i] = max(widths[i], utf8.RuneCountInString(r[i]))
		}
		indent += widths[i] + gap
	}
	var b strings.Builder
	for _, r := range all {
		for i := range widths {
			b.WriteString(r[i] + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(r[i])+gap))
		}
		for i, line := range wrapWords(r[last], max(width-indent, minLastColumn)) {
			if i > 0 {
				b.WriteString("\n" + strings.Repeat(" ", indent))
			}
			b.WriteString(line)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, trimLineEnds(b.String()))
	return err
}

// wrapWords breaks text between words into lines of at most width
// columns; a word longer than a line keeps a line of its own.
func wrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width:
			lines = append(lines, line)
			line = word
		default:
			line += " " + word
		}
	}
	return append(lines, line)
}

// trimLineEnds drops the spaces at the end of each line of s.
func trimLineEnds(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

type shardEntry struct {
	Shard           string   `json:"shard"`
	Index           int      `json:"index"`
	Of              int      `json:"of"`
	Scenarios       []string `json:"scenarios"`
	Args            []string `json:"args"`
	ExpectedSeconds float64  `json:"expected_seconds"`
}

type shardPlan struct {
	Schedule        string       `json:"schedule"`
	ExpectedSeconds float64      `json:"expected_seconds"`
	Shards          []shardEntry `json:"shards"`
}

// newShardPlan describes planShards(items, n) for list --shards.
func newShardPlan(items []shardItem, n int, parallel bool) shardPlan {
	p := shardPlan{Schedule: scheduleName(parallel), Shards: []shardEntry{}}
	for i, leg := range planShards(items, n) {
		e := shardEntry{Shard: shardSpec{I: i + 1, N: n}.String(), Index: i + 1, Of: n,
			Scenarios: itemNames(leg), Args: []string{}, ExpectedSeconds: seconds(legTotal(leg))}
		for _, it := range leg {
			e.Args = append(e.Args, it.Arg)
		}
		p.ExpectedSeconds += e.ExpectedSeconds
		p.Shards = append(p.Shards, e)
	}
	p.ExpectedSeconds = math.Round(p.ExpectedSeconds*10) / 10
	return p
}

func listShards(cmd *cobra.Command, args []string, f listFlags) error {
	if f.shards < 1 || f.shards > maxShards {
		return usage(cmd, "--shards %d: N must be 1 to %d", f.shards, maxShards)
	}
	items := builtinItems(f.parallel)
	if len(args) > 0 {
		var err error
		if items, err = fileItems(args, f.parallel); err != nil {
			if !scenarios.IsInvalid(err) {
				return usage(cmd, "%w", err)
			}
			return &exitError{code: exitBadInput, err: err}
		}
	}
	plan := newShardPlan(items, f.shards, f.parallel)
	w := cmd.OutOrStdout()
	if f.json {
		return writeJSON(w, plan)
	}
	rows := make([][]string, 0, len(plan.Shards))
	for _, e := range plan.Shards {
		names := strings.Join(e.Scenarios, " ")
		if names == "" {
			names = "(nothing to run)"
		}
		rows = append(rows, []string{e.Shard, time.Duration(e.ExpectedSeconds * float64(time.Second)).Round(time.Second).String(), names})
	}
	return writeListTable(w, listColumns, []string{"SHARD", "EXPECTED", "SCENARIOS"}, rows)
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// nonNil keeps an empty list a list in JSON ([] rather than null).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
