// Package savedtest supports the tests of report and its packages:
// synthetic runs built deterministically from functions of time (Spec),
// the recorded upload-proxy run and RSS curves under report/testdata,
// and golden files compared or rewritten with -update.
//
// Only tests import it. It imports report/saved, report/format,
// runner/results and scenarios: nothing that judges or draws.
package savedtest
