// Package saved reads a saved oomlab run from its folder: results.json,
// samples.csv and load.csv become a Run with one Series per target (NaN
// where a figure was not measured). It bounds what it reads (the size of
// the files, the targets, the points kept per series, decimating past
// that), so any folder can be read without exhausting memory.
//
// It imports runner/results and scenarios only: no judging, formatting
// or plotting, no runner, Vegeta or os/exec, and no wall clock.
package saved
