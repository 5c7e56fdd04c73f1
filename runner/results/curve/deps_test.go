package curve

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDeps keeps curve plain, so that the runner and the report can both
// import it: of oomlab it imports runner/results only, it never draws
// (gonum/plot), and it starts no process.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, imp := range strings.Fields(string(out)) {
		if strings.HasPrefix(imp, "github.com/oomlab/oomlab") && imp != "github.com/oomlab/oomlab/runner/results" {
			t.Errorf("curve imports %s; of oomlab it may import runner/results only", imp)
		}
	}
	out, err = exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "gonum.org/v1/plot") || dep == "os/exec" || dep == "github.com/oomlab/oomlab/runner" ||
			dep == "github.com/oomlab/oomlab/report" {
			t.Errorf("curve depends on %s", dep)
		}
	}
}

// TestOneFit keeps curve's Line the only least-squares fit of the
// module: a second one would let two parts of oomlab tell one curve's
// story two ways (issue 19).
func TestOneFit(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Skipf("module root not found: %v", err)
	}
	here, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	fit := regexp.MustCompile(`LinearRegression|sxy|Σ\(x`)
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || filepath.Dir(path) == here {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if loc := fit.FindIndex(b); loc != nil {
			rel, _ := filepath.Rel(root, path)
			t.Errorf("%s: %q: a least-squares fit outside curve; use curve.Line", rel, b[loc[0]:loc[1]])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
