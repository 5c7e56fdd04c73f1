package scenarios

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// Limits on request kinds and client speeds.
const (
	// MaxKinds bounds the kinds of a load (requests or a targets file):
	// each is a row of every table and a series of the load panel.
	MaxKinds = 100
	// MaxWeight bounds a kind's weight; weights are relative, and a
	// million to one is already a kind that is never drawn in a run.
	MaxWeight = 1e6
	// MinBandwidth is the slowest client speed: below 1 KiB/s a client is
	// a slowloris attack rather than a slow link (a dial-up modem reads
	// 7 KiB/s), and a 1 MiB answer would hold its worker for 17 minutes.
	MinBandwidth ByteRate = 1 << 10
	// MaxBandwidth is the fastest: 10 GiB/s is four times what loopback
	// carries on this kind of machine (2.5 GiB/s measured), so a throttle
	// above it never engages; such a value is a unit mistake.
	MaxBandwidth ByteRate = 10 << 30
	// maxKindName bounds a kind's name, shown in tables.
	maxKindName = 64
)

// kindNameOK reports whether s can name a request kind: 1-64 of a-z, 0-9
// and '-'.
func kindNameOK(s string) bool {
	if s == "" || len(s) > maxKindName {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

// kinds checks load.request, load.requests and load.targets_file: at most
// one of them, and each kind's own keys. It records the kind names for the
// expectations.
func (c *checker) kinds(l *Load) {
	req, reqs, file := c.given["load.request"], c.given["load.requests"], c.given["load.targets_file"]
	switch {
	case req && reqs:
		c.errf("load.requests", "set request (one kind) or requests (a mix), not both")
	case req && file:
		c.errf("load.targets_file", "set request or targets_file, not both")
	case reqs && file:
		c.errf("load.targets_file", "set requests or targets_file, not both")
	}
	r := &l.Request
	c.request("load.request", r.Method, r.Path, r.Headers, r.Timeout, &r.Body)
	c.speed("load.request", r.DownloadBandwidth, r.UploadBandwidth, r.SlowShare, r.Body)
	c.kindNames = nil
	names := map[string]bool{}
	switch {
	case file:
		if !c.targetsFile(l) {
			return
		}
		for _, k := range l.TargetsFileKinds {
			names[k.Name] = true
		}
	case reqs:
		if len(l.Requests) > MaxKinds {
			c.errf("load.requests", "at most %d kinds, got %d", MaxKinds, len(l.Requests))
		}
		first := map[string]int{}
		for i := range l.Requests {
			path := fmt.Sprintf("load.requests[%d]", i)
			k := &l.Requests[i]
			c.kind(path, k)
			if j, dup := first[k.Name]; dup && k.Name != "" {
				c.errf(path+".name", "duplicate kind name %q (also requests[%d])", k.Name, j)
			} else {
				first[k.Name] = i
			}
			names[k.Name] = true
		}
	default:
		names[DefaultKind] = true
	}
	c.kindNames = names
}

// kind checks one entry of load.requests.
func (c *checker) kind(path string, k *RequestKind) {
	if c.required(path+".name") && !kindNameOK(k.Name) {
		c.errf(path+".name", "%q: want 1-%d of a-z, 0-9 and '-'", k.Name, maxKindName)
	}
	if c.given[path+".weight"] && !(k.Weight > 0 && k.Weight <= MaxWeight) {
		c.errf(path+".weight", "must be > 0 and at most %g, got %v (leave it out for 1)", float64(MaxWeight), k.Weight)
	}
	c.request(path, k.Method, k.Path, k.Headers, k.Timeout, &k.Body)
	c.speed(path, k.DownloadBandwidth, k.UploadBandwidth, k.SlowShare, k.Body)
}

// speed checks the client-speed keys of a request or kind at path.
func (c *checker) speed(path string, down, up ByteRate, share float64, body Body) {
	for _, f := range []struct {
		key string
		v   ByteRate
	}{{"download_bandwidth", down}, {"upload_bandwidth", up}} {
		p := path + "." + f.key
		switch {
		case !c.given[p]:
		case f.v == 0:
			c.errf(p, "must be > 0 (leave it out for full speed)")
		case f.v < MinBandwidth:
			c.errf(p, "%s/s is below %s/s: that is a stalled client, not a slow link", exactBytes(int64(f.v)), exactBytes(int64(MinBandwidth)))
		case f.v > MaxBandwidth:
			c.errf(p, "%s/s is above %s/s, faster than loopback: the throttle would never engage (a unit mistake?)",
				exactBytes(int64(f.v)), exactBytes(int64(MaxBandwidth)))
		}
	}
	if p := path + ".upload_bandwidth"; c.given[p] && up > 0 && body.Size == 0 && body.File == "" {
		c.errf(p, "needs a body to send slowly (body.size or body.file)")
	}
	if p := path + ".slow_share"; c.given[p] {
		switch {
		case !(share > 0 && share <= 1):
			c.errf(p, "must be > 0 and at most 1, got %v", share)
		case !c.given[path+".download_bandwidth"] && !c.given[path+".upload_bandwidth"]:
			c.errf(p, "is the share of clients on the slow link: set download_bandwidth or upload_bandwidth too")
		}
	}
}

// maxTargetsFileBytes bounds a targets file: MaxKinds targets with their
// headers fit in far less.
const maxTargetsFileBytes = 1 << 20

// targetsFile reads load.targets_file (relative to the scenario's folder,
// or to the working directory for Parse) into l.TargetsFileKinds; @body
// files are resolved against the targets file's folder and must be
// regular files. It reports whether the kinds are known.
func (c *checker) targetsFile(l *Load) bool {
	const path = "load.targets_file"
	f := l.TargetsFile
	if f == "" || strings.ContainsRune(f, 0) {
		c.errf(path, "want a file name, got %q", f)
		return false
	}
	if !filepath.IsAbs(f) {
		f = filepath.Join(c.dir, f)
	}
	data, err := ReadRegularFile(f, maxTargetsFileBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.errf(path, "%s does not exist", f)
		return false
	case errors.Is(err, ErrNotRegular), errors.Is(err, ErrTooLarge):
		c.errf(path, "%v; want a regular file of at most %d bytes", err, maxTargetsFileBytes)
		return false
	case err != nil:
		c.errf(path, "%v", err)
		return false
	}
	targets, err := parseTargets(f, data)
	if err != nil {
		for _, e := range errorList(err) {
			c.errf(path, "%s", e.Error())
		}
		return false
	}
	ok := true
	kinds := make([]RequestKind, len(targets))
	for i, t := range targets {
		if t.kind.Body.File != "" && !filepath.IsAbs(t.kind.Body.File) {
			t.kind.Body.File = filepath.Join(filepath.Dir(f), t.kind.Body.File)
		}
		if t.kind.Body.File != "" {
			if msg := bodyFileProblem(t.kind.Body.File); msg != "" {
				c.errf(path, "%s:%d: @body: %s", f, t.bodyLine, msg)
				ok = false
			}
		}
		kinds[i] = t.kind
	}
	if !ok {
		return false
	}
	if c.dir != "" {
		l.TargetsFile = f
	}
	l.TargetsFileKinds = kinds
	return true
}

// errorList returns the *Errors in err, joined or not.
func errorList(err error) []*Error {
	var out []*Error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, errorList(e)...)
		}
		return out
	}
	var e *Error
	if errors.As(err, &e) {
		out = append(out, e)
	}
	return out
}
