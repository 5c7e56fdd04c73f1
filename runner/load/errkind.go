package load

import (
	"sort"
	"strings"

	"github.com/oomlab/oomlab/runner/results"
)

const (
	// maxErrorKinds is how many distinct error kinds a stage keeps; later
	// kinds are counted under otherKind.
	maxErrorKinds = 10
	// maxKindLen bounds the length of one kept error kind, in bytes.
	maxKindLen = 200
	// otherKind counts the errors whose kind did not fit.
	otherKind = "other"
	// interruptedKind replaces the error of a request that the harness
	// aborted when the context ended.
	interruptedKind = "interrupted by the harness"
)

// errorKinds counts errors by normalised kind: the first maxErrorKinds
// distinct kinds seen, and every later kind under "other". Its memory is
// bounded by maxErrorKinds × maxKindLen whatever the messages.
type errorKinds struct {
	counts map[string]*uint64
	other  uint64
}

// add counts one error of the given kind. It allocates only when it keeps
// a new kind.
func (e *errorKinds) add(kind []byte) {
	if c, ok := e.counts[string(kind)]; ok {
		*c++
		return
	}
	if len(e.counts) >= maxErrorKinds {
		e.other++
		return
	}
	if e.counts == nil {
		e.counts = make(map[string]*uint64, maxErrorKinds)
	}
	n := uint64(1)
	e.counts[string(kind)] = &n
}

// list returns the kinds, most common first (ties by name), with "other"
// last when it counted anything. It returns an empty, non-nil slice when
// there were no errors.
func (e *errorKinds) list() []results.ErrorCount {
	out := make([]results.ErrorCount, 0, len(e.counts)+1)
	for k, c := range e.counts {
		out = append(out, results.ErrorCount{Error: k, Count: *c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Error < out[j].Error
	})
	if e.other > 0 {
		out = append(out, results.ErrorCount{Error: otherKind, Count: e.other})
	}
	return out
}

// normalizeError appends to dst the kind of the error message msg: msg
// without the `Get "http://…": ` prefix that net/http puts before a
// request's error, with every host:port and local->remote address pair
// removed, and cut to maxKindLen bytes. For example
//
//	Post "http://127.0.0.1:8080/up": read tcp 127.0.0.1:54321->127.0.0.1:8080: read: connection reset by peer
//
// becomes "read tcp: read: connection reset by peer", so that messages that
// differ only in ports count as one kind.
func normalizeError(dst []byte, msg string) []byte {
	msg = stripRequestPrefix(msg)
	start := len(dst)
	for msg != "" && len(dst)-start < maxKindLen {
		var tok string
		if i := strings.IndexByte(msg, ' '); i >= 0 {
			tok, msg = msg[:i], msg[i+1:]
		} else {
			tok, msg = msg, ""
		}
		core := strings.TrimRight(tok, ":,")
		if isAddress(core) {
			// Keep the punctuation that followed the address.
			if len(dst) > start && len(core) < len(tok) {
				dst = append(dst, tok[len(core):]...)
			}
			continue
		}
		if len(dst) > start {
			dst = append(dst, ' ')
		}
		dst = append(dst, tok...)
	}
	if len(dst)-start > maxKindLen {
		dst = dst[:start+maxKindLen]
	}
	for len(dst) > start && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// stripRequestPrefix removes the `Method "URL": ` prefix of a *url.Error
// message, if msg has one.
func stripRequestPrefix(msg string) string {
	sp := strings.IndexByte(msg, ' ')
	if sp <= 0 || sp+1 >= len(msg) || msg[sp+1] != '"' {
		return msg
	}
	// net/http writes the method as "Get", "Post", …
	for i := 0; i < sp; i++ {
		if c := msg[i] | 0x20; c < 'a' || c > 'z' {
			return msg
		}
	}
	// Find the closing quote of the strconv.Quote'd URL.
	for i := sp + 2; i < len(msg); i++ {
		switch msg[i] {
		case '\\':
			i++
		case '"':
			if strings.HasPrefix(msg[i+1:], ": ") {
				return msg[i+3:]
			}
			return msg
		}
	}
	return msg
}

// isAddress reports whether tok looks like "host:port" (IPv4, [IPv6] or a
// name) or an "a->b" address pair.
func isAddress(tok string) bool {
	if strings.Contains(tok, "->") {
		return true
	}
	i := strings.LastIndexByte(tok, ':')
	if i <= 0 || len(tok)-i-1 < 1 || len(tok)-i-1 > 5 {
		return false
	}
	for _, c := range []byte(tok[i+1:]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	for _, c := range []byte(tok[:i]) {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c == '.', c == '-', c == '_', c == '[', c == ']', c == ':', c == '%':
		default:
			return false
		}
	}
	return true
}
