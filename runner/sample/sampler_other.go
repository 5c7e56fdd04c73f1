//go:build !linux

package sample

import (
	"errors"
	"fmt"
	"os"
)

// errNotLinux is what every call returns off Linux.
var errNotLinux = fmt.Errorf("sample: reading /proc needs Linux: %w", errors.ErrUnsupported)

// New returns an error: per-process sampling reads /proc, which only
// Linux has.
func New(pid int, opts ...Option) (*Sampler, error) { return nil, errNotLinux }

// Self returns an error off Linux, like New.
func Self() (*Sampler, error) { return New(os.Getpid()) }

// Sample returns an error off Linux.
func (s *Sampler) Sample() (Proc, error) { return Proc{}, errNotLinux }

// ReadStatus returns an error off Linux.
func ReadStatus(procRoot string, pid int) (Status, error) { return Status{}, errNotLinux }
