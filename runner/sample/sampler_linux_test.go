//go:build linux

package sample

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/oomlab/oomlab/runner/proc/proctest"
)

// helperEnv makes the test binary act as a target process (the os/exec
// tests' trick): "sleep" holds 64 MiB and waits for stdin to close;
// "spin" burns CPU until stdin closes.
const helperEnv = "SAMPLE_TEST_HELPER"

const helperMiB = 64

var sink []byte

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "sleep":
		sink = make([]byte, helperMiB<<20)
		for i := range sink {
			sink[i] = 1 // touch every page so it is resident
		}
		helperWait(nil)
	case "spin":
		stop := make(chan struct{})
		helperWait(stop)
	}
	goleak.VerifyTestMain(proctest.Main(m))
}

// helperWait says "ready" on stdout, then waits for stdin to close,
// spinning meanwhile when stop is not nil, and exits.
func helperWait(stop chan struct{}) {
	if stop != nil {
		go func() {
			// Spinning is the point: this helper burns a CPU.
			for {
				select {
				case <-stop:
					return
				default: //lint:ignore SA5004 spinning is the point
				}
			}
		}()
	}
	os.Stdout.WriteString("ready\n")
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// startHelper starts the test binary in a helper mode and waits for it
// to be ready. The caller closes stdin to stop it and must Wait.
func startHelper(t *testing.T, mode string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	return startHelperVia(t, mode, func(exe string) *exec.Cmd { return exec.Command(exe, "-test.run=^$") })
}

// startHelperVia is startHelper with the command made by via from the
// test binary's path (a shell in front of it, say).
func startHelperVia(t *testing.T, mode string, via func(exe string) *exec.Cmd) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := via(exe)
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err == nil && line != "ready\n" {
			err = errors.New("helper said " + line)
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("helper %s: %v", mode, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("helper %s not ready within 20s", mode)
	}
	return cmd, stdin
}

func TestReadStatus(t *testing.T) {
	tests := []struct {
		name     string
		pid      int
		want     Status
		wantGone bool
		wantErr  bool
	}{
		{name: "running", pid: 4242, want: Status{VmRSS: 204800 << 10, VmHWM: 262144 << 10, Threads: 11}},
		{name: "zombie", pid: 4243, wantGone: true, wantErr: true},
		{name: "kernel thread", pid: 4244, want: Status{Threads: 1}},
		{name: "malformed VmHWM", pid: 4245, wantErr: true},
		{name: "cut before Threads", pid: 4246, wantErr: true},
		{name: "missing", pid: 9999, wantGone: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadStatus("testdata/proc", tt.pid)
			if (err != nil) != tt.wantErr || errors.Is(err, ErrGone) != tt.wantGone || got != tt.want {
				t.Errorf("ReadStatus(testdata/proc, %d) = %+v, %v; want %+v, error %v, gone %v",
					tt.pid, got, err, tt.want, tt.wantErr, tt.wantGone)
			}
		})
	}
}

func TestSampleFakeTree(t *testing.T) {
	tests := []struct {
		name        string
		pid         int
		want        Proc
		wantNewGone bool
		wantErr     bool
	}{
		// statm: 51200 pages of 4 KiB; status: VmHWM 262144 kB, 11 threads;
		// fd/ has 7 entries.
		{name: "running", pid: 4242, want: Proc{RSSBytes: 51200 * 4096, HWMBytes: 262144 << 10, Threads: 11, FDs: 7}},
		// VmHWM (100 kB) lags RSS (30 pages): the peak is at least RSS.
		{name: "lazy high-water mark", pid: 4248, want: Proc{RSSBytes: 30 * 4096, HWMBytes: 30 * 4096, Threads: 1, FDs: 1}},
		{name: "statm unreadable", pid: 4247, wantErr: true},
		{name: "zombie", pid: 4243, wantNewGone: true},
		{name: "missing", pid: 9999, wantNewGone: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.pid, WithProcRoot("testdata/proc"))
			if errors.Is(err, ErrGone) != tt.wantNewGone || (err != nil && !tt.wantNewGone) {
				t.Fatalf("New(%d) error = %v; want gone %v", tt.pid, err, tt.wantNewGone)
			}
			if err != nil {
				return
			}
			got, err := s.Sample()
			if (err != nil) != tt.wantErr || errors.Is(err, ErrGone) || got != tt.want {
				t.Errorf("Sample() of fake pid %d = %+v, %v; want %+v, error %v (not gone)",
					tt.pid, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// copyTree copies testdata/proc's stat and one pid's files into a
// temporary proc root that a test may change.
func copyTree(t *testing.T, pid string) string {
	t.Helper()
	root := t.TempDir()
	for _, rel := range []string{"stat", pid + "/status", pid + "/stat", pid + "/statm", pid + "/fd/0"} {
		data, err := os.ReadFile(filepath.Join("testdata/proc", rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestSampleCPUPercent(t *testing.T) {
	root := copyTree(t, "4242")
	s, err := New(4242, WithProcRoot(root))
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1_800_000_000, 0)
	s.now = func() time.Time { return clock }

	writeStat := func(utime, stime string) {
		stat := "4242 (node) S 4200 4242 2785 0 -1 4194560 9000 0 0 0 " + utime + " " + stime +
			" 0 0 20 0 11 0 111842 1043181568 51200 18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
		if err := os.WriteFile(filepath.Join(root, "4242/stat"), []byte(stat), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name         string
		advance      time.Duration
		utime, stime string
		want         float64
	}{
		{"first sample", 0, "150", "50", 0},
		// +50 +25 ticks = 0.75 s of CPU in 0.5 s: one and a half cores.
		{"busy", 500 * time.Millisecond, "200", "75", 150},
		{"idle", time.Second, "200", "75", 0},
		// +10 ticks in 100 ms: one core, the finest step at 10 Hz.
		{"one tick step", 100 * time.Millisecond, "210", "75", 100},
	}
	for _, st := range steps {
		clock = clock.Add(st.advance)
		writeStat(st.utime, st.stime)
		p, err := s.Sample()
		if err != nil {
			t.Fatalf("%s: Sample() error = %v", st.name, err)
		}
		if diff := p.CPUPercent - st.want; diff > 1e-9 || diff < -1e-9 {
			t.Errorf("%s: Sample().CPUPercent = %v; want %v", st.name, p.CPUPercent, st.want)
		}
	}

	if err := os.RemoveAll(filepath.Join(root, "4242")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sample(); !errors.Is(err, ErrGone) {
		t.Errorf("Sample() after the pid directory went = %v; want ErrGone", err)
	}
}

func TestSampleRealChild(t *testing.T) {
	cmd, stdin := startHelper(t, "sleep")
	s, err := New(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if p.RSSBytes < helperMiB<<20 || p.HWMBytes < p.RSSBytes || p.Threads < 1 || p.FDs < 3 || p.CPUPercent != 0 {
		t.Errorf("Sample() of a child holding %d MiB = %+v; want RSS >= %d MiB, HWM >= RSS, threads >= 1, fds >= 3, first CPU 0",
			helperMiB, p, helperMiB)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Sample(); !errors.Is(err, ErrGone) {
		t.Errorf("Sample() after the child exited and was reaped = %+v, %v; want ErrGone", p, err)
	}
}

func TestSampleZombie(t *testing.T) {
	cmd, _ := startHelper(t, "sleep")
	s, err := New(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Wait for the child to exit without reaping it: from then on it is
	// a zombie, and the sampler must say it is gone.
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, cmd.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EINTR) {
			t.Fatalf("waitid: %v", err)
		}
	}
	if p, err := s.Sample(); !errors.Is(err, ErrGone) {
		t.Errorf("Sample() of a killed, unreaped child = %+v, %v; want ErrGone", p, err)
	}
	cmd.Wait()
}

// cpuTicks reads utime + stime (in 1/100 s) from /proc/PID/stat with a
// parser of its own, so that the test does not lean on gopsutil's.
func cpuTicks(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the ")" that closes the command name: state is field 3,
	// utime 14 and stime 15 (man 5 proc).
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	u, err1 := strconv.ParseInt(f[14-3], 10, 64)
	s, err2 := strconv.ParseInt(f[15-3], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad stat %q", data)
	}
	return u + s
}

// TestSampleCPUOfSpinningChild checks CPUPercent of a real busy child
// against CPU times read around each sample, and against the total the
// kernel reports when the child is reaped (rusage). How much CPU the
// child gets depends on what else the machine runs, so the figures must
// agree rather than equal 100.
func TestSampleCPUOfSpinningChild(t *testing.T) {
	cmd, stdin := startHelper(t, "spin")
	pid := cmd.Process.Pid
	s, err := New(pid)
	if err != nil {
		t.Fatal(err)
	}
	t1 := cpuTicks(t, pid)
	if _, err := s.Sample(); err != nil {
		t.Fatal(err)
	}
	t2 := cpuTicks(t, pid)
	start := time.Now()
	t3 := accrue(t, pid, t2+accrueTicks, 20*time.Second)
	p, err := s.Sample()
	window := time.Since(start).Seconds()
	t4 := cpuTicks(t, pid)
	stdin.Close()
	if werr := cmd.Wait(); werr != nil {
		t.Fatal(werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	used := p.CPUPercent / 100 * window
	lo, hi := float64(t3-t2)/100, float64(t4-t1)/100
	total := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	// window is measured a little apart from the sampler's own clock: 5%.
	if p.CPUPercent < 0 || used < lo*0.95-0.01 || used > hi*1.05+0.01 || used > total+0.02 {
		t.Errorf("Sample().CPUPercent = %.1f over %.2fs (%.3fs of CPU); want %.3f..%.3fs as /proc says, and <= %.3fs the child used in all",
			p.CPUPercent, window, used, lo, hi, total)
	}
	t.Logf("spinning child: %.1f%% of a core over %.2fs; %.3fs CPU in all", p.CPUPercent, window, total)
}

// accrueTicks is the CPU time (in 1/100 s) the spinning child is given
// between two samples: enough for the sampler's figure to mean something.
const accrueTicks = 30

// accrue waits, reading /proc every 10 ms, until pid has used want ticks
// of CPU, and returns what it has used; how long that takes depends on
// what else the machine runs, so the wait is for the CPU, not the time.
func accrue(t *testing.T, pid int, want int64, within time.Duration) int64 {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		if got := cpuTicks(t, pid); got >= want {
			return got
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("pid %d used %d CPU ticks in %s; want %d", pid, cpuTicks(t, pid), within, want)
		}
	}
}

func TestSelf(t *testing.T) {
	s, err := Self()
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Sample()
	if err != nil || p.RSSBytes <= 0 || p.HWMBytes < p.RSSBytes || p.Threads < 1 || s.PID() != os.Getpid() {
		t.Errorf("Self().Sample() = %+v, %v; want RSS > 0, HWM >= RSS, threads >= 1", p, err)
	}
}

func TestNewInvalidPID(t *testing.T) {
	for _, pid := range []int{0, -1, 1 << 40} {
		if _, err := New(pid); err == nil || errors.Is(err, ErrGone) {
			t.Errorf("New(%d) error = %v; want an invalid-pid error", pid, err)
		}
	}
}

// TestSampleFDsRefresh: the descriptor count is listed at most once per
// FDRefresh; the samples in between repeat it.
func TestSampleFDsRefresh(t *testing.T) {
	root := copyTree(t, "4242") // fd/ holds one entry
	s, err := New(4242, WithProcRoot(root))
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1_800_000_000, 0)
	s.now = func() time.Time { return clock }
	addFD := func(name string) {
		if err := os.WriteFile(filepath.Join(root, "4242/fd", name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		advance time.Duration
		add     string // a descriptor opened before the sample
		want    int32
	}{
		{0, "", 1},
		{100 * time.Millisecond, "1", 1},
		{800 * time.Millisecond, "2", 1}, // 0.9 s since the listing
		{100 * time.Millisecond, "", 3},  // 1 s: listed again
		{500 * time.Millisecond, "3", 3}, // repeated
		{FDRefresh, "", 4},               // listed again
	}
	for i, st := range steps {
		clock = clock.Add(st.advance)
		if st.add != "" {
			addFD(st.add)
		}
		p, err := s.Sample()
		if err != nil {
			t.Fatalf("step %d: Sample = %v", i, err)
		}
		if p.FDs != st.want {
			t.Errorf("step %d (+%v): FDs = %d; want %d", i, st.advance, p.FDs, st.want)
		}
	}
}
