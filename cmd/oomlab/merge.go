package main

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// Bounds on what a merge reads and copies: the inputs are folders
// downloaded from CI legs, and may be anything.
const (
	// maxMergeRuns bounds the run folders one merge takes.
	maxMergeRuns = 1024
	// maxMergeEntries bounds the entries read from one folder (an
	// input, a run folder or a folder inside one).
	maxMergeEntries = 10_000
	// maxMergeDepth bounds how deep a run folder's subfolders
	// (evidence/) are copied.
	maxMergeDepth = 3
	// defaultMergeBytes bounds the bytes one merge copies: far above a
	// catalog run repeated ten times (a run folder is a few MiB).
	defaultMergeBytes = 8 << 30
	// maxResultsBytes bounds a results.json read to identify a run, as
	// report/saved bounds it when loading.
	maxResultsBytes = 16 << 20
)

// mergeOptions tunes mergeRuns.
type mergeOptions struct {
	// junit, when set, is where the JUnit XML of every verdict goes.
	junit string
	// allowMismatch merges runs of one scenario made under other
	// conditions (memory limit, limit mode, request shape), with a
	// warning on every output, instead of refusing them.
	allowMismatch bool
	// maxBytes bounds the bytes copied; 0 means defaultMergeBytes.
	maxBytes int64
}

func newMergeCmd() *cobra.Command {
	var o mergeOptions
	var out string
	cmd := &cobra.Command{
		Use:   "merge DIR... --out DIR",
		Short: "Join run folders from several machines (CI matrix legs, repeats) into one catalog, report and verdict",
		Long: `Merge joins run folders made apart — the legs of a sharded catalog run on a
CI matrix, repeats of a scenario — into one folder: each run is copied to
OUT/<scenario>/ (OUT/<scenario>-rNN/ when a scenario ran several times: its
repeats, numbered by start time), then one catalog.md, summary.md,
report.html, verdicts.json and legs.md (each run's machine, kernel, limit
and where it was placed, schedule, shard and oomlab version) are written,
and spread.md when a scenario has several runs: per target and gated
figure its min, median and max, how many runs passed, and the last stage's
p95 merged from the runs' t-digests. The exit status is the one gate of
every verdict.

Each DIR is a run's folder (it holds results.json) or a folder of runs one
level down (run --all, a merge). Symbolic links are never followed: a
linked DIR, or a link inside one, is refused. Refused with exit 2, naming
both folders: the same run given twice (a copied folder), runs made by
different oomlab versions, and runs of one scenario made under other
conditions (memory limit, limit mode, request shape) unless
--allow-mismatch. OUT may already hold run folders only when it is given
as a DIR too: its runs are then merged in place.`,
		Example: `  oomlab merge leg-1 leg-2 leg-3 --out merged --junit merged/junit.xml
  oomlab merge repeats-a repeats-b --out all-repeats`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: dirsOnly,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usage(cmd, "--out is required")
			}
			return cancellable(cmd.Context(), func() error { return mergeRuns(cmd, args, out, o) })
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "the merged folder (required)")
	cmd.Flags().StringVar(&o.junit, "junit", "", "also write every verdict as a JUnit XML report to this file")
	_ = cmd.RegisterFlagCompletionFunc("out", dirsOnly)
	cmd.Flags().BoolVar(&o.allowMismatch, "allow-mismatch", false, "merge runs of one scenario made under another memory limit, limit mode or request shape (with a warning) instead of refusing them")
	return cmd
}

// mergeRun is one run folder found in an input.
type mergeRun struct {
	input string // the folder given
	dir   string // the run's folder
	run   *saved.Run
	// id names the run apart: its run_id, or for an older run without
	// one "sha256:" and the digest of its results.json.
	id string
	// name is the run's folder in the merged output.
	name string
	// inPlace: the run's folder is already in the output folder; it is
	// renamed there (when its name changes), not copied.
	inPlace bool
	files   []runFile
}

// runFile is one regular file of a run folder, relative to it.
type runFile struct {
	rel  string
	size int64
}

// refused is a merge refused for its input: exit 2.
func refused(format string, args ...any) error {
	return &exitError{code: exitBadInput, err: fmt.Errorf("merge: "+format, args...)}
}

// mergeRuns merges the run folders found in inputs (run folders, or
// folders of runs one level down) into out: it validates every run before
// touching out, copies each into out/<scenario>/ or out/<scenario>-rNN/
// (a run folder already in out is renamed there, not copied: run
// --repeat merges in place with out among the inputs), writes catalog.md,
// summary.md, report.html, verdicts.json, legs.md, spread.md (when a
// scenario has several runs) and o.junit, prints the catalog and the
// spread, and returns the gate of every verdict (exitFor). Refused input
// is an exitError with exitBadInput, naming the folders.
func mergeRuns(cmd *cobra.Command, inputs []string, out string, o mergeOptions) error {
	w := cmd.OutOrStdout()
	runs, err := findMergeRuns(inputs, out)
	if err != nil {
		return err
	}
	if err := loadMergeRuns(runs, cmp.Or(o.maxBytes, defaultMergeBytes)); err != nil {
		return err
	}
	slices.SortFunc(runs, func(a, b *mergeRun) int {
		ra, rb := a.run.Results, b.run.Results
		return cmp.Or(strings.Compare(ra.Scenario, rb.Scenario), ra.StartedAt.Compare(rb.StartedAt), strings.Compare(a.id, b.id))
	})
	if err := checkSameRun(runs); err != nil {
		return err
	}
	if err := checkVersions(runs); err != nil {
		return err
	}
	saveds := make([]*saved.Run, len(runs))
	for i, r := range runs {
		saveds[i] = r.run
	}
	verdicts := judge.Runs(saveds)
	warnings, err := checkConditions(runs, verdicts, o.allowMismatch)
	if err != nil {
		return err
	}
	nameMergeRuns(runs)
	if err := placeMergeRuns(runs, out); err != nil {
		return err
	}
	legs := make([]report.Leg, len(runs))
	for i, r := range runs {
		r.run.Dir = filepath.Join(out, r.name)
		legs[i] = report.LegOf(r.input, r.name, r.run.Results)
	}
	var all []judge.Verdict
	for _, vs := range verdicts {
		all = append(all, vs...)
	}
	gate := judge.GateOf(all).WithWarnings(warnings...)
	return writeMerged(w, out, saveds, verdicts, legs, gate, o)
}

// writeMerged writes and prints the merged folder's outputs, then
// returns the gate's exit.
func writeMerged(w io.Writer, out string, runs []*saved.Run, verdicts [][]judge.Verdict, legs []report.Leg,
	gate judge.GateStatus, o mergeOptions) error {
	files, err := report.WriteAll(runs, verdicts, gate, out)
	if err != nil {
		return err
	}
	var legsMD, catalog, spread bytes.Buffer
	if err := report.WriteLegsMarkdown(&legsMD, legs); err != nil {
		return err
	}
	if err := report.WriteCatalog(&catalog, runs, verdicts, gate); err != nil {
		return err
	}
	catalog.WriteString("\n")
	catalog.Write(legsMD.Bytes())
	rows := judge.Spread(runs, verdicts)
	several := judge.Several(rows)
	if several {
		if err := report.WriteSpreadMarkdown(&spread, severalRuns(rows)); err != nil {
			return err
		}
	}
	summary, err := os.ReadFile(filepath.Join(out, report.MarkdownFile))
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	summary = append(append(summary, '\n'), legsMD.Bytes()...)
	if several {
		summary = append(append(summary, '\n'), spread.Bytes()...)
	}
	d, err := results.OpenOutDir(out)
	if err != nil {
		return err
	}
	defer d.Close()
	writes := []struct {
		name string
		data []byte
	}{{report.MarkdownFile, summary}, {report.CatalogFile, catalog.Bytes()}, {report.LegsFile, legsMD.Bytes()}}
	if several {
		writes = append(writes, struct {
			name string
			data []byte
		}{report.SpreadFile, spread.Bytes()})
	}
	for _, f := range writes {
		if err := d.WriteFile(f.name, f.data); err != nil {
			return err
		}
		if !slices.Contains(files.Paths, d.Join(f.name)) {
			files.Paths = append(files.Paths, d.Join(f.name))
		}
	}
	if o.junit != "" {
		var b bytes.Buffer
		if err := report.WriteJUnit(&b, runs, verdicts, gate); err != nil {
			return err
		}
		if err := writeUserFile(o.junit, b.Bytes()); err != nil {
			return fmt.Errorf("--junit: %w", err)
		}
		files.Paths = append(files.Paths, o.junit)
	}
	fmt.Fprintf(w, "== catalog\n%s\n", catalog.Bytes())
	if several {
		fmt.Fprintln(w, "== spread")
		report.WriteSpread(w, severalRuns(rows))
		fmt.Fprintln(w)
	}
	for _, p := range files.Paths {
		fmt.Fprintf(w, "output   %s\n", p)
	}
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
		if err := appendBytes(p, summary); err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		var all []judge.Verdict
		for _, vs := range verdicts {
			all = append(all, vs...)
		}
		if err := report.GitHubAnnotations(w, "oomlab merge", all, gate); err != nil {
			return err
		}
	}
	return exitFor(gate, false)
}

// severalRuns keeps the rows of targets run more than once.
func severalRuns(rows []judge.SpreadRow) []judge.SpreadRow {
	var out []judge.SpreadRow
	for _, r := range rows {
		if r.Runs > 1 {
			out = append(out, r)
		}
	}
	return out
}

// lstatMode returns the mode of path itself, a link not followed.
func lstatMode(path string) (fs.FileMode, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return 0, err
	}
	return fi.Mode(), nil
}

// findMergeRuns finds the run folders of every input, never following a
// symbolic link: an input that is one, or holds one among its entries,
// is refused. An input with no run folder is refused. Run folders of
// out that are not among them are refused: out holds only what this
// merge wrote.
func findMergeRuns(inputs []string, out string) ([]*mergeRun, error) {
	var runs []*mergeRun
	seen := map[string]string{} // cleaned run folder → input
	absOut, _ := filepath.Abs(out)
	for _, in := range inputs {
		dirs, err := runFoldersOf(in)
		if err != nil {
			return nil, err
		}
		for _, d := range dirs {
			abs, _ := filepath.Abs(d)
			if prev, ok := seen[abs]; ok {
				return nil, refused("the same run given twice: %s (in %s and %s)", d, prev, in)
			}
			seen[abs] = in
			if len(runs) >= maxMergeRuns {
				return nil, refused("more than %d run folders given; merge at most %d at once", maxMergeRuns, maxMergeRuns)
			}
			runs = append(runs, &mergeRun{input: in, dir: d, inPlace: filepath.Dir(abs) == absOut})
		}
	}
	mode, err := lstatMode(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return runs, nil
	case err != nil:
		return nil, refused("--out %s: %w", out, err)
	case mode&fs.ModeSymlink != 0:
		return nil, refused("--out %s is a symbolic link: give the folder it points to", out)
	case !mode.IsDir():
		return nil, refused("--out %s is not a folder", out)
	}
	if _, err := os.Lstat(filepath.Join(out, results.ResultsFile)); err == nil {
		return nil, refused("--out %s is a run's folder (it holds %s): give a new folder, or a folder of runs", out, results.ResultsFile)
	}
	theirs, err := runFoldersOf(out)
	if err != nil && !isNoRunFolder(err) {
		return nil, err
	}
	for _, d := range theirs {
		abs, _ := filepath.Abs(d)
		if _, ok := seen[abs]; !ok {
			return nil, refused("--out %s already holds the run folder %s, not given to merge: give %s as an input too to merge into it, or choose a new folder", out, d, out)
		}
	}
	return runs, nil
}

// noRunFolderError is an input that holds no run folder.
type noRunFolderError struct{ in string }

func (e *noRunFolderError) Error() string {
	return fmt.Sprintf("merge: %s holds no run folder (no %s in it or in a folder one level down)", e.in, results.ResultsFile)
}

func isNoRunFolder(err error) bool {
	var e *noRunFolderError
	return errors.As(err, &e)
}

// runFoldersOf returns in itself when it is a run's folder (it holds
// results.json), else its subfolders that are, in name order. A symbolic
// link given, or met among in's entries or a run folder's
// results.json, is refused: a merge never follows one.
func runFoldersOf(in string) ([]string, error) {
	mode, err := lstatMode(in)
	if err != nil {
		return nil, refused("%w", err)
	}
	if mode&fs.ModeSymlink != 0 {
		return nil, refused("%s is a symbolic link: a merge never follows one; give the folder it points to", in)
	}
	if !mode.IsDir() {
		return nil, refused("%s is not a folder: give a run's folder or a folder of runs", in)
	}
	if ok, err := isRunFolder(in); err != nil || ok {
		if ok {
			return []string{in}, nil
		}
		return nil, err
	}
	entries, err := readDirBounded(in)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, e := range entries {
		p := filepath.Join(in, e.Name())
		if e.Type()&fs.ModeSymlink != 0 {
			return nil, refused("%s is a symbolic link: a merge never follows one; replace it with the folder it points to", p)
		}
		if !e.IsDir() {
			continue
		}
		ok, err := isRunFolder(p)
		if err != nil {
			return nil, err
		}
		if ok {
			dirs = append(dirs, p)
		}
	}
	if len(dirs) == 0 {
		return nil, &exitError{code: exitBadInput, err: &noRunFolderError{in: in}}
	}
	return dirs, nil
}

// isRunFolder reports whether dir holds results.json; a results.json
// that is a symbolic link is refused.
func isRunFolder(dir string) (bool, error) {
	p := filepath.Join(dir, results.ResultsFile)
	mode, err := lstatMode(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, refused("%w", err)
	case mode&fs.ModeSymlink != 0:
		return false, refused("%s is a symbolic link: a merge never follows one", p)
	}
	return true, nil
}

// readDirBounded reads at most maxMergeEntries entries of dir, sorted by
// name; more is refused.
func readDirBounded(dir string) ([]fs.DirEntry, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, refused("%w", err)
	}
	defer f.Close()
	entries, err := f.ReadDir(maxMergeEntries + 1)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, refused("reading %s: %w", dir, err)
	}
	if len(entries) > maxMergeEntries {
		return nil, refused("%s holds more than %d entries; a run folder holds a few dozen", dir, maxMergeEntries)
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// loadMergeRuns loads and checks every run (saved.Load's bounds: a
// results.json of at most 16 MiB and 256 targets), identifies it, and
// lists the files to copy: regular files and folders only, at most
// maxBytes in all.
func loadMergeRuns(runs []*mergeRun, maxBytes int64) error {
	var total int64
	for _, r := range runs {
		file := filepath.Join(r.dir, results.ResultsFile)
		run, err := saved.Load(r.dir)
		if err != nil {
			if strings.Contains(err.Error(), r.dir) {
				return refused("%w", err) // it names the file already
			}
			return refused("%s: %w", r.dir, err)
		}
		if err := checkDigests(run.Results); err != nil {
			return refused("%s: %w", file, err)
		}
		r.run = run
		if r.id = run.Results.RunID; r.id == "" {
			b, err := scenarios.ReadRegularFile(file, maxResultsBytes)
			if err != nil {
				return refused("%w", err)
			}
			sum := sha256.Sum256(b)
			r.id = "sha256:" + hex.EncodeToString(sum[:])
		}
		if r.inPlace {
			continue
		}
		if r.files, err = listRunFiles(r.dir, "", 0); err != nil {
			return err
		}
		for _, f := range r.files {
			total += f.size
		}
		if total > maxBytes {
			return refused("the run folders hold more than %s to copy (reached at %s): merge fewer at once", format.BytesMiB(maxBytes), r.dir)
		}
	}
	return nil
}

// checkDigests refuses latency digests that oomlab cannot have written
// (results.Digest.Check), naming the target and stage.
func checkDigests(res *results.Results) error {
	for _, t := range res.Targets {
		for _, st := range t.Stages {
			if err := st.LatencyDigest.Check(); err != nil {
				return fmt.Errorf("target %q stage %d: %w", t.Name, st.Index+1, err)
			}
			for _, k := range st.Kinds {
				if err := k.LatencyDigest.Check(); err != nil {
					return fmt.Errorf("target %q stage %d kind %q: %w", t.Name, st.Index+1, k.Name, err)
				}
			}
		}
		for _, k := range t.Kinds {
			if err := k.LatencyDigest.Check(); err != nil {
				return fmt.Errorf("target %q kind %q: %w", t.Name, k.Name, err)
			}
		}
	}
	return nil
}

// listRunFiles lists the regular files of the run folder root under rel,
// folders included down to maxMergeDepth; a symbolic link or any other
// kind of file is refused, named.
func listRunFiles(root, rel string, depth int) ([]runFile, error) {
	dir := filepath.Join(root, rel)
	entries, err := readDirBounded(dir)
	if err != nil {
		return nil, err
	}
	var out []runFile
	for _, e := range entries {
		name := filepath.Join(rel, e.Name())
		p := filepath.Join(root, name)
		switch t := e.Type(); {
		case t&fs.ModeSymlink != 0:
			return nil, refused("%s is a symbolic link: a merge never follows one", p)
		case t.IsDir():
			if depth+1 >= maxMergeDepth {
				return nil, refused("%s is more than %d folders deep in its run folder", p, maxMergeDepth)
			}
			sub, err := listRunFiles(root, name, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		case t.IsRegular():
			fi, err := e.Info()
			if err != nil {
				return nil, refused("%w", err)
			}
			out = append(out, runFile{rel: name, size: fi.Size()})
		default:
			return nil, refused("%s is not a regular file (%s): a run folder holds regular files only", p, t.Type())
		}
		if len(out) > maxMergeEntries {
			return nil, refused("%s holds more than %d files", root, maxMergeEntries)
		}
	}
	return out, nil
}

// checkSameRun refuses a run given twice: the same run_id, or for runs
// without one the same results.json.
func checkSameRun(runs []*mergeRun) error {
	first := map[string]*mergeRun{}
	for _, r := range runs {
		if p, ok := first[r.id]; ok {
			return refused("the same run given twice: %s and %s are one run (%s); a copied folder is not a repeat", p.dir, r.dir, idText(r.id))
		}
		first[r.id] = r
	}
	return nil
}

// idText names a run's identity in a message.
func idText(id string) string {
	if strings.HasPrefix(id, "sha256:") {
		return "the same results.json, " + id
	}
	return "run_id " + id
}

// checkVersions refuses runs made by different oomlab versions: their
// verdicts may rest on different rules.
func checkVersions(runs []*mergeRun) error {
	for _, r := range runs[1:] {
		a, b := runs[0].run.Results.Harness.Version, r.run.Results.Harness.Version
		if a != b {
			return refused("legs of different oomlab versions: %s was made by %s, %s by %s; merge legs made by one oomlab build",
				runs[0].dir, cmp.Or(a, "an unrecorded version"), r.dir, cmp.Or(b, "an unrecorded version"))
		}
	}
	return nil
}

// checkConditions checks that the runs of each scenario were made under
// the same conditions (judge.CheckCompatible of their baselines, from
// verdicts[i], runs[i]'s: memory
// limit, limit mode, request shape): each against the scenario's first.
// A mismatch is refused unless allowMismatch, when it becomes a warning.
func checkConditions(runs []*mergeRun, verdicts [][]judge.Verdict, allowMismatch bool) ([]string, error) {
	var warnings []string
	var first *mergeRun
	var firstB judge.Baseline
	for i, r := range runs {
		b := judge.NewBaseline(r.run, verdicts[i])
		if first == nil || first.run.Results.Scenario != r.run.Results.Scenario {
			first, firstB = r, b
			continue
		}
		_, err := judge.CheckCompatible(firstB, b)
		var me *judge.MismatchError
		if err == nil || !errors.As(err, &me) {
			continue
		}
		diff := make([]string, len(me.Mismatches))
		for i, m := range me.Mismatches {
			diff[i] = fmt.Sprintf("%s: %s in %s, %s in %s", m.Field, cmp.Or(m.Baseline, "-"), first.dir, cmp.Or(m.Run, "-"), r.dir)
		}
		what := fmt.Sprintf("runs of %s made under other conditions (%s)", r.run.Results.Scenario, strings.Join(diff, "; "))
		if !allowMismatch {
			return nil, refused("%s; pass --allow-mismatch to merge them all the same", what)
		}
		warnings = append(warnings, "merged "+what+": their figures may not be comparable")
	}
	return warnings, nil
}

// nameMergeRuns names each run's folder in the output: the scenario's
// name made safe for a folder, with -rNN (zero-padded to two digits or
// the count's width) when the scenario has several runs, numbered in
// the runs' order (start time, then identity).
func nameMergeRuns(runs []*mergeRun) {
	count := map[string]int{}
	for _, r := range runs {
		count[r.run.Results.Scenario]++
	}
	next := map[string]int{}
	for _, r := range runs {
		s := r.run.Results.Scenario
		base := folderName(s)
		if n := count[s]; n > 1 {
			next[s]++
			width := max(2, len(fmt.Sprint(n)))
			base = fmt.Sprintf("%s-r%0*d", base, width, next[s])
		}
		r.name = base
	}
}

// folderName makes a scenario's name a safe folder name: letters,
// digits, '-', '_' and '.' kept, anything else '-', never a leading dot
// or dash, never empty, at most 100 bytes.
func folderName(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
		if b.Len() >= 100 {
			break
		}
	}
	name := strings.TrimLeft(b.String(), ".-")
	if name == "" {
		name = "scenario"
	}
	return name
}

// placeMergeRuns puts every run at its name in out: runs already there
// are renamed (through a temporary name, so that two runs may swap
// names), others copied into a temporary folder then renamed. A name
// taken by something that is not one of the runs is refused before
// anything moves.
func placeMergeRuns(runs []*mergeRun, out string) error {
	d, err := results.CreateOutDir(out)
	if err != nil {
		return refused("--out: %w", err)
	}
	defer d.Close()
	ours := map[string]bool{}
	for _, r := range runs {
		if r.inPlace {
			ours[filepath.Base(r.dir)] = true
		}
	}
	for _, r := range runs {
		if _, err := os.Lstat(d.Join(r.name)); err == nil && !ours[r.name] {
			return refused("%s already exists and is not a run given to merge: choose a new --out folder", d.Join(r.name))
		}
	}
	var tag [4]byte
	rand.Read(tag[:])
	tmp := func(i int) string { return fmt.Sprintf(".merge-%x-%d", tag, i) }
	// Copies first, each to a temporary name: a copy that fails leaves
	// the runs already in out as they were.
	for i, r := range runs {
		if r.inPlace {
			continue
		}
		if err := copyRunFolder(d, r, tmp(i)); err != nil {
			for j := range i + 1 {
				os.RemoveAll(d.Join(tmp(j)))
			}
			return err
		}
	}
	moved := func(r *mergeRun) bool { return !r.inPlace || filepath.Base(r.dir) != r.name }
	for i, r := range runs {
		if r.inPlace && moved(r) {
			if err := os.Rename(r.dir, d.Join(tmp(i))); err != nil {
				return fmt.Errorf("merge: %w", err)
			}
		}
	}
	for i, r := range runs {
		if moved(r) {
			if err := os.Rename(d.Join(tmp(i)), d.Join(r.name)); err != nil {
				return fmt.Errorf("merge: %w", err)
			}
		}
	}
	return d.Sync()
}

// copyRunFolder copies the listed files of r into the folder name of d,
// never following a link on either side.
func copyRunFolder(d *results.OutDir, r *mergeRun, name string) error {
	if err := d.MkdirAll(name); err != nil {
		return err
	}
	for _, f := range r.files {
		if sub := filepath.Dir(f.rel); sub != "." {
			if err := d.MkdirAll(filepath.Join(name, sub)); err != nil {
				return err
			}
		}
		if err := copyRegular(d, filepath.Join(r.dir, f.rel), filepath.Join(name, f.rel), f.size); err != nil {
			return err
		}
	}
	return nil
}

// copyRegular copies the regular file src to name in d, at most size
// bytes (the size listed: a file that grew since is refused).
func copyRegular(d *results.OutDir, src, name string, size int64) error {
	in, err := os.OpenFile(src, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return refused("%w", err)
	}
	defer in.Close()
	if fi, err := in.Stat(); err != nil || !fi.Mode().IsRegular() {
		return refused("%s is not a regular file", src)
	}
	o, err := d.Create(name)
	if err != nil {
		return err
	}
	n, err := io.Copy(o, io.LimitReader(in, size+1))
	if cerr := o.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > size {
		err = fmt.Errorf("%s grew while it was copied", src)
	}
	if err != nil {
		return fmt.Errorf("merge: copying %s: %w", src, err)
	}
	return nil
}
