//go:build linux

package sample

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// maxStatusSize bounds the buffer a status read may grow to; the file is
// about 1.5 kB and the lines wanted are in its first half.
const maxStatusSize = 64 << 10

// ReadStatus reads procRoot/PID/status ("/proc" is the real root). A
// process that no longer exists, or is a zombie, gives an error wrapping
// ErrGone. ReadStatus allocates its own buffer; a Sampler reuses one.
func ReadStatus(procRoot string, pid int) (Status, error) {
	var buf []byte
	return readStatus(statusPath(procRoot, pid), &buf)
}

// readStatus reads the file at path into *buf (grown as needed, kept for
// the next call) and parses it.
func readStatus(path string, buf *[]byte) (Status, error) {
	data, err := readFile(path, buf)
	if err != nil {
		if isGoneErr(err) {
			return Status{}, fmt.Errorf("sample: read %s: %w (%w)", path, ErrGone, err)
		}
		return Status{}, fmt.Errorf("sample: read %s: %w", path, err)
	}
	st, zombie, err := parseStatus(data)
	if err != nil {
		return Status{}, fmt.Errorf("sample: %s: %w", path, err)
	}
	if zombie {
		return Status{}, fmt.Errorf("sample: %s: zombie: %w", path, ErrGone)
	}
	return st, nil
}

// readFile reads a whole (small) file with raw system calls, reusing
// *buf, so that a read costs one allocation (the path for open) at most.
func readFile(path string, buf *[]byte) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	if cap(*buf) == 0 {
		*buf = make([]byte, 0, 4096)
	}
	b := (*buf)[:0]
	for {
		if len(b) == cap(b) {
			if cap(b) >= maxStatusSize {
				return nil, errors.New("file larger than 64 KiB")
			}
			b = append(b, 0)[:len(b)]
		}
		n, err := unix.Read(fd, b[len(b):cap(b)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			*buf = b
			return b, nil
		}
		b = b[:len(b)+n]
	}
}
