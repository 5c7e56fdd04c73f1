package runner

import (
	"fmt"
	"net"
	"strings"
)

// portHint says why a target that did not become ready on addr (its
// $PORT) might not have: the addresses its process tree listens on
// instead (listening, from proc.ListeningAddrs), or that it listens on
// none. It is appended to the readiness error, whose words alone — "did
// not listen within 5s" — are the same for a server on a fixed port and
// one that never serves.
func portHint(addr string, listening []string) string {
	_, port, _ := net.SplitHostPort(addr)
	for _, a := range listening {
		if _, p, _ := net.SplitHostPort(a); p == port {
			return fmt.Sprintf("it listens on %s, but did not answer the readiness probe in time (raise ready_timeout, or check ready_path)", a)
		}
	}
	if len(listening) == 0 {
		return fmt.Sprintf("none of its processes listens on a TCP port: it must serve HTTP on 127.0.0.1:$PORT (PORT=%s here; ${PORT} in its command is expanded)", port)
	}
	return fmt.Sprintf("its processes listen on %s instead: it must listen on the port oomlab gives it in $PORT (%s here), not a fixed one — read PORT from the environment, or put ${PORT} in its command",
		strings.Join(listening, ", "), port)
}
