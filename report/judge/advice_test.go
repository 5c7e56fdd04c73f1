package judge

import (
	"strings"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
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

// TestAdviceForEveryRuntime: each pattern's fix names the idiom of every
// runtime a scenario may declare but "other", and the tools to see where
// the memory goes, so no target reads advice for a runtime it is not.
func TestAdviceForEveryRuntime(t *testing.T) {
	for pattern, f := range patternAdvice {
		for _, rt := range scenarios.Runtimes() {
			if rt == scenarios.RuntimeOther {
				continue
			}
			if f.How[rt] == "" {
				t.Errorf("pattern %s: no fix for runtime %s", pattern, rt)
			}
			if runtimeAdvice[rt] == "" || runtimeNames[rt] == "" {
				t.Errorf("runtime %s: no tools or name", rt)
			}
		}
	}
}

// TestAdviceSpeaksTheTargetsRuntime: the advice a leaking target gets
// names its own runtime's idiom and no other runtime's.
func TestAdviceSpeaksTheTargetsRuntime(t *testing.T) {
	res := &results.Results{ScenarioSpec: &scenarios.Scenario{Pattern: "upload-proxy"}}
	leaking := Verdict{Class: ClassOOMKilled}
	for _, tc := range []struct {
		runtime string
		want    []string
		not     []string
	}{
		{"go", []string{"In Go: hand r.Body", "go tool pprof"}, []string{"Node:", "JVM:", "Python:"}},
		{"node", []string{"In Node: stream.pipeline", "--heapsnapshot-near-heap-limit"}, []string{"Go:", "JVM:", "Python:"}},
		{"jvm", []string{"In JVM: in.transferTo(out)", "Semaphore", "jcmd PID GC.class_histogram"}, []string{"Go:", "Node:", "Python:"}},
		{"python", []string{"In Python: read wsgi.input in fixed-size chunks", "BoundedSemaphore", "tracemalloc"}, []string{"Go:", "Node:", "JVM:"}},
		{"other", []string{"Stream the request body", "compare RSS with the runtime's own heap"}, []string{"Go:", "Node:", "JVM:", "Python:"}},
	} {
		t.Run(tc.runtime, func(t *testing.T) {
			got := recommend(res, results.Target{Runtime: tc.runtime}, leaking)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("advice lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("advice to a %s target speaks of %q:\n%s", tc.runtime, n, got)
				}
			}
		})
	}
}
