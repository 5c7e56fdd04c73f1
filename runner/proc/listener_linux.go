//go:build linux

package proc

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
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
	owned := map[string]bool{}
	for _, pid := range pids {
		dir := filepath.Join(procRoot, strconv.Itoa(pid), "fd")
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue // gone, or not ours to read: it owns nothing we can see
		}
		for _, e := range ents {
			l, err := os.Readlink(filepath.Join(dir, e.Name()))
			if err == nil && strings.HasPrefix(l, "socket:[") {
				owned[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
			}
		}
	}
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
