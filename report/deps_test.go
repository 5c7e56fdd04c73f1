package report

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/oomlab/oomlab"

// reportImports says, for every package under report, which packages of
// the module it may import directly: the layout of report/doc.go. A new
// package under report must be added here, with its rule.
var reportImports = map[string][]string{
	// Renderers: they take verdicts and render them.
	"report": {"report/judge", "report/plot", "report/saved", "report/format", "runner/results"},
	// The judge: every verdict, check and gate status.
	"report/judge": {"report/saved", "report/format", "runner/results", "runner/results/curve", "scenarios"},
	// The only importer of gonum.org/v1/plot.
	"report/plot": {"report/judge", "report/saved", "report/format", "runner/results"},
	// A saved run as read from its folder.
	"report/saved": {"runner/results", "scenarios"},
	// Formatting and escaping.
	"report/format": {},
	// Test support: synthetic and recorded runs, golden files.
	"report/saved/savedtest": {"report/saved", "report/format", "runner/results", "scenarios"},
}

// pkg is one package of the module as go list sees it (test files not
// included).
type pkg struct {
	path    string   // relative to the module: "report/plot"
	imports []string // direct imports, full paths
	deps    []string // every dependency, full paths
}

// listModule returns every package of the module.
func listModule(t *testing.T) []pkg {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	out, err := exec.Command(gobin, "list", "-f", "{{.ImportPath}}|{{join .Imports \",\"}}|{{join .Deps \",\"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 3 {
			t.Fatalf("go list: odd line %q", line)
		}
		p := pkg{path: strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")}
		if f[1] != "" {
			p.imports = strings.Split(f[1], ",")
		}
		if f[2] != "" {
			p.deps = strings.Split(f[2], ",")
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func isReport(path string) bool { return path == "report" || strings.HasPrefix(path, "report/") }

func isGonumPlot(path string) bool {
	return path == "gonum.org/v1/plot" || strings.HasPrefix(path, "gonum.org/v1/plot/")
}

// TestDeps keeps report from reaching the runner, Vegeta or os/exec, so a
// saved run can always be rendered again without them; keeps gonum/plot
// in report/plot; keeps the judge's internals (runner/results/curve) out
// of the renderers and the plots; and holds every package under report
// to the imports reportImports allows.
func TestDeps(t *testing.T) {
	pkgs := listModule(t)
	seen := map[string]bool{}
	for _, p := range pkgs {
		for _, imp := range p.imports {
			if isGonumPlot(imp) && p.path != "report/plot" {
				t.Errorf("%s imports %s; only report/plot may", p.path, imp)
			}
		}
		if !isReport(p.path) {
			continue
		}
		seen[p.path] = true
		for _, dep := range p.deps {
			runner := dep == module+"/runner" || strings.HasPrefix(dep, module+"/runner/") &&
				dep != module+"/runner/results" && dep != module+"/runner/results/curve"
			if runner || strings.HasPrefix(dep, "github.com/tsenart/vegeta") || dep == "os/exec" {
				t.Errorf("%s depends on %s; report must read saved results only", p.path, dep)
			}
			if p.path != "report/plot" && !slices.Contains(p.imports, module+"/report/plot") && isGonumPlot(dep) {
				t.Errorf("%s depends on %s without going through report/plot", p.path, dep)
			}
		}
		allowed, ok := reportImports[p.path]
		if !ok {
			t.Errorf("%s has no import rule: add it to reportImports and say its role in its doc.go", p.path)
			continue
		}
		for _, imp := range p.imports {
			rel, ok := strings.CutPrefix(imp, module+"/")
			if ok && !slices.Contains(allowed, rel) {
				t.Errorf("%s imports %s; it may import only %q of the module", p.path, rel, allowed)
			}
		}
	}
	for _, p := range []string{"report", "report/saved", "report/format", "report/plot"} {
		if !seen[p] {
			t.Errorf("go list found no package %s", p)
		}
	}
	// The judge never draws: not through report/plot either.
	for _, p := range pkgs {
		if p.path != "report/judge" {
			continue
		}
		for _, dep := range p.deps {
			if dep == module+"/report/plot" || isGonumPlot(dep) {
				t.Errorf("report/judge depends on %s; the judge must not draw", dep)
			}
		}
	}
}

// TestNoWallClock keeps the wall clock out of report and its packages:
// every time it shows comes from the files it reads.
func TestNoWallClock(t *testing.T) {
	n := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		n++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, bad := range []string{"time.Now(", "time.Since("} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s calls %s; report must not read the wall clock", path, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Errorf("read %d Go files under report; want the whole tree", n)
	}
}
