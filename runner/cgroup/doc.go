// Package cgroup puts target processes under a memory limit the way a
// container would: one memory cgroup per target, created under the
// harness's own cgroup, with swap disabled so the limit is the limit. It
// prefers cgroup v2 when the unified hierarchy can hand the memory
// controller to child groups, falls back to the cgroup v1 memory
// controller, and otherwise reports mode "none" with the reason, so that a
// run can go on without a limit and say why.
//
// The file system root is configurable (Detect's root), so that detection
// and the control files can be tested against fake trees in testdata.
//
// It is part of runner; it imports nothing of oomlab and must not import
// report, fixtures, Vegeta or gopsutil (Stats runs every sample and stays
// cheap). Memory cgroups are Linux-only: elsewhere Detect reports mode
// "none".
package cgroup
