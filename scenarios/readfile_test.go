package scenarios

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadRegularFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("name: x\n"), 0o644)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, 101), 0o644)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(small, link)
	tests := []struct {
		path    string
		wantErr error
		wantMsg string
	}{
		{path: small},
		{path: link},
		{path: big, wantErr: ErrTooLarge, wantMsg: "big is 101 bytes, more than the 100 allowed"},
		{path: fifo, wantErr: ErrNotRegular, wantMsg: "fifo is a named pipe (FIFO)"},
		{path: dir, wantErr: ErrNotRegular, wantMsg: "is a directory"},
		{path: "/dev/null", wantErr: ErrNotRegular, wantMsg: "/dev/null is a character device"},
		{path: filepath.Join(dir, "missing"), wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			start := time.Now()
			b, err := ReadRegularFile(tt.path, 100)
			if time.Since(start) > time.Second {
				t.Errorf("ReadRegularFile(%s) took %s; want at once", tt.path, time.Since(start))
			}
			if tt.wantErr == nil {
				if err != nil || string(b) != "name: x\n" {
					t.Errorf("ReadRegularFile(%s) = %q, %v; want the content", tt.path, b, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("ReadRegularFile(%s) = %v; want %v saying %q", tt.path, err, tt.wantErr, tt.wantMsg)
			}
			if cerr := CheckRegularFile(tt.path, 100); !errors.Is(cerr, tt.wantErr) {
				t.Errorf("CheckRegularFile(%s) = %v; want %v", tt.path, cerr, tt.wantErr)
			}
		})
	}
}

// TestValidationIsLinear: a file at the size limit made of one long list
// or map validates in well under two seconds of CPU (it took minutes when
// duplicates were found by comparing every pair), and its errors stay
// short. CPU time of the process, not wall time: the machine may be
// shared, and the test does not run in parallel.
func TestValidationIsLinear(t *testing.T) {
	tail := "load:\n  stages: [{rate: 1, duration: 1s}]\n"
	var headers strings.Builder
	headers.WriteString("name: x\ntargets: [{name: a, builtin: b}]\n" + tail + "  request:\n    headers:\n")
	for i := 0; headers.Len() < maxFileSize-100; i++ {
		headers.WriteString("      X-H" + strings.Repeat("a", i%7) + itoa(i) + ": v\n")
	}
	docs := map[string]string{
		"outcomes": "name: x\ntargets:\n  - name: a\n    builtin: b\n    expect:\n      outcome: [" +
			strings.Repeat("survived, ", (maxFileSize-200)/10) + "survived]\n" + tail,
		"headers":    headers.String(),
		"long value": "name: " + strings.Repeat("x", maxFileSize-100) + "\n",
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			start := cpuTime()
			_, err := Parse("big.yaml", strings.NewReader(doc))
			if took := cpuTime() - start; took > raceSlowdown*2*time.Second {
				t.Errorf("Parse(%s, %d bytes) took %s of CPU; want linear time (at most %s)", name, len(doc), took, raceSlowdown*2*time.Second)
			}
			if err == nil || len(err.Error()) > 16<<10 {
				t.Errorf("Parse(%s) error of %d bytes; want an error of at most 16 KiB", name, len(errString(err)))
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
