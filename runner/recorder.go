package runner

import (
	"errors"

	"github.com/oomlab/oomlab/runner/results"
)

// Recorder receives a run as it happens: the CSV files are one, the live
// terminal display and the browser view others. The runner calls
// RunStarted once, then Sample, LoadWindow and Event from several
// goroutines (one sampler and one load aggregator per target), then
// RunFinished once with what results.json holds.
//
// Implementations must be safe for concurrent use and must not block:
// sampling and load call them inline, so a consumer that cannot keep up
// drops what it cannot take rather than make the run wait.
type Recorder interface {
	RunStarted(results.RunInfo)
	Sample(results.SampleRow)
	LoadWindow(results.LoadRow)
	Event(results.RunEvent)
	RunFinished(*results.Results)
}

// csvRecorder streams samples and load windows to samples.csv and
// load.csv in the output directory. Close must be called once; it returns
// the first write error.
type csvRecorder struct {
	samples *csvSink
	loads   *csvSink
}

var _ Recorder = (*csvRecorder)(nil)

func newCSVRecorder(out *results.OutDir) (*csvRecorder, error) {
	s, err := newCSVSink(out, results.SamplesFile, results.SampleHeader)
	if err != nil {
		return nil, err
	}
	l, err := newCSVSink(out, results.LoadFile, results.LoadHeader)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &csvRecorder{samples: s, loads: l}, nil
}

func (c *csvRecorder) RunStarted(results.RunInfo)     {}
func (c *csvRecorder) Sample(row results.SampleRow)   { c.samples.write(row.Record()) }
func (c *csvRecorder) LoadWindow(row results.LoadRow) { c.loads.write(row.Record()) }
func (c *csvRecorder) Event(results.RunEvent)         {}
func (c *csvRecorder) RunFinished(*results.Results)   {}
func (c *csvRecorder) Close() error                   { return errors.Join(c.samples.Close(), c.loads.Close()) }

// Recorders returns a recorder that passes every call to each of rs in
// order (nil entries left out).
func Recorders(rs ...Recorder) Recorder {
	var f fanOut
	for _, r := range rs {
		if r != nil {
			f = append(f, r)
		}
	}
	return f
}

// fanOut passes every call to each recorder in order.
type fanOut []Recorder

var _ Recorder = fanOut(nil)

func (f fanOut) RunStarted(i results.RunInfo) {
	for _, r := range f {
		r.RunStarted(i)
	}
}

func (f fanOut) Sample(row results.SampleRow) {
	for _, r := range f {
		r.Sample(row)
	}
}

func (f fanOut) LoadWindow(row results.LoadRow) {
	for _, r := range f {
		r.LoadWindow(row)
	}
}

func (f fanOut) Event(e results.RunEvent) {
	for _, r := range f {
		r.Event(e)
	}
}

func (f fanOut) RunFinished(res *results.Results) {
	for _, r := range f {
		r.RunFinished(res)
	}
}
