package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// ciOutputs writes what CI systems read, from a rendered run in dir:
// JUnit XML to junitPath (when set); summary.md appended to the file
// named by GITHUB_STEP_SUMMARY (when set); ::error annotations on w for
// every failed check under GitHub Actions (GITHUB_ACTIONS=true).
func ciOutputs(w io.Writer, dir, junitPath string, files report.Files) error {
	run, err := saved.LoadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		return err
	}
	if junitPath != "" {
		var b bytes.Buffer
		if err := report.WriteJUnit(&b, []*saved.Run{run}, [][]judge.Verdict{files.Verdicts}, files.Gate); err != nil {
			return err
		}
		if err := writeUserFile(junitPath, b.Bytes()); err != nil {
			return fmt.Errorf("--junit: %w", err)
		}
		fmt.Fprintf(w, "output   %s\n", junitPath)
	}
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
		if err := appendFile(p, filepath.Join(dir, report.MarkdownFile)); err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		return report.GitHubAnnotations(w, run.Results.Scenario, files.Verdicts, files.Gate)
	}
	return nil
}

// appendFile appends the content of src to dst (created when missing).
func appendFile(dst, src string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return appendBytes(dst, b)
}

// writeUserFile writes a file the user named (--junit, a baseline) as
// every output is written: never through a symbolic link, replacing only
// a regular file oomlab could have written (results.OutDir).
func writeUserFile(path string, data []byte) error {
	return results.WriteFileIn(filepath.Dir(path), filepath.Base(path), data)
}

// appendBytes appends b and a blank line to dst (created when missing),
// never through a symbolic link.
func appendBytes(dst string, b []byte) error {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
