//go:build linux

package proc

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// loopbackListen are the local addresses, as /proc/net/tcp and tcp6 write
// them, whose listener answers a connection to 127.0.0.1: the address
// itself and the wildcards (and the IPv4-mapped form of both in tcp6).
var loopbackListen = map[string]bool{
	"0100007F": true, "00000000": true,
	"00000000000000000000000000000000": true,
	"0000000000000000FFFF00000100007F": true,
	"0000000000000000FFFF000000000000": true,
}

// ForeignListener reports whether a socket listening on port, where a
// connection to 127.0.0.1:port would land, belongs to none of pids — that
// is, whether what answered a readiness probe on the port is some other
// process's server, which took the port between oomlab choosing it and the
// target binding it. It answers false when it finds no listener on the
// port at all (it cannot tell). procRoot is "/proc" outside tests.
func ForeignListener(procRoot string, port int, pids []int) (bool, error) {
	var listening []string
	for _, f := range []string{"net/tcp", "net/tcp6"} {
		inodes, err := listenInodes(filepath.Join(procRoot, f), port)
		if err != nil && !os.IsNotExist(err) {
			return false, err
		}
		listening = append(listening, inodes...)
	}
	if len(listening) == 0 {
		return false, nil
	}
	owned := socketInodes(procRoot, pids)
	for _, ino := range listening {
		if !owned[ino] {
			return true, nil
		}
	}
	return false, nil
}

// listenInodes returns the inodes of the sockets in LISTEN state on port
// at a loopback or wildcard address in a /proc/net/tcp-format file.
func listenInodes(path string, port int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	want := fmt.Sprintf(":%04X", port)
	var out []string
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		// sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
		if len(fields) < 10 || fields[3] != "0A" || !strings.HasSuffix(fields[1], want) {
			continue
		}
		if loopbackListen[strings.TrimSuffix(fields[1], want)] {
			out = append(out, fields[9])
		}
	}
	return out, sc.Err()
}

// ListeningAddrs returns the addresses ("127.0.0.1:8000", "[::]:3000")
// that the processes pids listen on for TCP, sorted, each once: what a
// target's tree listens on when it does not listen on the port it was
// given. procRoot is "/proc" outside tests. Processes whose descriptors
// cannot be read own nothing that can be seen.
func ListeningAddrs(procRoot string, pids []int) ([]string, error) {
	owned := socketInodes(procRoot, pids)
	seen := map[string]bool{}
	var out []string
	for _, f := range []string{"net/tcp", "net/tcp6"} {
		addrs, err := listenAddrs(filepath.Join(procRoot, f))
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		for ino, a := range addrs {
			if owned[ino] && !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// socketInodes returns the inodes of the sockets the processes pids hold
// open.
func socketInodes(procRoot string, pids []int) map[string]bool {
	owned := map[string]bool{}
	for _, pid := range pids {
		dir := filepath.Join(procRoot, strconv.Itoa(pid), "fd")
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			l, err := os.Readlink(filepath.Join(dir, e.Name()))
			if err == nil && strings.HasPrefix(l, "socket:[") {
				owned[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
			}
		}
	}
	return owned
}

// listenAddrs maps the inode of each socket in LISTEN state of a
// /proc/net/tcp-format file to its local address.
func listenAddrs(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" {
			continue
		}
		if a, ok := procAddr(fields[1]); ok {
			out[fields[9]] = a
		}
	}
	return out, sc.Err()
}

// procAddr decodes a /proc/net/tcp local address, "0100007F:1F40" (IPv4)
// or 32 hex digits and a port (IPv6): the address is written as 32-bit
// words in the host's (little-endian) order.
func procAddr(s string) (string, bool) {
	hexIP, hexPort, ok := strings.Cut(s, ":")
	port, err := strconv.ParseUint(hexPort, 16, 16)
	if !ok || err != nil || (len(hexIP) != 8 && len(hexIP) != 32) {
		return "", false
	}
	b, err := hex.DecodeString(hexIP)
	if err != nil {
		return "", false
	}
	for i := 0; i+4 <= len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	ip := net.IP(b)
	if v4 := ip.To4(); v4 != nil && len(b) == 16 && !ip.Equal(net.IPv6unspecified) {
		ip = v4
	}
	return net.JoinHostPort(ip.String(), strconv.FormatUint(port, 10)), true
}
