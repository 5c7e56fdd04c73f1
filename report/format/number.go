package format

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// BytesPerMiB is the number of bytes in a mebibyte: figures in MiB are
// bytes ÷ BytesPerMiB.
const BytesPerMiB = 1 << 20

// MiB writes a size in MiB: "256 MiB", "14.5 MiB" (one decimal below 100
// MiB unless whole).
func MiB(v float64) string {
	if v == math.Trunc(v) || v >= 100 {
		return fmt.Sprintf("%.0f MiB", v)
	}
	return fmt.Sprintf("%.1f MiB", v)
}

// BytesMiB writes a byte count in MiB, as MiB does.
func BytesMiB(b int64) string { return MiB(float64(b) / BytesPerMiB) }

// Limit writes a memory limit and how it was enforced: "256 MiB
// (cgroup-v1)", or "256 MiB" when mode is "".
func Limit(bytes int64, mode string) string {
	s := BytesMiB(bytes)
	if mode != "" {
		s += " (" + mode + ")"
	}
	return s
}

// Rate writes a rate as given, without trailing zeros: 10, 2.5.
func Rate(r float64) string { return strconv.FormatFloat(r, 'f', -1, 64) }

// RateShort writes a measured rate with two significant digits: 0.5,
// 3.1, 19.
func RateShort(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprintf("%.1f", r)
}

// Slope writes a measured RSS slope, signed: two decimals below 1
// MiB/s, one from there on, and never "-0.00": "+0.02 MiB/s", "-0.31
// MiB/s", "+4.1 MiB/s". Every slope a report shows is written by this
// rule (SlopeBare, SlopeSE), so a table and a verdict's reason agree.
func Slope(v float64) string { return SlopeBare(v) + " MiB/s" }

// SlopeBare is Slope without its unit, for a column headed "MiB/s".
func SlopeBare(v float64) string {
	d := slopeDecimals(v)
	return fmt.Sprintf("%+.*f", d, noNegativeZero(v, d))
}

// SlopeSE writes a slope and its uncertainty, both with the decimals
// Slope would give the finer of the two: "+0.65 ± 0.12 MiB/s", "+1.50 ±
// 0.03 MiB/s", "+4.7 ± 2.4 MiB/s".
func SlopeSE(v, pm float64) string {
	d := max(slopeDecimals(v), slopeDecimals(pm))
	return fmt.Sprintf("%+.*f ± %.*f MiB/s", d, noNegativeZero(v, d), d, pm)
}

// SlopeLimit writes a slope threshold as it was given, unsigned and
// without trailing zeros: "0.5 MiB/s", "0.125 MiB/s".
func SlopeLimit(v float64) string { return Rate(v) + " MiB/s" }

func slopeDecimals(v float64) int {
	if math.Abs(v) < 0.995 {
		return 2
	}
	return 1
}

// noNegativeZero returns 0 for a v that rounds to zero at d decimals.
func noNegativeZero(v float64, d int) float64 {
	if math.Abs(v) < 0.5*math.Pow(10, -float64(d)) {
		return 0
	}
	return v
}

// Ms writes a time in milliseconds — a latency, a pause, how long a
// capture took — with two significant digits or more: "0.42 ms", "3.1
// ms", "120 ms", "2.3 s" (seconds from 1000 ms on).
func Ms(ms float64) string {
	switch {
	case ms >= 1000:
		return fmt.Sprintf("%.1f s", ms/1000)
	case ms >= 10:
		return fmt.Sprintf("%.0f ms", ms)
	case ms >= 1:
		return fmt.Sprintf("%.1f ms", ms)
	default:
		return fmt.Sprintf("%.2f ms", ms)
	}
}

// Duration writes whole seconds as "60s", anything else as time.Duration
// does.
func Duration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}

// Percent writes a ratio as "99.2%" ("100%" and "0%" exact).
func Percent(r float64) string {
	p := r * 100
	if p == float64(int64(p)) {
		return fmt.Sprintf("%.0f%%", p)
	}
	return fmt.Sprintf("%.1f%%", p)
}

// Plural returns one when n is 1, many otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Round rounds v to prec decimal places, so verdicts.json and the golden
// files do not carry float noise.
func Round(v float64, prec int) float64 {
	p := math.Pow(10, float64(prec))
	return math.Round(v*p) / p
}

// RunLabel names run i of a comparison or a merge: "A" … "Z", then "AA",
// "AB" … as spreadsheet columns are named, so that no two of the runs of
// a large merge (run --all --repeat 10 is 100 runs) share a label.
func RunLabel(i int) string {
	if i < 0 {
		i = 0
	}
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

// Versus names what the runs of a comparison ran: "upload-proxy", or
// "upload-proxy vs slow-db-queue" (the first name, then every name that
// differs from it).
func Versus(names []string) string {
	var out []string
	for i, v := range names {
		if i == 0 || v != names[0] {
			out = append(out, v)
		}
	}
	return strings.Join(out, " vs ")
}
