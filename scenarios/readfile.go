package scenarios

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxBodyBytes bounds a request body, generated (body.size) or read
// (body.file): the runner holds it once in memory and sends it on every
// request.
const MaxBodyBytes = 256 << 20

// ErrNotRegular is returned (wrapped) by ReadRegularFile for a path that
// is not a regular file: a named pipe, a device, a socket, a directory.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned (wrapped) by ReadRegularFile for a file larger
// than its bound.
var ErrTooLarge = errors.New("file too large")

// ReadRegularFile reads the regular file at path, at most limit bytes. A
// named pipe, a device, a socket or a directory is refused at once, without
// blocking (see CheckRegularFile); a file that grows past limit while being
// read is refused too. Errors name the file.
func ReadRegularFile(path string, limit int64) ([]byte, error) {
	f, err := openRegular(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is more than the %d bytes allowed: %w", path, limit, ErrTooLarge)
	}
	return data, nil
}

// CheckRegularFile returns nil when path is a regular file of at most
// limit bytes, and says what it is otherwise, without reading it and
// without blocking: the file is opened with O_NONBLOCK (a FIFO without a
// writer would block the open) and checked with fstat.
func CheckRegularFile(path string, limit int64) error {
	f, err := openRegular(path, limit)
	if err != nil {
		return err
	}
	return f.Close()
}

// OpenRegularFile opens path for reading when it is a regular file of at
// most limit bytes (see CheckRegularFile); the caller closes it and, when
// the file may grow, bounds what it reads.
func OpenRegularFile(path string, limit int64) (*os.File, error) { return openRegular(path, limit) }

func openRegular(path string, limit int64) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("%s is %s: %w", path, kindOf(fi.Mode()), ErrNotRegular)
	case fi.Size() > limit:
		err = fmt.Errorf("%s is %d bytes, more than the %d allowed: %w", path, fi.Size(), limit, ErrTooLarge)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// kindOf names what a non-regular file is, for messages.
func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}
