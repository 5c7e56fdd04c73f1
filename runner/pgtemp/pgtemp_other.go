//go:build !linux

package pgtemp

import (
	"context"
	"errors"
)

// ErrUnsupported is returned by Run on platforms other than Linux.
var ErrUnsupported = errors.New("pgtemp: a throwaway PostgreSQL needs linux (process groups, Pdeathsig)")

// GuardParent does nothing here.
func GuardParent() bool { return true }

// Run fails: see ErrUnsupported.
func Run(context.Context, Config) error { return ErrUnsupported }
