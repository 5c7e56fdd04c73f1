// Package scenarios is oomlab's input model: a Scenario names the targets to
// compare, the open-loop load that drives them, the mock downstream's
// timeline and the memory limit they run under. Parse reads one from YAML,
// reporting every problem with its file, line and field; it then fills the
// defaults, so a returned Scenario is complete. The built-in catalog is
// embedded from builtin/*.yaml. A load may mix request kinds (Load.Kinds),
// written inline or in a Vegeta targets file, which it reads with its own
// reader of that format: Vegeta is the runner's to import.
//
// The package only reads bytes: it keeps no clock, starts no goroutine or
// process, and must not import runner, report or fixtures.
package scenarios
