package runner

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/shirou/gopsutil/v4/host"
	"github.com/shirou/gopsutil/v4/mem"

	"github.com/oomlab/oomlab/runner/results"
)

// environment describes this machine for the results.
func environment() results.Environment {
	env := results.Environment{OS: runtime.GOOS + "/" + runtime.GOARCH, CPUs: runtime.NumCPU(), GoVersion: runtime.Version()}
	if info, err := host.Info(); err == nil {
		env.OS = info.Platform + " " + info.PlatformVersion + " (" + runtime.GOOS + "/" + runtime.GOARCH + ")"
		env.Kernel = info.KernelVersion
	}
	if vm, err := mem.VirtualMemory(); err == nil {
		env.MemoryBytes = vm.Total
	}
	env.Hostname, _ = os.Hostname()
	env.NodeVersion = nodeVersion("node")
	return env
}

// nodeVersion asks node for its version; "" when node is missing.
func nodeVersion(node string) string {
	path, err := exec.LookPath(node)
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
