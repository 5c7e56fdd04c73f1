package saved_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
)

func TestLoad(t *testing.T) {
	run := savedtest.Upload(t)
	if got := len(run.Series); got != 2 {
		t.Fatalf("Load: %d series; want 2", got)
	}
	naive, aware := run.Series[0], run.Series[1]
	// 0.1 s samples from -0.5 s to the kill at 27.3 s, and to 40 s.
	if n := len(naive.T); n != 279 {
		t.Errorf("upload-naive samples = %d; want 279", n)
	}
	if n := len(aware.T); n != 406 {
		t.Errorf("upload-aware samples = %d; want 406", n)
	}
	if n := len(naive.LoadT); n != 28 {
		t.Errorf("upload-naive load windows = %d; want 28", n)
	}
	for name, s := range map[string]*saved.Series{"naive": naive, "aware": aware} {
		if len(s.RSSMiB) != len(s.T) || len(s.CPUPercent) != len(s.T) || len(s.GCCount) != len(s.T) ||
			len(s.HeapMiB) != len(s.T) || len(s.CgroupMiB) != len(s.T) {
			t.Errorf("%s: sample columns differ in length", name)
		}
		if len(s.P95Ms) != len(s.LoadT) || len(s.Successes) != len(s.LoadT) {
			t.Errorf("%s: load columns differ in length", name)
		}
	}
	if m := saved.FiniteMax(naive.RSSMiB); m < 250 || m > 256 {
		t.Errorf("upload-naive max RSS = %.1f MiB; want 250-256", m)
	}

	byFile, err := saved.Load(filepath.Join(savedtest.UploadDir(), results.ResultsFile))
	if err != nil {
		t.Fatalf("Load(results.json path): %v", err)
	}
	if len(byFile.Series[0].T) != len(naive.T) {
		t.Errorf("Load(file) read %d samples; Load(dir) %d", len(byFile.Series[0].T), len(naive.T))
	}
}

func TestLoadPartial(t *testing.T) {
	res, err := os.ReadFile(filepath.Join(savedtest.UploadDir(), results.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("no csv", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, results.ResultsFile, res)
		run, err := saved.Load(dir)
		if err != nil {
			t.Fatalf("Load(results.json only): %v", err)
		}
		notes := strings.Join(run.Notes, "\n")
		for _, want := range []string{"samples.csv is missing", "load.csv is missing"} {
			if !strings.Contains(notes, want) {
				t.Errorf("Load(results.json only).Notes = %q; want %q", run.Notes, want)
			}
		}
	})
	t.Run("truncated partial", func(t *testing.T) {
		var r results.Results
		if err := json.Unmarshal(res, &r); err != nil {
			t.Fatal(err)
		}
		r.Partial, r.PartialReason = true, "interrupted"
		b, _ := json.Marshal(r)
		dir := t.TempDir()
		writeFile(t, dir, results.ResultsFile, b)
		samples, _ := os.ReadFile(filepath.Join(savedtest.UploadDir(), results.SamplesFile))
		writeFile(t, dir, results.SamplesFile, samples[:len(samples)/2]) // cut mid-row
		run, err := saved.Load(dir)
		if err != nil {
			t.Fatalf("Load(truncated partial): %v", err)
		}
		if n := len(run.Series[0].T); n < 100 {
			t.Errorf("Load(truncated) kept %d samples; want the rows before the cut", n)
		}
		if notes := strings.Join(run.Notes, "\n"); !strings.Contains(notes, "partial run: interrupted") ||
			!strings.Contains(notes, "samples.csv ends early") {
			t.Errorf("Load(truncated).Notes = %q; want partial and ends-early notes", run.Notes)
		}
	})
	t.Run("corrupt complete", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, results.ResultsFile, res)
		writeFile(t, dir, results.SamplesFile, []byte("not,a,samples,file\n"))
		if _, err := saved.Load(dir); err == nil || !strings.HasPrefix(err.Error(), "report: ") {
			t.Errorf("Load(corrupt samples.csv) = %v; want a report: error", err)
		}
	})
	t.Run("empty dir", func(t *testing.T) {
		if _, err := saved.Load(t.TempDir()); !errors.Is(err, saved.ErrNoResults) {
			t.Errorf("Load(empty dir) = %v; want ErrNoResults", err)
		}
	})
}

func writeFile(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
