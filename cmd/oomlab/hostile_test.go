package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// hostileBudget is how much CPU time (user + system, the binary's start
// included) each hostile input may take. CPU time, not wall time: the
// machine is shared, and a case that waits (a FIFO) uses none, so every
// case also has a wall-clock bound of hostileHang.
const hostileBudget = 2 * time.Second

// hostileHang is the wall-clock time after which a case counts as hung.
const hostileHang = 60 * time.Second

// hostileCase is one hostile input: files made in a fresh directory, the
// command run on them, and what must come of it.
type hostileCase struct {
	name  string
	setup func(t *testing.T, dir string) []string // returns the arguments
	code  int
	want  []string                            // in the combined output
	check func(t *testing.T, dir, out string) // more checks, may be nil
	// slow, when set, says why the case may take renderBudget rather
	// than hostileBudget.
	slow string
}

// renderBudget is the CPU budget of a case that says why it needs more.
const renderBudget = 5 * time.Second

// okScenario is a valid scenario; cases break one part of it.
const okScenario = `name: hostile
targets:
  - {name: a, builtin: upload-naive}
load:
  stages: [{rate: 1, duration: 1s}]
`

// TestHostileInputs feeds oomlab scenarios, results and output folders
// made to break it: each must end, within hostileBudget, with the exit
// code and the message listed, and never hang, panic or write where it
// must not. Run with -v for the table of what each gave.
func TestHostileInputs(t *testing.T) {
	t.Parallel() // see parallelTests
	cases := append(append(hostileScenarios(), hostileResults()...), hostileMerges()...)
	t.Log("| input | exit | message | time (CPU, wall) |")
	t.Log("|---|--:|---|--:|")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each case has a folder of its own; budgets are its own CPU time
			dir := t.TempDir()
			args := tc.setup(t, dir)
			start := time.Now()
			out, code, took := oomlabIn(t, dir, hostileHang, args...)
			t.Logf("| %s | %d | %s | %s CPU, %s wall |", tc.name, code, firstLine(out), took.Round(time.Millisecond),
				time.Since(start).Round(time.Millisecond))
			if code != tc.code {
				t.Errorf("oomlab %s: exit %d; want %d\n%s", strings.Join(args, " "), code, tc.code, clip(out))
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("oomlab %s: output lacks %q:\n%s", strings.Join(args, " "), w, clip(out))
				}
			}
			if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
				t.Errorf("oomlab %s panicked:\n%s", strings.Join(args, " "), clip(out))
			}
			if len(out) > 64<<10 {
				t.Errorf("oomlab %s: %d bytes of output; want a bounded message", strings.Join(args, " "), len(out))
			}
			budget := hostileBudget
			if tc.slow != "" {
				budget = renderBudget
			}
			if took > budget {
				t.Errorf("oomlab %s took %s of CPU; want at most %s", strings.Join(args, " "), took, budget)
			}
			if tc.check != nil {
				tc.check(t, dir, out)
			}
		})
	}
}

func hostileScenarios() []hostileCase {
	write := func(name, content string) func(*testing.T, string) []string {
		return func(t *testing.T, dir string) []string {
			putFile(t, filepath.Join(dir, name), content)
			return []string{"validate", name}
		}
	}
	var bomb strings.Builder
	bomb.WriteString("name: bomb\ntargets:\n  - name: a\n    builtin: upload-naive\n    command: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&bomb, "    env%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	bomb.WriteString("load:\n  stages: *a9\n")
	outcomes := "name: list\ntargets:\n  - name: a\n    builtin: upload-naive\n    expect:\n      outcome: [" +
		strings.Repeat("survived, ", 100_000) + "survived]\n" + okScenario[strings.Index(okScenario, "load:"):]
	var headers strings.Builder
	headers.WriteString(okScenario + "  request:\n    headers:\n")
	for i := range 20_000 {
		fmt.Fprintf(&headers, "      X-H%d: v\n", i)
	}
	random := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	ctl := `\x1b[31m\x07` // YAML escapes: raw control bytes are refused by the YAML parser itself
	return []hostileCase{
		{name: "scenario: alias bomb", setup: write("bomb.yaml", bomb.String()), code: exitBadInput,
			want: []string{"bomb.yaml:"}},
		{name: "scenario: 100k outcomes (1 MiB)", setup: write("list.yaml", outcomes), code: exitBadInput,
			want: []string{"list.yaml:6: targets[0].expect.outcome: a list of 100001 items; at most 10000"}},
		{name: "scenario: 20k headers", setup: write("headers.yaml", headers.String()), code: exitBadInput,
			want: []string{"load.request.headers: a mapping of 20000 entries; at most 10000"}},
		{name: "scenario: FIFO", code: exitBadInput, want: []string{"fifo.yaml is a named pipe (FIFO): not a regular file"},
			setup: func(t *testing.T, dir string) []string {
				mkfifo(t, filepath.Join(dir, "fifo.yaml"))
				return []string{"validate", "fifo.yaml"}
			}},
		{name: "scenario: FIFO (run)", code: exitBadInput, want: []string{"fifo.yaml is a named pipe (FIFO): not a regular file"},
			setup: func(t *testing.T, dir string) []string {
				mkfifo(t, filepath.Join(dir, "fifo.yaml"))
				return []string{"run", "fifo.yaml", "--out", "out"}
			}},
		{name: "scenario: device /dev/zero", code: exitBadInput, want: []string{"/dev/zero is a character device: not a regular file"},
			setup: func(*testing.T, string) []string { return []string{"validate", "/dev/zero"} }},
		{name: "scenario: directory", code: exitBadInput, want: []string{"is a directory"},
			setup: func(t *testing.T, dir string) []string {
				os.Mkdir(filepath.Join(dir, "d.yaml"), 0o755)
				return []string{"validate", "d.yaml"}
			}},
		{name: "scenario: binary (64 KiB random)", setup: write("bin.yaml", string(random)), code: exitBadInput,
			want: []string{"bin.yaml"}},
		{name: "scenario: 2 MiB", setup: write("big.yaml", okScenario+"# "+strings.Repeat("x", 2<<20)+"\n"), code: exitBadInput,
			want: []string{"big.yaml: file is larger than 1048576 bytes"}},
		{name: "scenario: control characters in every string", code: exitBadInput,
			setup: write("ctl.yaml", fmt.Sprintf(`name: "n%[1]s"
description: "d%[1]s"
pattern: "p%[1]s"
targets:
  - name: "t%[1]s"
    builtin: "upload-naive%[1]s"
    ready_path: "/r%[1]s"
    env: {"E%[1]s": "v"}
load:
  stages: [{rate: 1, duration: 1s}]
  request:
    method: "P%[1]s"
    path: "/p%[1]s"
    headers: {"X-A": "v%[1]s", "X%[1]s": "v"}
downstream:
  phases: [{name: "ph%[1]s", at: 0s}]
`, ctl)),
			want: []string{"ctl.yaml:1: name:", "ctl.yaml:2: description:", "ctl.yaml:3: pattern:", "targets[0].name:",
				"targets[0].builtin:", "targets[0].ready_path:", "targets[0].env.E", "load.request.method:",
				"load.request.path:", "load.request.headers.X-A:", "downstream.phases[0].name:"},
			check: noRawControl},
		{name: "scenario: 1 MiB target name", setup: write("long.yaml", strings.Replace(okScenario, "name: a,", "name: "+strings.Repeat("a", 1<<20-200)+",", 1)),
			code: exitBadInput, want: []string{"… (1048376 bytes)"}},
		{name: "scenario: unknown builtin", setup: write("nob.yaml", strings.Replace(okScenario, "upload-naive", "no-such-server", 1)),
			code: exitBadInput, want: []string{`targets[0].builtin: no built-in Go target "no-such-server"`}},
		{name: "scenario: body over the cap", setup: write("size.yaml", okScenario+"  request: {body: {size: 300MiB}}\n"),
			code: exitBadInput, want: []string{"load.request.body.size: 300MiB is more than the 256MiB a body may be"}},
		{name: "body.file: FIFO", code: exitBadInput, want: []string{"load.request.body.file:", "is a named pipe (FIFO)"},
			setup: func(t *testing.T, dir string) []string {
				mkfifo(t, filepath.Join(dir, "body"))
				putFile(t, filepath.Join(dir, "s.yaml"), okScenario+"  request: {body: {file: body}}\n")
				return []string{"run", "s.yaml", "--out", "out"}
			}},
		{name: "body.file: /dev/zero", code: exitBadInput, want: []string{"load.request.body.file:", "/dev/zero is a character device"},
			setup: write("dev.yaml", okScenario+"  request: {body: {file: /dev/zero}}\n")},
		{name: "requests: weight 0 and -1", code: exitBadInput,
			setup: write("w.yaml", okScenario+"  requests: [{name: a, weight: 0}, {name: b, weight: -1}]\n"),
			want:  []string{"w.yaml:6: load.requests[0].weight: must be > 0", "w.yaml:6: load.requests[1].weight: must be > 0 and at most 1e+06, got -1"}},
		{name: "requests: bandwidth 0, 1 B/s and 1 PiB/s", code: exitBadInput,
			setup: write("bw.yaml", okScenario+"  requests:\n    - {name: a, download_bandwidth: 0}\n    - {name: b, download_bandwidth: 1B/s}\n"+
				"    - {name: c, download_bandwidth: 1PiB/s}\n"),
			want: []string{"bw.yaml:7: load.requests[0].download_bandwidth: must be > 0", "bw.yaml:8: load.requests[1].download_bandwidth: 1/s is below 1KiB/s",
				"bw.yaml:9: load.requests[2].download_bandwidth: 1PiB/s is above 10GiB/s"}},
		{name: "requests: 10k kinds", code: exitBadInput,
			setup: write("many.yaml", okScenario+"  requests:\n"+strings.Repeat("    - {name: a}\n", 10_000)),
			want:  []string{"many.yaml:6: load.requests: at most 100 kinds, got 10000"}},
		{name: "expect: p95 of an unknown kind", code: exitBadInput,
			setup: write("k.yaml", strings.Replace(okScenario, "builtin: upload-naive}", "builtin: upload-naive, expect: {max_p95: {kind: exprot, value: 1s}}}", 1)+
				"  requests: [{name: export}]\n"),
			want: []string{`k.yaml:3: targets[0].expect.max_p95.kind: unknown kind "exprot": want export`}},
		{name: "targets_file: a directory", code: exitBadInput, want: []string{"load.targets_file:", "t is a directory: not a regular file"},
			setup: func(t *testing.T, dir string) []string {
				os.Mkdir(filepath.Join(dir, "t"), 0o755)
				putFile(t, filepath.Join(dir, "s.yaml"), okScenario+"  targets_file: t\n")
				return []string{"validate", "s.yaml"}
			}},
		{name: "targets_file: FIFO (run)", code: exitBadInput, want: []string{"load.targets_file:", "t is a named pipe (FIFO)"},
			setup: func(t *testing.T, dir string) []string {
				mkfifo(t, filepath.Join(dir, "t"))
				putFile(t, filepath.Join(dir, "s.yaml"), okScenario+"  targets_file: t\n")
				return []string{"run", "s.yaml", "--out", "out"}
			}},
		{name: "targets_file: /dev/zero", code: exitBadInput, want: []string{"load.targets_file: /dev/zero is a character device"},
			setup: write("dev.yaml", okScenario+"  targets_file: /dev/zero\n")},
		{name: "targets_file: bad lines", code: exitBadInput,
			want: []string{"s.yaml:6: load.targets_file: ", "t.txt:2: bad header \"Accept text/csv\"", "t.txt:4: bad method \"get\"", "t.txt:6: bad target \"GET\""},
			setup: func(t *testing.T, dir string) []string {
				putFile(t, filepath.Join(dir, "t.txt"), "GET http://localhost/a\nAccept text/csv\n\nget http://localhost/b\n\nGET\n")
				putFile(t, filepath.Join(dir, "s.yaml"), okScenario+"  targets_file: t.txt\n")
				return []string{"validate", "s.yaml"}
			}},
		{name: "targets_file: remote URL (run)", code: exitBadInput, want: []string{"t.txt:1: URL \"http://192.0.2.1/a\": host \"192.0.2.1\" is not loopback"},
			setup: func(t *testing.T, dir string) []string {
				putFile(t, filepath.Join(dir, "t.txt"), "GET http://192.0.2.1/a\n")
				putFile(t, filepath.Join(dir, "s.yaml"), okScenario+"  targets_file: t.txt\n")
				return []string{"run", "s.yaml", "--out", "out", "--allow-remote"}
			}},
		{name: "targets_file: @body a FIFO", code: exitBadInput, want: []string{"t.txt:2: @body: ", "b is a named pipe (FIFO); want a regular file"},
			setup: func(t *testing.T, dir string) []string {
				mkfifo(t, filepath.Join(dir, "b"))
				putFile(t, filepath.Join(dir, "t.txt"), "POST http://localhost/a\n@b\n")
				putFile(t, filepath.Join(dir, "s.yaml"), okScenario+"  targets_file: t.txt\n")
				return []string{"validate", "s.yaml"}
			}},
		{name: "targets_file: 2 MiB", code: exitBadInput, want: []string{"load.targets_file:", "more than the 1048576 allowed"},
			setup: func(t *testing.T, dir string) []string {
				putFile(t, filepath.Join(dir, "t.txt"), strings.Repeat("GET http://localhost/a\n", 100_000))
				putFile(t, filepath.Join(dir, "s.yaml"), okScenario+"  targets_file: t.txt\n")
				return []string{"validate", "s.yaml"}
			}},
	}
}

func hostileResults() []hostileCase {
	// run copies the saved upload-proxy run into dir/run, edited by edit.
	run := func(edit func(t *testing.T, res map[string]any, dir string)) func(*testing.T, string) []string {
		return func(t *testing.T, dir string) []string {
			copyRun(t, filepath.Join(dir, "run"))
			if edit != nil {
				b, _ := os.ReadFile(filepath.Join(dir, "run", results.ResultsFile))
				var res map[string]any
				if err := json.Unmarshal(b, &res); err != nil {
					t.Fatal(err)
				}
				edit(t, res, filepath.Join(dir, "run"))
				b, _ = json.Marshal(res)
				putFile(t, filepath.Join(dir, "run", results.ResultsFile), string(b))
			}
			return []string{"report", "run"}
		}
	}
	evil := "<script>alert(1)</script>\x1b]0;pwned\x07\x1b[2J\n## injected\r|x|"
	return []hostileCase{
		{name: "results.json: truncated", code: exitBadInput, want: []string{"report: decoding", "unexpected end of JSON input"},
			setup: func(t *testing.T, dir string) []string {
				copyRun(t, filepath.Join(dir, "run"))
				p := filepath.Join(dir, "run", results.ResultsFile)
				b, _ := os.ReadFile(p)
				putFile(t, p, string(b[:len(b)/2]))
				return []string{"report", "run"}
			}},
		{name: "results.json: FIFO", code: exitBadInput, want: []string{"results.json is a named pipe (FIFO): not a regular file"},
			setup: func(t *testing.T, dir string) []string {
				os.Mkdir(filepath.Join(dir, "run"), 0o755)
				mkfifo(t, filepath.Join(dir, "run", results.ResultsFile))
				return []string{"report", "run"}
			}},
		{name: "results.json: 10^5 targets", code: exitBadInput, want: []string{"lists 100000 targets; a report renders at most 256"},
			slow: "decodes 10^5 targets (a 3 MB file) before it refuses them: 1.2-2.0 s of CPU alone, 2.02 s beside other tests",
			setup: run(func(t *testing.T, res map[string]any, _ string) {
				ts := make([]any, 100_000)
				for i := range ts {
					ts[i] = map[string]any{"name": fmt.Sprintf("t%d", i), "outcome": "survived"}
				}
				res["targets"] = ts
			})},
		{name: "results.json: control characters and <script> everywhere", code: exitOK,
			setup: run(func(t *testing.T, res map[string]any, _ string) {
				res["scenario"] = "s" + evil
				res["partial"], res["partial_reason"] = true, evil
				for _, p := range res["phases"].([]any) {
					p.(map[string]any)["name"] = evil
				}
				for _, tr := range res["targets"].([]any) {
					m := tr.(map[string]any)
					m["stderr_tail"], m["error"], m["outcome_detail"] = evil, evil, evil
				}
			}),
			check: func(t *testing.T, dir, out string) {
				noRawControl(t, dir, out)
				md, _ := os.ReadFile(filepath.Join(dir, "run", "summary.md"))
				if bytes.Contains(md, []byte("<script>")) || bytes.Contains(md, []byte("\n## injected")) || bytes.ContainsAny(md, "\x1b\x07\r") {
					t.Errorf("summary.md holds raw hostile text:\n%s", md)
				}
				html, _ := os.ReadFile(filepath.Join(dir, "run", "report.html"))
				if bytes.Contains(html, []byte("<script>")) {
					t.Error("report.html holds a raw <script>")
				}
				for _, f := range []string{"memory.svg", "dashboard.svg"} {
					b, _ := os.ReadFile(filepath.Join(dir, "run", f))
					d := xml.NewDecoder(bytes.NewReader(b))
					for {
						if _, err := d.Token(); err != nil {
							if err.Error() != "EOF" {
								t.Errorf("%s is not valid XML: %v", f, err)
							}
							break
						}
					}
				}
			}},
		{name: "samples.csv: NaN, Inf, truncated row", code: exitOK, want: []string{"samples.csv ends early"},
			setup: run(func(t *testing.T, res map[string]any, dir string) {
				res["partial"] = true
				b, _ := os.ReadFile(filepath.Join(dir, results.SamplesFile))
				b = append(b, "upload-naive,NaN,NaN,+Inf,-Inf,1,1,-1,-1,-1,-1,1\nupload-naive,3.0,12"...)
				putFile(t, filepath.Join(dir, results.SamplesFile), string(b))
			})},
		{name: "samples.csv: control characters in target", code: exitOK, want: []string{"rows of targets not in results.json"},
			setup: run(func(t *testing.T, _ map[string]any, dir string) {
				f, _ := os.OpenFile(filepath.Join(dir, results.SamplesFile), os.O_APPEND|os.O_WRONLY, 0)
				fmt.Fprintf(f, "\"%s\",1,1,1,1,1,1,-1,-1,-1,-1,1\n", strings.ReplaceAll(evil, "\"", "'"))
				f.Close()
			}),
			check: noRawControl},
		{name: "samples.csv: /dev/zero behind a symlink", code: exitBadInput, want: []string{"samples.csv is a character device"},
			setup: run(func(t *testing.T, _ map[string]any, dir string) {
				os.Remove(filepath.Join(dir, results.SamplesFile))
				os.Symlink("/dev/zero", filepath.Join(dir, results.SamplesFile))
			})},
		{name: "samples.csv: 400k rows (decimated)", code: exitOK, slow: "parses 400k CSV rows (24 MB) and renders every figure",
			setup: run(func(t *testing.T, _ map[string]any, dir string) {
				var b bytes.Buffer
				b.WriteString(strings.Join(results.SampleHeader, ",") + "\n")
				for i := range 400_000 {
					fmt.Fprintf(&b, "upload-aware,%.3f,%d,%d,1.0,7,17,-1,-1,-1,-1,1,-1\n", float64(i)/10000, 20<<20+i, 20<<20+i)
				}
				putFile(t, filepath.Join(dir, results.SamplesFile), b.String())
			}),
			check: func(t *testing.T, dir, _ string) {
				if fi, err := os.Stat(filepath.Join(dir, "run", "dashboard.svg")); err != nil || fi.Size() > 16<<20 {
					t.Errorf("dashboard.svg: %v, %d bytes; want at most 16 MiB", err, fi.Size())
				}
			}},
		{name: "output: summary.md a symlink to a victim", code: exitBadInput,
			want: []string{"refusing to overwrite a file oomlab did not write", "summary.md is a symbolic link"},
			setup: run(func(t *testing.T, _ map[string]any, dir string) {
				putFile(t, filepath.Join(filepath.Dir(dir), "victim"), "precious")
				os.Symlink(filepath.Join(filepath.Dir(dir), "victim"), filepath.Join(dir, "summary.md"))
			}),
			check: func(t *testing.T, dir, _ string) {
				if b, _ := os.ReadFile(filepath.Join(dir, "victim")); string(b) != "precious" {
					t.Errorf("victim = %q; want it untouched", b)
				}
			}},
		{name: "output: run folder a symlink", code: exitBadInput, want: []string{"is a symbolic link: give the directory it points to"},
			setup: func(t *testing.T, dir string) []string {
				copyRun(t, filepath.Join(dir, "real"))
				os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "run"))
				return []string{"report", "run"}
			}},
		{name: "report DIR/other.json", code: exitOK, want: []string{"other-scenario", "results  run/other.json"},
			setup: func(t *testing.T, dir string) []string {
				run(func(_ *testing.T, res map[string]any, _ string) { res["scenario"] = "other-scenario" })(t, dir)
				os.Rename(filepath.Join(dir, "run", results.ResultsFile), filepath.Join(dir, "run", "other.json"))
				copyFile(t, "../../report/testdata/upload-proxy/results.json", filepath.Join(dir, "run", results.ResultsFile))
				return []string{"report", "run/other.json"}
			}},
	}
}

// noRawControl fails when the terminal output holds ESC or BEL.
func noRawControl(t *testing.T, _ string, out string) {
	t.Helper()
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("output holds raw control characters: %q", clip(out))
	}
}

// oomlabIn runs the binary in dir, like oomlab(), and returns also the
// CPU time it used.
func oomlabIn(t *testing.T, dir string, timeout time.Duration, args ...string) (string, int, time.Duration) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	markRun(t, cmd)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	recordRun(t, cmd)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		return out.String(), exitCodeOf(err, ee), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		t.Fatalf("oomlab %v: still running after %s (hung)\n%s", args, timeout, clip(out.String()))
		return "", 0, 0
	}
}

func copyRun(t *testing.T, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{results.ResultsFile, results.SamplesFile, results.LoadFile} {
		copyFile(t, filepath.Join("../../report/testdata/upload-proxy", f), filepath.Join(dst, f))
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	putFile(t, dst, string(b))
}

func putFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return strings.ReplaceAll(s, "|", `\|`)
}

func clip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "…"
	}
	return s
}

// TestCancellableReturnsOnSignal: a report being rendered is abandoned at
// once when the context ends (SIGTERM), with exit 130.
func TestCancellableReturnsOnSignal(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	block := make(chan struct{})
	defer close(block)
	started := make(chan struct{})
	go func() { <-started; cancel(errors.New("terminated")) }() // SIGTERM while rendering
	err := cancellable(ctx, func() error { close(started); <-block; return nil })
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitInterrupted || !strings.Contains(err.Error(), "terminated") {
		t.Errorf("cancellable(blocked, cancelled) = %v; want exit %d saying terminated", err, exitInterrupted)
	}
	if err := cancellable(context.Background(), func() error { return nil }); err != nil {
		t.Errorf("cancellable(done) = %v; want nil", err)
	}
}
