//go:build linux

package proc

import (
	"net"
	"os"
	"path/filepath"
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
