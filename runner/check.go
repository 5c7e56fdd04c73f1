package runner

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/oomlab/oomlab/fixtures"
	"github.com/oomlab/oomlab/scenarios"
)

// Check reports what in a parsed scenario only the runner can judge:
// builtins it does not ship (a Go target must name a Go fixture, a
// Node.js target a Node.js one), a command whose program cannot be
// started here (not in PATH, with a did-you-mean; a path that is missing
// or not executable: see findProgram) and a request body it would refuse (over
// scenarios.MaxBodyBytes, or a body.file that is not a regular file). It
// reads no body and starts nothing, so `oomlab validate` calls it as
// `oomlab run` does (Run calls it first): what validate accepts, run
// does not reject for these reasons. Each problem is an error matching
// scenarios.ErrInvalid; several are joined.
func Check(sc *scenarios.Scenario) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &scenarios.Error{File: sc.Name, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	for i, t := range sc.Targets {
		if t.Builtin == "" {
			if len(t.Command) > 0 {
				if err := findProgram(t.Command[0], t.Dir, targetPath(t)); err != nil {
					bad(fmt.Sprintf("targets[%d].command", i), "%s: %v", t.Name, err)
				}
			}
			continue
		}
		field := fmt.Sprintf("targets[%d].builtin", i)
		if t.Runtime == "node" {
			if _, ok := fixtures.NodeScript(t.Builtin); !ok {
				bad(field, "no built-in Node.js target %q (have %s)", t.Builtin, strings.Join(fixtures.NodeNames(), ", "))
			}
		} else if !slices.Contains(fixtures.Names(), t.Builtin) {
			bad(field, "no built-in Go target %q (have %s)", t.Builtin, strings.Join(fixtures.Names(), ", "))
		}
	}
	for i, k := range sc.Load.Kinds() {
		field := "load.request.body"
		if len(sc.Load.Requests) > 0 {
			field = fmt.Sprintf("load.requests[%d].body", i)
		} else if sc.Load.TargetsFile != "" {
			field = fmt.Sprintf("load.targets_file (kind %s): body", k.Name)
		}
		b := k.Body
		if b.File != "" {
			if err := scenarios.CheckRegularFile(b.File, scenarios.MaxBodyBytes); err != nil {
				bad(field+".file", "%v", err)
			}
		}
		if int64(b.Size) > scenarios.MaxBodyBytes {
			bad(field+".size", "%d bytes is more than the %d a body may be", int64(b.Size), scenarios.MaxBodyBytes)
		}
	}
	return errors.Join(errs...)
}
