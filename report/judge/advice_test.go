package judge

import (
	"testing"

	"github.com/oomlab/oomlab/scenarios"
)

// TestAdviceForEveryBuiltin ties the catalog to the advice: a builtin
// scenario whose pattern has no entry in patternAdvice would silently get
// the generic advice.
func TestAdviceForEveryBuiltin(t *testing.T) {
	for _, info := range scenarios.Builtins() {
		if _, ok := patternAdvice[info.Pattern]; !ok {
			t.Errorf("builtin %s: pattern %q has no advice in patternAdvice", info.Name, info.Pattern)
		}
	}
}
