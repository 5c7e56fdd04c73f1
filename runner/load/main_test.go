package load

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/oomlab/oomlab/runner/proc/proctest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(proctest.Main(m))
}
