package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

var referenceDir = filepath.Join("..", "..", "docs", "reference")

// TestReferenceUpToDate fails when docs/reference is not what the code
// generates: a flag, command, help text or exit code changed without
// `go generate ./cmd/oomlab`.
func TestReferenceUpToDate(t *testing.T) {
	files, err := reference(newRoot())
	if err != nil {
		t.Fatal(err)
	}
	stale, err := staleReference(referenceDir, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("docs/reference is stale; run `go generate ./cmd/oomlab` and commit:\n  %s", strings.Join(stale, "\n  "))
	}
}

// TestReferenceStaleCaught shows the check above can fail: each change to
// the commands, made without regenerating, is named by the file it
// leaves stale.
func TestReferenceStaleCaught(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(root *cobra.Command)
		want   []string
	}{
		{"a flag added to run", func(root *cobra.Command) {
			run, _, _ := root.Find([]string{"run"})
			run.Flags().Bool("brand-new-flag", false, "a flag the reference does not know")
		}, []string{"cli/oomlab_run.md: differs", "man/oomlab-run.1: differs"}},
		{"a command added", func(root *cobra.Command) {
			root.AddCommand(&cobra.Command{Use: "brand-new", Short: "a command the reference does not know", Run: func(*cobra.Command, []string) {}})
		}, []string{"cli/oomlab_brand-new.md: missing", "man/oomlab-brand-new.1: missing", "cli/oomlab.md: differs"}},
		{"a command removed", func(root *cobra.Command) {
			list, _, _ := root.Find([]string{"list"})
			root.RemoveCommand(list)
		}, []string{"cli/oomlab_list.md: no longer generated", "man/oomlab-list.1: no longer generated"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := newRoot()
			tc.change(root)
			files, err := reference(root)
			if err != nil {
				t.Fatal(err)
			}
			stale, err := staleReference(referenceDir, files)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(stale, "\n")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("stale files do not name %q; got:\n%s", w, got)
				}
			}
		})
	}
}

// TestReferenceRoundTrip writes the reference and reads it back: what
// writeReference leaves is exactly what staleReference expects, and an
// older page in cli/ is removed.
func TestReferenceRoundTrip(t *testing.T) {
	files, err := reference(newRoot())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := writeReference(dir, map[string][]byte{"cli/oomlab_gone.md": []byte("old")}); err != nil {
		t.Fatal(err)
	}
	if err := writeReference(dir, files); err != nil {
		t.Fatal(err)
	}
	if stale, err := staleReference(dir, files); err != nil || len(stale) > 0 {
		t.Fatalf("stale after writing: %v %v", stale, err)
	}
}

// TestExitCodesMarkdown: the generated table has one row per exit code,
// in the order of exitCodes, and the --help table names the same codes.
func TestExitCodesMarkdown(t *testing.T) {
	md := string(exitCodesMarkdown())
	for _, e := range exitCodes {
		row := "| " + strconv.Itoa(e.code) + " | " + e.meaning + " |"
		if !strings.Contains(md, row) {
			t.Errorf("exit-codes.md lacks row %q", row)
		}
		if !strings.Contains(exitTable, "\n  "+strconv.Itoa(e.code)+" ") {
			t.Errorf("--help exit table lacks code %d:\n%s", e.code, exitTable)
		}
	}
	for _, line := range strings.Split(exitTable, "\n") {
		if len(line) > 78 {
			t.Errorf("exit table line wider than 78 columns: %q", line)
		}
	}
}
