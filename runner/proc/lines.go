package proc

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"sync"
)

// Bounds on what is kept of a target's output.
const (
	// MaxLineBytes is the longest line handed to a callback or a tail;
	// the rest of a longer line is read and dropped.
	MaxLineBytes = 64 << 10
	// TailLines and TailBytes bound StderrTail and StdoutTail.
	TailLines = 40
	TailBytes = 8 << 10
)

// readLines reads r line by line until EOF or a read error, hands each line
// (without its "\n" or "\r\n", cut to MaxLineBytes) to t and to fn when fn is
// not nil. Memory use is bounded by MaxLineBytes whatever the input.
func readLines(r io.Reader, t *tail, fn func(string)) {
	br := bufio.NewReaderSize(r, MaxLineBytes)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			emit(line, t, fn)
			err = skipLine(br)
			if err != nil {
				return
			}
			continue
		}
		if len(line) > 0 {
			emit(line, t, fn)
		}
		if err != nil {
			return
		}
	}
}

// skipLine drops the rest of an over-long line, up to and including "\n".
func skipLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

func emit(line []byte, t *tail, fn func(string)) {
	n := len(line)
	if n > 0 && line[n-1] == '\n' {
		n--
		if n > 0 && line[n-1] == '\r' {
			n--
		}
	}
	s := string(line[:n])
	t.add(s)
	if fn != nil {
		fn(s)
	}
}

// tail keeps the last TailLines lines of at most TailBytes in all (a
// newline counted per line). A single line longer than TailBytes keeps
// its beginning. It is safe for concurrent use.
type tail struct {
	mu    sync.Mutex
	lines [TailLines]string
	first int // index of the oldest line
	n     int // lines held
	bytes int // sum of len(line)+1 over held lines
}

func (t *tail) add(s string) {
	if len(s) >= TailBytes {
		s = s[:TailBytes-1]
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == TailLines {
		t.drop()
	}
	t.lines[(t.first+t.n)%TailLines] = s
	t.n++
	t.bytes += len(s) + 1
	for t.bytes > TailBytes {
		t.drop()
	}
}

func (t *tail) drop() {
	t.bytes -= len(t.lines[t.first]) + 1
	t.lines[t.first] = ""
	t.first = (t.first + 1) % TailLines
	t.n--
}

// String returns the held lines, oldest first, each ended by "\n".
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	b.Grow(t.bytes)
	for i := range t.n {
		b.WriteString(t.lines[(t.first+i)%TailLines])
		b.WriteByte('\n')
	}
	return b.String()
}
