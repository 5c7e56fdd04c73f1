package edge

import (
	"fmt"
	"math"

	"github.com/dustin/go-humanize"
)

// The load generator's ceilings, measured on the reference machine (2
// cores, loopback, the generator alone against a server that does
// nothing with what it gets; /work/shared/MEASURED.md, 2026-11-25).
const (
	// GeneratorRequestsPerSecond: Vegeta with its workers capped at 100
	// sent 15k requests/s cleanly to a hello server (18k at best;
	// oomlab's own load path reached 31.7k with 1024 workers).
	GeneratorRequestsPerSecond = 15000
	// GeneratorUploadBytesPerSecond: Vegeta sent 1.4 GiB/s of 1 MiB
	// bodies with 4 workers (0.77 with one, 1.6 with 16).
	GeneratorUploadBytesPerSecond = 1.4 * (1 << 30)
	// CeilingShare of the generator's ceiling is the search's default
	// ceiling. During a probe the generator shares the two cores with the
	// target, which must take in every byte sent (about as costly as
	// sending it): half. On a machine shared with other work the
	// generator must still keep to its schedule within a second (a probe
	// lagging more is not judged): half again. And measured: with 1 MiB
	// bodies, in the three searches of 2026-11-30 on the shared machine
	// the generator fell behind in 1 of 3 probes at 320/s (a quarter) and
	// 1 of 4 at 640/s, in none of 3 at 160/s: half again, an eighth.
	// With this default, later searches that day fell behind in 1
	// of 9 probes at 160/s (lagging 1.1 s), which the retry judged.
	CeilingShare = 1.0 / 8
)

// GeneratorCeiling is the rate the load generator sustains with bodies of
// bodyBytes on the reference machine, from its two measured ceilings: a
// request costs 1 ÷ GeneratorRequestsPerSecond of its time, and each
// byte of body 1 ÷ GeneratorUploadBytesPerSecond, so
//
//	ceiling = 1 ÷ (1 ÷ 15000 + body ÷ 1.4 GiB/s)
//
// (1309/s for 1 MiB, 15000/s for no body).
func GeneratorCeiling(bodyBytes int64) float64 {
	return 1 / (1/float64(GeneratorRequestsPerSecond) + float64(max(bodyBytes, 0))/GeneratorUploadBytesPerSecond)
}

// DefaultMaxRate is the search's default ceiling for a scenario whose
// requests carry bodyBytes, searched from start: the largest
// start × 2ᵏ at most CeilingShare × GeneratorCeiling(bodyBytes), so the
// doubling phase ends on the ceiling itself (start when that is above the
// share). Upload-proxy, 1 MiB bodies from 10/s: 1309 ÷ 8 = 164, so 160/s.
// source says how it was derived, for the results.
func DefaultMaxRate(start float64, bodyBytes int64) (rate float64, source string) {
	limit := CeilingShare * GeneratorCeiling(bodyBytes)
	rate = start
	if start > 0 && limit > start {
		rate = start * math.Pow(2, math.Floor(math.Log2(limit/start)+1e-9))
	}
	rate = math.Round(rate*100) / 100
	source = fmt.Sprintf("default: the largest %s/s × 2ᵏ within an eighth of the load generator's measured ceiling for %s bodies (%.0f/s on 2 cores)",
		rateText(start), humanize.IBytes(uint64(max(bodyBytes, 0))), GeneratorCeiling(bodyBytes))
	return rate, source
}
