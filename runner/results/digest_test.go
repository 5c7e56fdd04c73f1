package results

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/influxdata/tdigest"
)

// TestMergeDigests: latencies split over several runs (three repeats of
// different speeds) and merged from their stored digests give the
// percentiles of all of them together, within 2 %, where averaging each
// run's p95 is far off.
func TestMergeDigests(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var all []float64
	var parts []Digest
	var meanP95 float64
	for run, scale := range []float64{10, 50, 400} { // ms
		td := tdigest.NewWithCompression(DigestCompression)
		var mine []float64
		for range 20_000 + 5_000*run {
			v := scale * (0.5 + rng.ExpFloat64())
			mine, all = append(mine, v), append(all, v)
			td.Add(v*1e6, 1) // the load's digests hold nanoseconds
		}
		d := DigestOf(td)
		b, err := json.Marshal(d) // through the file, as merge reads it
		if err != nil {
			t.Fatal(err)
		}
		var back Digest
		if err := json.Unmarshal(b, &back); err != nil || back.Check() != nil {
			t.Fatalf("digest did not survive JSON: %v %v", err, back.Check())
		}
		parts = append(parts, back)
		meanP95 += exact(mine, 0.95) / 3
	}
	p50, p95, p99, ok := Quantiles(parts...)
	if !ok {
		t.Fatal("Quantiles: nothing merged")
	}
	for _, c := range []struct {
		q, got float64
	}{{0.50, p50}, {0.95, p95}, {0.99, p99}} {
		if want := exact(all, c.q); math.Abs(c.got-want) > 0.02*want {
			t.Errorf("merged p%.0f = %.1f ms; want %.1f ms ± 2%%", c.q*100, c.got, want)
		}
	}
	if want := exact(all, 0.95); math.Abs(meanP95-want) < 0.2*want {
		t.Errorf("the mean of the runs' p95s (%.1f ms) is within 20%% of the true p95 (%.1f ms): the test does not tell merging from averaging", meanP95, want)
	}
	if n := Digest(nil).Count(); n != 0 {
		t.Errorf("empty digest counts %v", n)
	}
	if _, _, _, ok := Quantiles(nil, Digest{}); ok {
		t.Error("Quantiles of empty digests: ok; want false")
	}
}

func exact(xs []float64, q float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

func TestDigestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    Digest
		want string // "" for valid
	}{
		{"empty", nil, ""},
		{"valid", Digest{{1.5, 3}, {20, 1}}, ""},
		{"negative mean", Digest{{-1, 1}}, "centroid 0"},
		{"NaN count", Digest{{1, math.NaN()}}, "centroid 0"},
		{"zero count", Digest{{1, 2}, {1, 0}}, "centroid 1"},
		{"infinite mean", Digest{{math.Inf(1), 1}}, "centroid 0"},
		{"too many", make(Digest, maxDigestCentroids+1), "centroids"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.d.Check()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Check() = %v; want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Check() = %v; want an error mentioning %q", err, tc.want)
			}
		})
	}
}
