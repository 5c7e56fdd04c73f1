package results

import (
	"fmt"
	"math"

	"github.com/influxdata/tdigest"
)

// DigestCompression is the t-digest compression used for latencies, the
// value Vegeta uses: about 100 centroids, so a digest costs bounded memory
// and results.json a few kilobytes a stage.
const DigestCompression = 100

// maxDigestCentroids bounds a digest read from a file: a digest made with
// DigestCompression holds a few hundred centroids at most, so more is a
// damaged or hostile file.
const maxDigestCentroids = 10_000

// Digest is a t-digest of latencies in milliseconds, written to
// results.json as [mean, count] pairs, so that runs made apart merge into
// true percentiles (Merge) rather than averaged ones.
type Digest [][2]float64

// DigestOf returns the centroids of d, whose values are nanoseconds, as a
// Digest in milliseconds; nil for an empty digest.
func DigestOf(d *tdigest.TDigest) Digest {
	if d == nil {
		return nil
	}
	cs := d.Centroids()
	if len(cs) == 0 {
		return nil
	}
	out := make(Digest, 0, len(cs))
	for _, c := range cs {
		out = append(out, [2]float64{c.Mean / 1e6, c.Weight})
	}
	return out
}

// Check reports a digest that cannot have come from oomlab: too many
// centroids, a negative, infinite or NaN mean, a count that is not
// positive and finite.
func (d Digest) Check() error {
	if len(d) > maxDigestCentroids {
		return fmt.Errorf("latency digest has %d centroids; at most %d are read", len(d), maxDigestCentroids)
	}
	for i, c := range d {
		if !(c[0] >= 0 && c[0] < math.Inf(1)) || !(c[1] > 0 && c[1] < math.Inf(1)) {
			return fmt.Errorf("latency digest centroid %d is [%v, %v]: want a mean ≥ 0 and a count > 0", i, c[0], c[1])
		}
	}
	return nil
}

// Count is how many latencies the digest holds.
func (d Digest) Count() float64 {
	var n float64
	for _, c := range d {
		n += c[1]
	}
	return n
}

// MergeDigests merges digests into one t-digest of milliseconds; nil when
// none holds a centroid. Invalid centroids (see Check) are skipped.
func MergeDigests(ds ...Digest) *tdigest.TDigest {
	var td *tdigest.TDigest
	for _, d := range ds {
		for _, c := range d {
			if !(c[0] >= 0 && c[0] < math.Inf(1)) || !(c[1] > 0 && c[1] < math.Inf(1)) {
				continue
			}
			if td == nil {
				td = tdigest.NewWithCompression(DigestCompression)
			}
			td.Add(c[0], c[1])
		}
	}
	return td
}

// Quantiles returns the p50, p95 and p99 in milliseconds of the merged
// digests, and false when they hold nothing.
func Quantiles(ds ...Digest) (p50, p95, p99 float64, ok bool) {
	td := MergeDigests(ds...)
	if td == nil {
		return 0, 0, 0, false
	}
	return td.Quantile(0.50), td.Quantile(0.95), td.Quantile(0.99), true
}
