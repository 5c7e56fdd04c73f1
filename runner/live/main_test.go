package live

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/oomlab/oomlab/runner/proc/proctest"
)

// Every goroutine a Display starts (its own and mpb's) ends with Close.
func TestMain(m *testing.M) { goleak.VerifyTestMain(proctest.Main(m)) }
