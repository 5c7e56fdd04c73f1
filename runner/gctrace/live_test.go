package gctrace

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"
)

// runTraced runs argv with TraceArgs applied and feeds one output stream
// (stderr for Go, stdout for Node) to a Tracker line by line.
func runTraced(t *testing.T, runtime string, argv, env []string, stdout bool) *Tracker {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	argv, env = TraceArgs(runtime, argv, env)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	var r io.ReadCloser
	var err error
	if stdout {
		r, err = cmd.StdoutPipe()
	} else {
		r, err = cmd.StderrPipe()
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tr := NewTracker(runtime)
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		tr.Feed(sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%q: %v", argv, err)
	}
	return tr
}

func TestLiveGo(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), helperEnv+"=alloc")
	tr := runTraced(t, RuntimeGo, []string{exe}, env, false)
	// Three forced cycles at least; the runtime may add its own.
	if c, h := tr.Snapshot(); c < 3 || h < 0 {
		t.Errorf("Snapshot() of a Go child forcing 3 GCs = %d, %d; want >= 3, >= 0", c, h)
	}
}

func TestLiveNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	script := "let k=[];for(let i=0;i<300000;i++){k.push({i});if(k.length>50000)k=[]}"
	tr := runTraced(t, RuntimeNode, []string{node, "-e", script}, os.Environ(), true)
	if c, h := tr.Snapshot(); c < 1 || h <= 0 {
		t.Errorf("Snapshot() of node's stdout = %d, %d; want >= 1, > 0", c, h)
	}
}
