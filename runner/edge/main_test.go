package edge

import (
	"testing"

	"github.com/oomlab/oomlab/runner/proc/proctest"
)

// Probes run targets: none may outlive the tests.
func TestMain(m *testing.M) { proctest.VerifyTestMain(m) }
