package runner

import (
	"encoding/csv"
	"fmt"
	"os"
	"sync"

	"github.com/oomlab/oomlab/runner/results"
)

// csvSink streams rows to a CSV file, flushing each row so that a crash of
// the harness loses at most the row being written. It is safe for
// concurrent use; Close must be called once.
type csvSink struct {
	mu  sync.Mutex
	f   *os.File
	w   *csv.Writer
	err error
}

func newCSVSink(out *results.OutDir, name string, header []string) (*csvSink, error) {
	f, err := out.Create(name)
	if err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	s := &csvSink{f: f, w: csv.NewWriter(f)}
	s.write(header)
	return s, s.err
}

// write appends one row; the first error is kept and returned by Close.
func (s *csvSink) write(rec []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return
	}
	if err := s.w.Write(rec); err != nil {
		s.err = err
		return
	}
	s.w.Flush()
	s.err = s.w.Error()
}

// Close flushes and closes the file.
func (s *csvSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w.Flush()
	if err := s.f.Close(); err != nil && s.err == nil {
		s.err = err
	}
	if s.err != nil {
		return fmt.Errorf("runner: writing %s: %w", s.f.Name(), s.err)
	}
	return nil
}
