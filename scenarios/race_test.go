//go:build race

package scenarios

// raceSlowdown is how much slower code runs under the race detector, for
// CPU-time budgets.
const raceSlowdown = 5
