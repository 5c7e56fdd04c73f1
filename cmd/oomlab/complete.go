package main

import (
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/scenarios"
)

// Shell completion: `oomlab completion bash|zsh|fish` (cobra's generator)
// completes these from the functions below.

// completeScenario offers the builtin scenarios' names, then files.
func completeScenario(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, in := range scenarios.Builtins() {
		if strings.HasPrefix(in.Name, toComplete) {
			out = append(out, cobra.CompletionWithDesc(in.Name, in.Description))
		}
	}
	return out, cobra.ShellCompDirectiveDefault
}

// completeTarget offers "NAME=" for every target of the scenario named by
// the command's first argument, for --target.
func completeTarget(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	sc, err := scenarios.Lookup(args[0])
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, t := range sc.Targets {
		if strings.HasPrefix(t.Name+"=", toComplete) {
			out = append(out, t.Name+"=")
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// fixed completes a flag from a fixed list of values.
func fixed(values ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}

// dirsOnly completes directories (saved runs).
func dirsOnly(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

// registerCompletions wires the completion functions to the commands and
// flags of root.
func registerCompletions(root *cobra.Command) {
	for _, c := range root.Commands() {
		switch c.Name() {
		case "run":
			c.ValidArgsFunction = completeScenario
			_ = c.RegisterFlagCompletionFunc("target", completeTarget)
			_ = c.RegisterFlagCompletionFunc("runtime", fixed(append(scenarios.Runtimes(), "all")...))
			_ = c.RegisterFlagCompletionFunc("limit-mode", fixed(runner.LimitAuto, runner.LimitCgroup, runner.LimitWatchdog))
			_ = c.RegisterFlagCompletionFunc("memory-limit", fixed("128MiB", "256MiB", "512MiB", "1GiB", "2GiB"))
		case "validate":
			c.ValidArgsFunction = completeScenario
		case "report", "compare":
			c.ValidArgsFunction = dirsOnly
			if c.Flags().Lookup("tolerance") != nil {
				_ = c.RegisterFlagCompletionFunc("tolerance", fixed("5%", "10%", "15%", "25%"))
			}
		case "gate":
			c.ValidArgsFunction = dirsOnly
			_ = c.RegisterFlagCompletionFunc("tolerance", fixed("5%", "10%", "15%", "25%"))
		}
	}
}

// buildVersion is version as stamped by the Makefile, else what the Go
// toolchain recorded: the module version for `go install …@v1.2.3`, or
// the VCS revision (with "-dirty") for a build from a checkout.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return version
	}
	return "dev-" + rev[:min(12, len(rev))] + dirty
}
