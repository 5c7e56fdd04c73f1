//go:build linux

package proc

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestForeignListener on the real /proc: a listener of this process is
// ours when our pid is given, foreign when only another's is; a port
// nobody listens on cannot be told.
func TestForeignListener(t *testing.T) {
	for _, network := range []string{"tcp4", "tcp6"} {
		addr := "127.0.0.1:0"
		if network == "tcp6" {
			addr = "[::]:0"
		}
		l, err := net.Listen(network, addr)
		if err != nil {
			t.Skipf("SKIPPED %s: %v", network, err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		tests := []struct {
			name string
			pids []int
			want bool
		}{
			{"ours", []int{os.Getpid()}, false},
			{"another process's", []int{os.Getppid()}, true},
			{"no pid at all", nil, true},
		}
		for _, tt := range tests {
			got, err := ForeignListener("/proc", port, tt.pids)
			if err != nil || got != tt.want {
				t.Errorf("%s %s: ForeignListener = %v, %v; want %v", network, tt.name, got, err, tt.want)
			}
		}
		l.Close()
		if got, err := ForeignListener("/proc", port, nil); err != nil || got {
			t.Errorf("%s closed: ForeignListener = %v, %v; want false (nothing listens)", network, got, err)
		}
	}
}

// TestListenInodes reads a fake /proc/net/tcp: only LISTEN sockets on the
// port, at 127.0.0.1 or the wildcard, count.
func TestListenInodes(t *testing.T) {
	const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0000000000000000 100 0 0 10 0
   2: 0200007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0000000000000000 100 0 0 10 0
   3: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 444 1 0000000000000000 100 0 0 10 0
   4: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0
`
	path := filepath.Join(t.TempDir(), "tcp")
	if err := os.WriteFile(path, []byte(tcp), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := listenInodes(path, 0x1F90)
	if err != nil || len(got) != 2 || got[0] != "111" || got[1] != "222" {
		t.Errorf("listenInodes(:8080) = %v, %v; want [111 222] (127.0.0.2, an established socket and :8081 left out)", got, err)
	}
}

// TestListeningAddrs reads a fake /proc: the LISTEN sockets, IPv4 and
// IPv6, held open by the given processes, and no other.
func TestListeningAddrs(t *testing.T) {
	root := t.TempDir()
	const head = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	tcp := head +
		"   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0\n" + // 127.0.0.1:8000, ours
		"   1: 00000000:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0 100 0 0 10 0\n" + // 0.0.0.0:3000, another's
		"   2: 0100007F:1F41 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0 100 0 0 10 0\n" // established, ours
	tcp6 := head +
		"   0: 00000000000000000000000000000000:1388 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 444 1 0 100 0 0 10 0\n" + // [::]:5000, ours
		"   1: 00000000000000000000000001000000:1389 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0 100 0 0 10 0\n" // [::1]:5001, ours
	os.MkdirAll(filepath.Join(root, "net"), 0o755)
	os.WriteFile(filepath.Join(root, "net", "tcp"), []byte(tcp), 0o644)
	os.WriteFile(filepath.Join(root, "net", "tcp6"), []byte(tcp6), 0o644)
	for pid, socks := range map[string][]string{"42": {"111", "333"}, "43": {"444", "555"}, "99": {"222"}} {
		fd := filepath.Join(root, pid, "fd")
		os.MkdirAll(fd, 0o755)
		for i, ino := range socks {
			if err := os.Symlink("socket:["+ino+"]", filepath.Join(fd, string(rune('3'+i)))); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := ListeningAddrs(root, []int{42, 43, 7})
	want := []string{"127.0.0.1:8000", "[::1]:5001", "[::]:5000"}
	if err != nil || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ListeningAddrs = %q, %v; want %q", got, err, want)
	}
	if got, err := ListeningAddrs(root, nil); err != nil || len(got) != 0 {
		t.Errorf("ListeningAddrs(no pids) = %q, %v; want none", got, err)
	}

	// And on the real /proc: this process's own listener.
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Skipf("SKIPPED: %v", err)
	}
	defer l.Close()
	got, err = ListeningAddrs("/proc", []int{os.Getpid()})
	if err != nil || !slices.Contains(got, l.Addr().String()) {
		t.Errorf("ListeningAddrs(/proc, self) = %q, %v; want it to hold %s", got, err, l.Addr())
	}
}
