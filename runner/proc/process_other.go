//go:build !linux

package proc

import (
	"context"
	"fmt"
	"os"
)

// Start returns ErrUnsupported: target processes are started on Linux only.
func Start(ctx context.Context, s Spec) (*Process, error) {
	return nil, fmt.Errorf("proc: start %s: %w", s.name(), ErrUnsupported)
}

// Signal returns ErrUnsupported: no Process is ever started on this platform.
func (p *Process) Signal(sig os.Signal) error {
	return ErrUnsupported
}

// ForeignListener cannot tell off Linux: it answers false.
func ForeignListener(procRoot string, port int, pids []int) (bool, error) { return false, nil }

// ListeningAddrs finds nothing outside Linux: there is no /proc to read.
func ListeningAddrs(procRoot string, pids []int) ([]string, error) { return nil, nil }
