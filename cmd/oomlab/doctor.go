package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/runner/cgroup"
)

func newDoctorCmd() *cobra.Command {
	var root string
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Say how a memory limit would be enforced on this machine, and why (changes nothing)",
		Long: `doctor says where oomlab would put each target's memory cgroup on this machine:
the placements it tries in order, why each one before the chosen one is refused,
and what it would write. It changes nothing: run it as the user (and with the
privileges) that will run oomlab.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := os.Stat(filepath.Join(root, "proc/self")); err != nil && filepath.Clean(root) != "/" {
				return &exitError{code: exitBadInput, err: fmt.Errorf("doctor: --root %s: %w", root, err)}
			}
			m, err := cgroup.Explain(root)
			if err != nil {
				return err
			}
			writeDoctor(cmd.OutOrStdout(), m, root)
			return nil
		},
	}
	cmd.Flags().StringVar(&root, "root", "/", "read a recorded tree (proc/self, sys/fs/cgroup, run/systemd) under this directory instead of the machine")
	_ = cmd.Flags().MarkHidden("root")
	return cmd
}

// doctorWidth is where doctor wraps its explanations.
const doctorWidth = 96

// writeDoctor prints the placements m tried and its verdict. Paths under
// a recorded tree's root are shown as they are on the recorded machine.
func writeDoctor(w io.Writer, m *cgroup.Manager, root string) {
	clean := func(s string) string {
		if r := filepath.Clean(root); r != "/" {
			s = strings.ReplaceAll(s, r, "")
		}
		return s
	}
	fmt.Fprintln(w, "memory limit placements, tried in order:")
	for _, a := range m.Attempts() {
		verdict := "refused"
		if a.Used {
			verdict = "USED"
		}
		fmt.Fprintf(w, "  %-15s %s\n", a.Placement, verdict)
		for _, line := range wrap(clean(a.Detail), doctorWidth-6) {
			fmt.Fprintf(w, "      %s\n", line)
		}
	}
	fmt.Fprintln(w)
	var verdict string
	switch m.Mode() {
	case cgroup.ModeNone:
		verdict = "no memory cgroup: a watchdog stands in, killing a target whose RSS passes the limit; the kernel does not. " +
			"To get a kernel limit, see the refusals above: run as root, in a container started with --privileged " +
			"(own cgroup namespace, holding only oomlab), or where a systemd user manager runs."
	case cgroup.ModeV1:
		verdict = "cgroup v1: each target in its own memory cgroup with memory.limit_in_bytes set to the scenario's limit " +
			"(memory+swap too when swap is on, swappiness 0); the kernel OOM-kills a target at its limit."
	default:
		verdict = fmt.Sprintf("cgroup v2 via %s: each target in its own memory cgroup with memory.max set to the scenario's limit, "+
			"memory.swap.max 0 and memory.oom.group 1; the kernel OOM-kills a target at its limit.", m.Placement())
	}
	for i, line := range wrap(verdict, doctorWidth-8) {
		if i == 0 {
			fmt.Fprintf(w, "result: %s\n", line)
		} else {
			fmt.Fprintf(w, "        %s\n", line)
		}
	}
}

// wrap breaks s into lines of at most width bytes at spaces (a longer
// word stands alone on its line).
func wrap(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, word := range strings.Fields(s) {
		if cur.Len() > 0 && cur.Len()+1+len(word) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(word)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
