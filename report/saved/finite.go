package saved

import "math"

// A series marks what was not measured as NaN (see Series); these read
// its extremes over what was.

// FiniteMax returns the largest finite value of v, or NaN when there is
// none.
func FiniteMax(v []float64) float64 {
	m := math.NaN()
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) && (math.IsNaN(m) || x > m) {
			m = x
		}
	}
	return m
}

// FiniteMin returns the smallest finite value of v, or NaN when there is
// none.
func FiniteMin(v []float64) float64 {
	m := math.NaN()
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) && (math.IsNaN(m) || x < m) {
			m = x
		}
	}
	return m
}
