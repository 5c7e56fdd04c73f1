package judge

import (
	"github.com/oomlab/oomlab/report/saved"
)

// Runs judges each run once: its result (verdicts[i] are runs[i]'s)
// is what WriteAll, WriteCatalog, GateOf and the CLI's other outputs
// take.
func Runs(runs []*saved.Run) [][]Verdict {
	out := make([][]Verdict, len(runs))
	for i, r := range runs {
		out[i] = Judge(r)
	}
	return out
}
