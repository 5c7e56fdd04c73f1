// Command gotrace allocates for a few seconds so that GODEBUG=gctrace=1
// prints real trace lines, and writes odd lines of its own to stderr in
// between: plain app output, a line without its newline (so the next GC
// line is glued to it), a very long line and bytes that are not UTF-8.
//
// Recorded with:
//
//	go build -o /tmp/gotrace ./testdata/gen/gotrace
//	GODEBUG=gctrace=1,scavtrace=1 /tmp/gotrace 2> testdata/go.trace
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

var sink [][]byte

func main() {
	t0 := time.Now()
	for i := 0; time.Since(t0) < 1500*time.Millisecond; i++ {
		sink = append(sink, make([]byte, 64<<10))
		if len(sink) > 2000 {
			sink = sink[1000:]
		}
		switch {
		case i%25000 == 0:
			fmt.Fprintln(os.Stderr, "app: progress", i)
		case i%25000 == 5000:
			// No newline: the runtime's next GC line lands on this line.
			fmt.Fprint(os.Stderr, "app: partial line ")
		case i%25000 == 10000:
			fmt.Fprintln(os.Stderr, "app: long "+strings.Repeat("x", 100_000))
		case i%25000 == 15000:
			os.Stderr.Write([]byte("app: \xff\xfe\x00garbage gc \x01@\n"))
		}
		if i%40000 == 20000 {
			runtime.GC()
		}
	}
	debug.FreeOSMemory()
}
