package evidence

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
	"strings"

	"github.com/google/pprof/profile"

	"github.com/oomlab/oomlab/runner/results"
)

// DefaultTopSites is how many allocation sites SummariseHeap keeps.
const DefaultTopSites = 3

// MaxHeapProfileBytes bounds a heap profile once decompressed: Go's are a
// few MiB at most.
const MaxHeapProfileBytes = 32 << 20

// parseProfile is profile.ParseData with its panics turned into errors:
// the bytes are the target's, and a parser's fault on odd input must cost
// one capture, not the run (and its unwritten results).
func parseProfile(data []byte) (p *profile.Profile, err error) {
	defer func() {
		if v := recover(); v != nil {
			p, err = nil, fmt.Errorf("unreadable: the profile parser failed on it (%v)", v)
		}
	}()
	return parseData(data)
}

// parseData is the parser parseProfile guards; a test replaces it.
var parseData = profile.ParseData

// readProfile reads a profile of at most limit bytes, decompressing it
// when it is gzipped; a profile gzipped twice is refused, as profile.Parse
// would decompress the inner layer without a bound.
func readProfile(r io.Reader, limit int64) ([]byte, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		defer gz.Close()
		r = gz
	} else {
		r = br
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	switch {
	case err != nil:
		return nil, err
	case int64(len(data)) > limit:
		return nil, fmt.Errorf("larger than %d MiB uncompressed", limit>>20)
	case len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b:
		return nil, errors.New("gzipped twice")
	}
	return data, nil
}

// SummariseHeap reads a Go heap profile (as served by
// net/http/pprof's /heap, gzipped or not) and returns the memory in use
// and its top allocation sites by bytes in use, at most top of them.
//
// A site is a pair: the allocating function — the innermost frame whose
// function is not the runtime's ("io.ReadAll"; inlined frames count) —
// and the first frame, from the innermost out, in the program's own code
// (a package path whose first element has a dot, or package main), which
// names the line that asked for the memory ("upload_naive.go:41"). When
// no frame is the program's (memory the standard library holds for its
// own reasons, such as connection buffers), the allocating frame names
// the line. Samples are summed per site; ties sort by name, so the
// result is deterministic.
//
// The profile comes from the target, so it is read with bounds: at most
// MaxHeapProfileBytes, gzipped or not, and gzipped once at most — a small
// gzip bomb must not take the harness's memory (profile.Parse would
// decompress it without a bound).
func SummariseHeap(r io.Reader, top int) (*results.HeapProfile, error) {
	data, err := readProfile(r, MaxHeapProfileBytes)
	if err != nil {
		return nil, fmt.Errorf("evidence: heap profile: %w", err)
	}
	p, err := parseProfile(data)
	if err != nil {
		return nil, fmt.Errorf("evidence: heap profile: %w", err)
	}
	space, objects := -1, -1
	for i, st := range p.SampleType {
		switch st.Type {
		case "inuse_space":
			space = i
		case "inuse_objects":
			objects = i
		}
	}
	if space < 0 {
		return nil, fmt.Errorf("evidence: heap profile: no inuse_space sample type (got %s)", sampleTypes(p))
	}
	type key struct {
		fn, caller, file string
		line             int64
	}
	sums := map[key]*results.HeapSite{}
	out := &results.HeapProfile{}
	for _, s := range p.Sample {
		v := s.Value[space]
		if v <= 0 {
			continue
		}
		out.InUseBytes = addSat(out.InUseBytes, v)
		alloc, own := siteFrames(s)
		k := key{fn: shortName(alloc.Function.Name), caller: shortName(own.Function.Name), file: path.Base(own.Function.Filename), line: own.Line}
		site := sums[k]
		if site == nil {
			site = &results.HeapSite{Function: k.fn, Caller: k.caller, File: k.file, Line: k.line}
			sums[k] = site
		}
		site.InUseBytes = addSat(site.InUseBytes, v)
		if objects >= 0 && s.Value[objects] > 0 {
			site.Objects = addSat(site.Objects, s.Value[objects])
		}
	}
	sites := make([]results.HeapSite, 0, len(sums))
	for _, s := range sums {
		sites = append(sites, *s)
	}
	slices.SortFunc(sites, func(a, b results.HeapSite) int {
		return cmp.Or(cmp.Compare(b.InUseBytes, a.InUseBytes), cmp.Compare(a.Function, b.Function),
			cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Caller, b.Caller))
	})
	if top > 0 && len(sites) > top {
		sites = sites[:top]
	}
	out.Sites = sites
	return out, nil
}

// addSat adds two non-negative sums, stopping at math.MaxInt64: a
// profile's values come from the target and may be absurd, and a sum
// that wrapped to a negative figure would read as a small one.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// unknownFrame stands in for a sample without symbolised frames.
var unknownFrame = profile.Line{Function: &profile.Function{Name: "(unknown)", Filename: "(unknown)"}}

// siteFrames returns a sample's allocating frame and its first frame in
// the program's own code (see SummariseHeap), innermost first.
func siteFrames(s *profile.Sample) (alloc, own profile.Line) {
	var haveAlloc bool
	first := unknownFrame // the innermost frame, for a stack all in the runtime
	for _, loc := range s.Location {
		for _, ln := range loc.Line { // innermost (inlined) first
			if ln.Function == nil {
				continue
			}
			if first.Function == unknownFrame.Function {
				first = ln
			}
			name := ln.Function.Name
			if !haveAlloc && !strings.HasPrefix(name, "runtime.") {
				alloc, haveAlloc = ln, true
			}
			if haveAlloc && ownCode(name) {
				return alloc, ln
			}
		}
	}
	if !haveAlloc {
		return first, first
	}
	return alloc, alloc
}

// ownCode reports whether the function named fn (a full symbol such as
// "github.com/x/y.(*T).m") belongs to the program rather than the standard
// library: its package path's first element has a dot, or it is main.
func ownCode(fn string) bool {
	if strings.HasPrefix(fn, "main.") {
		return true
	}
	first, _, _ := strings.Cut(fn, "/")
	if !strings.Contains(fn, "/") {
		return false // "io.ReadAll", "bytes.(*Buffer).grow": the standard library
	}
	return strings.Contains(first, ".")
}

// shortName drops a symbol's package path up to its last slash:
// "github.com/oomlab/oomlab/fixtures.(*uploadNaive).upload" reads
// "fixtures.(*uploadNaive).upload"; "io.ReadAll" stays as it is.
func shortName(fn string) string {
	// The package path ends at the last slash before the first "(" or
	// the symbol's own dots.
	end := len(fn)
	if i := strings.IndexByte(fn, '('); i >= 0 {
		end = i
	}
	if i := strings.LastIndexByte(fn[:end], '/'); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

func sampleTypes(p *profile.Profile) string {
	var names []string
	for _, st := range p.SampleType {
		names = append(names, st.Type)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
