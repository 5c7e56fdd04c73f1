package load

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"go.uber.org/goleak"

	"github.com/oomlab/oomlab/runner/proc/proctest"
)

// helperEnv selects a helper program: the test binary re-executed, as
// os/exec's own tests do.
const helperEnv = "OOMLAB_LOAD_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	goleak.VerifyTestMain(proctest.Main(m))
}

// runHelper is the main of the helper programs; it returns the exit code.
// "server" serves answers of ?bytes=N zero bytes on a loopback port it
// prints, until its stdin closes.
func runHelper(mode string) int {
	if mode != "server" {
		fmt.Fprintf(os.Stderr, "unknown helper %q\n", mode)
		return 2
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(ln.Addr())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("bytes"))
		answer(n)(w, r)
	}))
	return 1
}

// helperServer starts the server helper in a process of its own, so that
// its memory is not the attacker's, and returns its base URL. It ends
// when the test or benchmark does.
func helperServer(tb testing.TB) string {
	tb.Helper()
	c := exec.Command(os.Args[0])
	c.Env = append(os.Environ(), helperEnv+"=server", "GORACE=atexit_sleep_ms=0")
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	c.Stderr = os.Stderr
	stdin, err := c.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := c.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		c.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("server helper: %v", err)
	}
	return "http://" + addr[:len(addr)-1]
}
