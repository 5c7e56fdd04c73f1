// Package cgroup puts target processes under a memory limit the way a
// container would: one memory cgroup per target, with swap disabled so
// the limit is the limit, and the kernel, not the harness, killing a
// target at its limit.
//
// Where the groups go is decided by Detect, in order (see Placement):
// on cgroup v2, the harness's own cgroup or the nearest enclosing one
// whose subtree already has memory; as root on a host, oomlab.slice under
// the v2 root; in a container with its own cgroup namespace holding only
// oomlab's processes, the namespace root after moving the harness into a
// leaf (as Docker-in-Docker entry points do); where systemd is PID 1, a
// transient scope per target with MemoryMax. Then the cgroup v1 memory
// controller; otherwise mode "none", with the reason, so that a run can
// go on under a watchdog and say why. Manager.Note says which placement
// was used and why each earlier one was refused; Explain decides the same
// without writing anything (oomlab doctor).
//
// Cleanup (Group.Remove, Manager.Sweep) kills with cgroup.kill where the
// kernel has it, otherwise pid by pid through pidfds, each checked to be
// still in the group, and removes nested groups depth first.
//
// The file system root is configurable (Detect's root), so that detection
// and the control files can be tested against fake trees in testdata,
// among them recorded layouts of real machines (testdata/layouts).
//
// It is part of runner; it imports nothing of oomlab and must not import
// report, fixtures, Vegeta or gopsutil (Stats runs every sample and stays
// cheap). Memory cgroups are Linux-only: elsewhere Detect reports mode
// "none", though Explain still reads a recorded tree.
package cgroup
