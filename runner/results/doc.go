// Package results is oomlab's output model: the plain, versioned structs
// written to results.json and the rows streamed to samples.csv and
// load.csv, with streaming readers for both. It is the seam between runner
// (which writes them) and report (which only reads them), so it imports
// nothing of oomlab but scenarios, and nothing that starts processes.
package results
