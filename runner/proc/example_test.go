//go:build linux

package proc_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/oomlab/oomlab/runner/proc"
)

// A target is started on a free loopback port, waited for, and stopped.
func ExampleStart() {
	ctx := context.Background()
	port, err := proc.FreePort("127.0.0.1")
	if err != nil {
		panic(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	p, err := proc.Start(ctx, proc.Spec{
		Name:         "upload-naive",
		Argv:         []string{"/usr/local/bin/target", "-addr", addr},
		OnStderrLine: func(line string) { /* parse GC traces here */ },
	})
	if err != nil {
		panic(err)
	}
	defer p.Stop(5 * time.Second)

	readyCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := proc.WaitReady(readyCtx, p, addr, "/healthz"); err != nil {
		fmt.Println(err) // the target's exit and stderr tail, or the deadline
		return
	}
	// ... drive load, sample p.PID() ...
	<-p.Done()
	code, signal := p.Exit()
	fmt.Println(code, signal, p.StderrTail())
}
