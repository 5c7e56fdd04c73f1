package live

import (
	"testing"

	"go.uber.org/goleak"
)

// Every goroutine a Display starts (its own and mpb's) ends with Close.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
