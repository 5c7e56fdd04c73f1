package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/oomlab/oomlab/scenarios"
)

// matrixWorkflow is the example CI workflow of the README and
// docs/past-one-machine.md.
const matrixWorkflow = "../../examples/github-actions-matrix.yml"

type workflow struct {
	Env  map[string]string      `yaml:"env"`
	Jobs map[string]workflowJob `yaml:"jobs"`
}

type workflowJob struct {
	Env   map[string]string `yaml:"env"`
	Steps []workflowStep    `yaml:"steps"`
}

type workflowStep struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

// planDoc is what 'oomlab list --shards N --json' prints, as the
// workflow reads it.
type planDoc struct {
	Shards []struct {
		Shard     string   `json:"shard"`
		Index     int      `json:"index"`
		Scenarios []string `json:"scenarios"`
	} `json:"shards"`
}

// TestExampleMatrixWorkflow checks examples/github-actions-matrix.yml:
// valid YAML, every action pinned to a commit, actionlint (when on PATH)
// accepts it, and its steps are the commands the tests run: every oomlab
// command in it parses against oomlab's own command tree; list --shards
// is run for its plan; run's flags are parsed; and the merge job's step is
// run as it is, by bash, on recorded legs and committed baselines — exit
// 0 without a regression, 1 with one or with a leg lost.
func TestExampleMatrixWorkflow(t *testing.T) {
	t.Parallel() // see parallelTests
	data, err := os.ReadFile(matrixWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("%s: %v", matrixWorkflow, err)
	}
	for _, job := range []string{"plan", "leg", "merge"} {
		if _, ok := wf.Jobs[job]; !ok {
			t.Fatalf("%s: no job %q", matrixWorkflow, job)
		}
	}
	t.Run("pinned", func(t *testing.T) {
		pinned := regexp.MustCompile(`^[\w.-]+/[\w.-]+@[0-9a-f]{40}$`)
		for name, job := range wf.Jobs {
			for _, s := range job.Steps {
				if s.Uses != "" && !pinned.MatchString(s.Uses) {
					t.Errorf("job %s: uses %s: want an action pinned to a commit (owner/repo@<40 hex> # vX.Y.Z)", name, s.Uses)
				}
			}
		}
	})
	t.Run("actionlint", func(t *testing.T) {
		lint, err := exec.LookPath("actionlint")
		if err != nil {
			t.Skip("SKIP: actionlint is not on PATH (.ci/run installs it: go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12)")
		}
		out, err := exec.Command(lint, "-no-color", matrixWorkflow).CombinedOutput()
		if err != nil {
			t.Errorf("actionlint %s: %v\n%s", matrixWorkflow, err, out)
		}
	})

	plan := examplePlan(t, wf)
	seen := map[string]bool{}
	for name, job := range wf.Jobs {
		contexts := []map[string]string{exprContext(nil)}
		if name == "leg" {
			contexts = nil
			for _, sh := range plan.Shards {
				contexts = append(contexts, exprContext(map[string]string{"matrix.shard": sh.Shard, "matrix.index": strconv.Itoa(sh.Index)}))
			}
		}
		for _, ctx := range contexts {
			for _, s := range job.Steps {
				for _, args := range stepOomlabCommands(t, wf, job, s, ctx) {
					seen[args[0]] = true
					t.Run("parse "+name+" "+args[0], func(t *testing.T) { checkParses(t, args) })
				}
			}
		}
	}
	if got, want := slices.Sorted(mapKeys(seen)), []string{"gate", "list", "merge", "run"}; !slices.Equal(got, want) {
		t.Errorf("the workflow runs oomlab %q; this test checks %q: check the new ones too", got, want)
	}
	t.Run("merge job", func(t *testing.T) { checkMergeJob(t, wf) })
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// exprContext is the values of the ${{ … }} expressions the workflow's
// scripts and env use, with extra (a matrix entry, a step's outputs).
func exprContext(extra map[string]string) map[string]string {
	ctx := map[string]string{"needs.plan.outputs.version": "v0.0.0-test", "matrix.shard": "", "matrix.index": "", "steps.gate.outputs.status": "0"}
	for k, v := range extra {
		ctx[k] = v
	}
	return ctx
}

var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// expand replaces the ${{ … }} expressions of s from ctx.
func expand(t *testing.T, s string, ctx map[string]string) string {
	t.Helper()
	return expr.ReplaceAllStringFunc(s, func(m string) string {
		v, ok := ctx[expr.FindStringSubmatch(m)[1]]
		if !ok {
			t.Errorf("%s: no test value for the expression %s", matrixWorkflow, m)
		}
		return v
	})
}

// stepEnv is the environment a step's script sees from the workflow:
// the workflow's, the job's and the step's env, expressions expanded.
func stepEnv(t *testing.T, wf workflow, job workflowJob, s workflowStep, ctx map[string]string) map[string]string {
	env := map[string]string{}
	for _, m := range []map[string]string{wf.Env, job.Env, s.Env} {
		for k, v := range m {
			env[k] = expand(t, v, ctx)
		}
	}
	return env
}

// stepOomlabCommands is oomlab's arguments in each command of s's script.
func stepOomlabCommands(t *testing.T, wf workflow, job workflowJob, s workflowStep, ctx map[string]string) [][]string {
	t.Helper()
	if s.Run == "" {
		return nil
	}
	cmds, err := shellCommands(expand(t, s.Run, ctx), stepEnv(t, wf, job, s, ctx))
	if err != nil {
		t.Fatalf("step %q: %v", s.Name, err)
	}
	out := oomlabCommands(cmds)
	for _, args := range out {
		if len(args) == 0 {
			t.Fatalf("step %q: oomlab without a command", s.Name)
		}
		for _, a := range args {
			if strings.Contains(a, unsetVar) || strings.Contains(a, "$(") {
				t.Errorf("step %q: oomlab %s: %q is not known before the step runs", s.Name, strings.Join(args, " "), a)
			}
		}
	}
	return out
}

// checkParses finds args' command in oomlab's command tree and parses its
// flags and arguments, running nothing.
func checkParses(t *testing.T, args []string) {
	root := newRoot()
	c, rest, err := root.Find(args)
	if err == nil {
		err = c.ParseFlags(rest)
	}
	if err == nil {
		err = c.ValidateArgs(c.Flags().Args())
	}
	if err != nil {
		t.Errorf("oomlab %s: %v", strings.Join(args, " "), err)
	}
}

// examplePlan runs the plan job's 'oomlab list --shards' as the workflow
// does and checks that its legs run every built-in scenario once.
func examplePlan(t *testing.T, wf workflow) planDoc {
	job := wf.Jobs["plan"]
	var list []string
	for _, s := range job.Steps {
		for _, args := range stepOomlabCommands(t, wf, job, s, exprContext(nil)) {
			if args[0] == "list" {
				list = args
			}
		}
	}
	if list == nil {
		t.Fatalf("%s: the plan job runs no 'oomlab list'", matrixWorkflow)
	}
	n, err := strconv.Atoi(wf.Env["SHARDS"])
	if err != nil || n < 1 {
		t.Fatalf("%s: env SHARDS %q: want a number of legs", matrixWorkflow, wf.Env["SHARDS"])
	}
	var plan planDoc
	text, code := oomlab(t, 30*time.Second, list...)
	if code != exitOK {
		t.Fatalf("oomlab %s: exit %d\n%s", strings.Join(list, " "), code, text)
	}
	if err := json.Unmarshal([]byte(text), &plan); err != nil {
		t.Fatalf("oomlab %s: %v\n%s", strings.Join(list, " "), err, text)
	}
	var got, want []string
	for i, sh := range plan.Shards {
		if sh.Shard != fmt.Sprintf("%d/%d", i+1, n) || sh.Index != i+1 {
			t.Errorf("plan leg %d: shard %q index %d; want %d/%d, %d", i+1, sh.Shard, sh.Index, i+1, n, i+1)
		}
		got = append(got, sh.Scenarios...)
	}
	for _, in := range scenarios.Builtins() {
		want = append(want, in.Name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(plan.Shards) != n || !slices.Equal(got, want) {
		t.Errorf("plan: %d legs running %q; want %d legs running every built-in once: %q", len(plan.Shards), got, n, want)
	}
	return plan
}

// findStep is the step of job named name.
func findStep(t *testing.T, job workflowJob, name string) workflowStep {
	t.Helper()
	for _, s := range job.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("%s: no step %q in the merge job", matrixWorkflow, name)
	return workflowStep{}
}

// runStep runs a step's script as a GitHub runner does (bash -eo
// pipefail, in the workspace), with oomlab on PATH, and returns its exit
// code, its outputs and what it added to the job summary.
func runStep(t *testing.T, wf workflow, job workflowJob, s workflowStep, ctx map[string]string, ws string) (int, map[string]string, string) {
	t.Helper()
	tools := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(tools, "oomlab")); err != nil {
		t.Fatal(err)
	}
	script := writeFile(t, t.TempDir(), "step.sh", expand(t, s.Run, ctx))
	output, summary := filepath.Join(t.TempDir(), "output"), filepath.Join(t.TempDir(), "summary.md")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
	cmd.Dir = ws
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITHUB_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PATH="+tools+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary)
	for k, v := range stepEnv(t, wf, job, s, ctx) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	text, err := cmd.CombinedOutput()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("step %q: %v", s.Name, err)
	}
	t.Logf("step %q: exit %d\n%s", s.Name, code, text)
	outputs := map[string]string{}
	if b, err := os.ReadFile(output); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				outputs[k] = v
			}
		}
	}
	sum, _ := os.ReadFile(summary)
	return code, outputs, string(sum)
}

// checkMergeJob runs the merge job's steps on two recorded legs as the
// download step lays them out (legs/oomlab-leg-N/<scenario>/) and
// baselines saved from their merge as the workflow's header says.
func checkMergeJob(t *testing.T, wf workflow) {
	job := wf.Jobs["merge"]
	gateStep, failStep := findStep(t, job, "merge the legs and gate on the baselines"), findStep(t, job, "fail on a regression")
	legs := func(t *testing.T, ws string, lost bool) {
		for i, name := range []string{"upload-proxy", "json-body"} {
			if lost && i == 1 {
				break
			}
			dir := savedRun(t, func(m map[string]any) {
				m["scenario"], m["run_id"], m["shard"] = name, fmt.Sprintf("%032x", i+1), fmt.Sprintf("%d/2", i+1)
			})
			leg := filepath.Join(ws, "legs", fmt.Sprintf("oomlab-leg-%d", i+1))
			if err := os.MkdirAll(leg, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(dir, filepath.Join(leg, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	baselines := filepath.Join(t.TempDir(), "baselines")
	boot := t.TempDir()
	legs(t, boot, false)
	if text, code := oomlab(t, 60*time.Second, "merge", filepath.Join(boot, "legs", "oomlab-leg-1"), filepath.Join(boot, "legs", "oomlab-leg-2"),
		"--out", filepath.Join(boot, "merged")); code != exitOK {
		t.Fatalf("merge: exit %d\n%s", code, text)
	}
	if text, code := oomlab(t, 30*time.Second, "baseline", "save", filepath.Join(boot, "merged"), baselines); code != exitOK {
		t.Fatalf("baseline save merged/ baselines/: exit %d\n%s", code, text)
	}

	tests := []struct {
		name    string
		lostLeg bool
		// peakMiB, when set, is the baseline's peak RSS of upload-aware
		// in upload-proxy: far below the run's 16 MiB, a regression.
		peakMiB float64
		want    int
		says    string // in the job summary
	}{
		{"no regression", false, 0, exitOK, "gate: PASS"},
		{"regression", false, 4, exitFailed, "upload-aware peak RSS"},
		{"a leg lost", true, 0, exitFailed, "no run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := t.TempDir()
			legs(t, ws, tt.lostLeg)
			dst := filepath.Join(ws, wf.Env["BASELINES"])
			if err := os.MkdirAll(dst, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"upload-proxy.json", "json-body.json"} {
				b, err := os.ReadFile(filepath.Join(baselines, f))
				if err != nil {
					t.Fatal(err)
				}
				if tt.peakMiB > 0 && f == "upload-proxy.json" {
					b = setPeak(t, b, "upload-aware", tt.peakMiB)
				}
				writeFile(t, dst, f, string(b))
			}
			ctx := exprContext(nil)
			code, outputs, summary := runStep(t, wf, job, gateStep, ctx, ws)
			if code != 0 {
				t.Fatalf("step %q: exit %d; want 0, the status kept for the last step", gateStep.Name, code)
			}
			if outputs["status"] != strconv.Itoa(tt.want) {
				t.Errorf("step %q: status=%q; want %d", gateStep.Name, outputs["status"], tt.want)
			}
			if !strings.Contains(summary, "## oomlab gate:") || !strings.Contains(summary, tt.says) {
				t.Errorf("job summary without the gate's table or %q:\n%s", tt.says, summary)
			}
			for _, f := range []string{"merged/catalog.md", "merged/summary.md", "merged/verdicts.json", "junit.xml"} {
				if _, err := os.Stat(filepath.Join(ws, f)); err != nil {
					t.Errorf("the merge step left no %s: %v", f, err)
				}
			}
			ctx["steps.gate.outputs.status"] = outputs["status"]
			if code, _, _ := runStep(t, wf, job, failStep, ctx, ws); code != tt.want {
				t.Errorf("step %q: exit %d; want %d (the workflow fails on anything but 0)", failStep.Name, code, tt.want)
			}
		})
	}
}

// setPeak sets target's peak_rss_mib in a baseline file's bytes.
func setPeak(t *testing.T, b []byte, target string, mib float64) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, tg := range m["targets"].([]any) {
		if tg := tg.(map[string]any); tg["name"] == target {
			tg["peak_rss_mib"] = mib
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
