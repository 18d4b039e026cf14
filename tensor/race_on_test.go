//go:build race

package tensor

// raceEnabled reports a -race build: its sync.Pool drops items at random
// (to expose code that relies on reuse), so allocation counts mean nothing.
const raceEnabled = true
