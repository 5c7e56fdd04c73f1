package evidence

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/oomlab/oomlab/runner/results"
)

// ParseSmapsRollup reads /proc/PID/smaps_rollup: lines "Key:   N kB" after
// a header line. File-backed is Rss − Anonymous (shared memory included);
// shared is Shared_Clean + Shared_Dirty. Rss is required.
func ParseSmapsRollup(r io.Reader) (results.Smaps, error) {
	var s results.Smaps
	var sharedClean, sharedDirty int64
	haveRSS := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			continue // the header line ("5555-7fff ---p ... [rollup]") or an unknown shape
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb < 0 {
			return results.Smaps{}, fmt.Errorf("evidence: smaps_rollup: %s: bad value %q", key, f[0])
		}
		b := kb << 10
		switch key {
		case "Rss":
			s.RSSBytes, haveRSS = b, true
		case "Anonymous":
			s.AnonymousBytes = b
		case "Shared_Clean":
			sharedClean = b
		case "Shared_Dirty":
			sharedDirty = b
		case "Private_Dirty":
			s.PrivateDirtyBytes = b
		case "Swap":
			s.SwapBytes = b
		}
	}
	if err := sc.Err(); err != nil {
		return results.Smaps{}, fmt.Errorf("evidence: smaps_rollup: %w", err)
	}
	if !haveRSS {
		return results.Smaps{}, fmt.Errorf("evidence: smaps_rollup: no Rss line")
	}
	s.FileBackedBytes = max(s.RSSBytes-s.AnonymousBytes, 0)
	s.SharedBytes = sharedClean + sharedDirty
	return s, nil
}
