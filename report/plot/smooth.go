package plot

import "math"

// Smoothing for the dashboard's CPU and GC panels. CPU is sampled every
// 100 ms from clock ticks of 10 ms, so one sample moves in steps of about
// 10 % of a core; GC cycles come one at a time. Drawn raw, both are a
// band of noise; over a window of a few seconds they show the trend.

// smoothWindow is the trailing window the CPU and GC panels are smoothed
// over, in seconds: 3 s, widened for long runs so that a run holds at
// most about 100 windows.
func smoothWindow(end float64) float64 { return math.Max(3, math.Ceil(end/100)) }

// movingMean returns, for each i, the mean of the finite v[j] with
// t[i]−window < t[j] ≤ t[i] (a trailing window; t ascending). Points where
// the window holds no finite value are NaN. Two pointers: O(n).
func movingMean(t, v []float64, window float64) []float64 {
	n := min(len(t), len(v))
	out := make([]float64, n)
	sum, cnt, lo := 0.0, 0, 0
	for i := range n {
		if !math.IsNaN(v[i]) {
			sum += v[i]
			cnt++
		}
		for lo < i && t[lo] <= t[i]-window {
			if !math.IsNaN(v[lo]) {
				sum -= v[lo]
				cnt--
			}
			lo++
		}
		out[i] = math.NaN()
		if cnt > 0 {
			out[i] = sum / float64(cnt)
		}
	}
	return out
}

// slidingRate differentiates a cumulative count over a trailing window:
// at each sample i with a count,
//
//	rate(i) = (c[i] − c[j]) ÷ (t[i] − t[j]),
//
// j the earliest sample with a count and t[j] ≥ t[i] − window. Samples
// with no count (NaN) or before the load (t < 0) are skipped, and so are
// points whose window spans less than half its length (the first ones).
func slidingRate(t, c []float64, window float64) (ts, rate []float64) {
	var idx []int // samples with a count, in order
	lo := 0
	for i := range min(len(t), len(c)) {
		if math.IsNaN(c[i]) || t[i] < 0 {
			continue
		}
		idx = append(idx, i)
		for t[idx[lo]] < t[i]-window {
			lo++
		}
		j := idx[lo]
		if dt := t[i] - t[j]; dt >= window/2 {
			ts = append(ts, t[i])
			rate = append(rate, (c[i]-c[j])/dt)
		}
	}
	return ts, rate
}
