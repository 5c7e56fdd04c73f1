// Package proc starts and stops the target processes oomlab measures: each
// in its own process group, killed with the harness (Pdeathsig), stopped
// with SIGTERM then SIGKILL to the whole group, its output read line by line
// into bounded tails. It also waits for a target to listen (WaitReady) and
// checks that addresses stay on loopback.
//
// It is part of runner and may only be imported by runner and its
// subpackages; it must not import report, fixtures or Vegeta. Process
// management is Linux-only; on other platforms Start returns ErrUnsupported.
package proc
