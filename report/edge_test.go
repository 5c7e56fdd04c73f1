package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved/savedtest"
)

func TestEdgeSummary(t *testing.T) {
	var buf bytes.Buffer
	EdgeSummary(&buf, savedtest.EdgeRun())
	got := buf.String()
	for _, want := range []string{
		"upload-proxy — breaking point under the downstream's slow downstream phase, 256 MiB limit (cgroup-v1), probes of 20 s",
		"upload-naive (go, naive): edge 10.63/s (held 10.63/s, failed 11.25/s)",
		"upload-aware (go, aware): holds ≥ 320/s (the highest rate offered in full; the load generator, not the target, limited the search)",
		"ceiling 640/s — given (--max-rate)",
		"yes (2nd)",
		"did not survive: oom-killed",
		"n/a",
		"32 slots ÷ (2 s latency + 1 MiB body ÷ 1.0 MB/s) = 10.50 requests/s",
		"holds ≥ 30.1× the load",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("EdgeSummary lacks %q:\n%s", want, got)
		}
	}
	savedtest.Golden(t, ".txt", buf.Bytes())
}
