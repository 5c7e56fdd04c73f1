package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/runner/pgtemp"
)

// newServiceCmd is how builtin services run: the harness re-executes its
// own binary as "oomlab service postgres --port N", a guard that brings the
// service up, prints a ready line, and takes it down (process and
// directory) on SIGTERM, on an interrupt, or when the harness dies.
func newServiceCmd() *cobra.Command {
	var port int
	cmd := &cobra.Command{
		Use:    "service postgres --port N",
		Short:  "Run a builtin service (started by the harness): a throwaway PostgreSQL",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] != "postgres" {
				return fmt.Errorf("service %q: unknown (known: postgres)", args[0])
			}
			// Once the harness is gone, writes to its pipes fail: they
			// must not kill the guard before it has cleaned up. Nor may a
			// second SIGTERM (the harness's death can bring two) make the
			// root's handler exit at once: the guard takes over SIGTERM,
			// SIGINT and SIGHUP, and every one only starts the cleanup.
			signal.Ignore(syscall.SIGPIPE)
			signal.Reset(syscall.SIGTERM, os.Interrupt, syscall.SIGHUP)
			if !pgtemp.GuardParent() {
				return errors.New("service postgres: the harness is gone")
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt, syscall.SIGHUP)
			defer stop()
			return pgtemp.Run(ctx, pgtemp.Config{Port: port, Out: os.Stdout, Log: os.Stderr})
		},
	}
	cmd.Flags().IntVar(&port, "port", 0, "loopback port to listen on")
	return cmd
}
