//go:build !race

package scenarios

// raceSlowdown is 1 without the race detector.
const raceSlowdown = 1
