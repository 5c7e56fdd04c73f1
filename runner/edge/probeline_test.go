package edge

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oomlab/oomlab/runner/results"
)

func TestProbeLine(t *testing.T) {
	good := 0.98
	for _, tc := range []struct {
		name string
		p    results.EdgeProbe
		want string
	}{
		{"fails, with a reason", results.EdgeProbe{RatePerSecond: 12.5, SlopeMiBPerSec: 2.41, TimeToLimitSeconds: 90, SuccessRatio: 1,
			GoodputRatio: &good, P95Ms: 5200, RSSPeakBytes: 81 << 20, Reasons: []string{"RSS climbs"}},
			"   12.5/s  fails  slope +2.41 MiB/s, time to limit 90 s, success 100%\n" +
				"           goodput 0.98, p95 5200 ms, peak RSS 81 MiB\n" +
				"           — RSS climbs"},
		{"holds, never reaching the limit", results.EdgeProbe{RatePerSecond: 320, Holds: true, TimeToLimitSeconds: -1, SuccessRatio: 0.04, P95Ms: 700},
			"    320/s  holds  slope +0.00 MiB/s, time to limit -, success 4%\n" +
				"           goodput -, p95 700 ms, peak RSS 0 MiB"},
		{"inconclusive", results.EdgeProbe{RatePerSecond: 1000.25, Inconclusive: true, SlopeMiBPerSec: -12.5, TimeToLimitSeconds: 12345, SuccessRatio: 0.5, P95Ms: 99999, RSSPeakBytes: 4000 << 20},
			"1000.25/s  n/a    slope -12.50 MiB/s, time to limit 12345 s, success 50%\n" +
				"           goodput -, p95 99999 ms, peak RSS 4000 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ProbeLine(tc.p)
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
			for _, l := range strings.Split(got, "\n") {
				if n := utf8.RuneCountInString(l); n > 78 {
					t.Errorf("line of %d columns (> 78, the log indents it by 2): %q", n, l)
				}
				if strings.Contains(l, "ttl") {
					t.Errorf("abbreviation ttl in %q", l)
				}
			}
		})
	}
}
