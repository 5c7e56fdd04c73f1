package scenarios

import (
	"bytes"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// maxTargetsLine is the longest line of a targets file: Vegeta's own
// reader (a bufio.Scanner) gives up on longer ones.
const maxTargetsLine = 64 << 10

// fileTarget is one target read from a targets file, with the lines it
// came from.
type fileTarget struct {
	kind     RequestKind
	line     int // of "METHOD URL"
	bodyLine int // of "@file", 0 when none
}

// parseTargets reads a targets file in Vegeta's HTTP format, as
// vegeta.NewHTTPTargeter does (lib/targets.go, v12.13.0):
//
//	# name: export          (optional: this target's kind name)
//	GET http://localhost/export?rows=100000
//	Accept: text/csv        (headers, "Name: value", until a blank line)
//	@body.json              (optional, ends the target: its body file)
//
// Lines are trimmed; blank lines and lines starting with '#' between
// targets are skipped. A target line is an upper-case method, one space
// and a URL (url.ParseRequestURI); the lines right after it are its
// headers unless the next one is blank or another target. It is stricter
// than Vegeta where Vegeta would send nonsense: a header name must be an
// HTTP token (Vegeta takes "GET http" from a target line left inside a
// header block), a header may not be given twice, and the URL must be
// plain http to a loopback host (or have none), because oomlab sends each
// target's path and query to the server under test, never to the host in
// the file. The @body file is left as written; the caller resolves it
// against the targets file's folder (Vegeta: the working directory).
//
// Each target is a kind of weight 1, named by a "# name: KIND" comment
// before it, else from its method and path ("GET /export?x=1" is
// "get-export"), made unique with "-2", "-3". Errors are *Error values
// naming name and the line, all of them in one pass (a bad target's block
// is skipped to the next blank line).
func parseTargets(name string, data []byte) ([]fileTarget, error) {
	p := &problems{file: name}
	lines := bytes.Split(data, []byte("\n"))
	var out []fileTarget
	var pending string // a "# name:" waiting for its target
	pendingLine := 0
	i := 0
	next := func() (string, int) {
		raw := lines[i]
		i++
		if len(raw) > maxTargetsLine {
			p.add(i, 0, "", "line is %d bytes; at most %d", len(raw), maxTargetsLine)
			return "", i
		}
		return strings.TrimSpace(string(raw)), i
	}
	// skipBlock skips the rest of a bad target's block.
	skipBlock := func() {
		for i < len(lines) && strings.TrimSpace(string(lines[i])) != "" {
			i++
		}
	}
	comment := func(line string, n int) {
		kind, ok := nameComment(line)
		switch {
		case !ok:
		case pending != "":
			p.add(n, 0, "", "a second name comment before one target (the first is at line %d)", pendingLine)
		case !kindNameOK(kind):
			p.add(n, 0, "", "name %q: want 1-%d of a-z, 0-9 and '-'", kind, maxKindName)
		default:
			pending, pendingLine = kind, n
		}
	}
	for i < len(lines) && p.total < maxErrors {
		line, n := next()
		if line == "" {
			continue
		}
		if line[0] == '#' {
			comment(line, n)
			continue
		}
		t, msg := targetLine(line)
		if msg != "" {
			p.add(n, 0, "", "%s", msg)
			skipBlock()
			continue
		}
		t.line, t.kind.Name = n, pending
		pending = ""
		if i < len(lines) {
			if peek := strings.TrimSpace(string(lines[i])); peek == "" || startsWithMethod(peek) {
				out = append(out, t)
				continue
			}
		}
		if !targetBlock(p, &t, next, comment, func() bool { return i < len(lines) }) {
			continue
		}
		out = append(out, t)
	}
	if pending != "" {
		p.add(pendingLine, 0, "", "name comment %q is not followed by a target", pending)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		p.add(0, 0, "", "no targets: want lines such as \"GET http://localhost/path\"")
		return nil, p.err()
	}
	if len(out) > MaxKinds {
		p.add(out[MaxKinds].line, 0, "", "more than %d targets: each is a request kind", MaxKinds)
		return nil, p.err()
	}
	if err := nameTargets(p, out); err != nil {
		return nil, err
	}
	return out, nil
}

// targetBlock reads the header lines and @body of t, up to a blank line
// or the @body line. It reports whether they were all good; after a line
// that breaks the block (a target among the headers) the rest of the block
// is skipped.
func targetBlock(p *problems, t *fileTarget, next func() (string, int), comment func(string, int), more func() bool) bool {
	ok, broken := true, false
	seen := map[string]int{}
	for more() {
		line, n := next()
		switch {
		case line == "":
			return ok
		case broken:
		case line[0] == '#':
			comment(line, n)
		case line[0] == '@':
			f := line[1:]
			if f == "" || strings.ContainsRune(f, 0) {
				p.add(n, 0, "", "bad body %q: want @ and a file name", line)
				return false
			}
			t.kind.Body.File, t.bodyLine = f, n
			return ok
		case startsWithMethod(line):
			p.add(n, 0, "", "target %q inside the headers of line %d: put a blank line before it", line, t.line)
			ok, broken = false, true
		default:
			k, v, found := strings.Cut(line, ":")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			msg := headerProblem(k, v)
			switch _, dup := seen[strings.ToLower(k)]; {
			case !found || k == "" || v == "":
				p.add(n, 0, "", "bad header %q: want \"Name: value\"", line)
			case msg != "":
				p.add(n, 0, "", "header %s", msg)
			case dup:
				p.add(n, 0, "", "header %q given twice (also line %d)", k, seen[strings.ToLower(k)])
			case len(seen) >= maxHeaders:
				p.add(n, 0, "", "more than %d headers", maxHeaders)
				broken = true
			default:
				seen[strings.ToLower(k)] = n
				if t.kind.Headers == nil {
					t.kind.Headers = map[string]string{}
				}
				t.kind.Headers[k] = v
				continue
			}
			ok = false
		}
	}
	return ok
}

// targetLine parses "METHOD URL", or says what is wrong with it.
func targetLine(line string) (fileTarget, string) {
	method, raw, found := strings.Cut(line, " ")
	if !found {
		return fileTarget{}, fmt.Sprintf("bad target %q: want METHOD URL", line)
	}
	if !startsWithMethod(line) {
		return fileTarget{}, fmt.Sprintf("bad method %q: want an upper-case HTTP method such as GET", method)
	}
	u, err := url.ParseRequestURI(raw)
	if err != nil {
		return fileTarget{}, fmt.Sprintf("bad URL %q: %v", raw, unwrapURLError(err))
	}
	switch host := u.Hostname(); {
	case u.Scheme != "" && !strings.EqualFold(u.Scheme, "http"):
		return fileTarget{}, fmt.Sprintf("URL %q: scheme %s: oomlab speaks plain http to the server under test", raw, u.Scheme)
	case u.User != nil:
		return fileTarget{}, fmt.Sprintf("URL %q: user information is not supported; send an Authorization header", raw)
	case u.Host != "" && !isLoopbackHost(host):
		return fileTarget{}, fmt.Sprintf("URL %q: host %q is not loopback: oomlab sends each target's path to the server under test, "+
			"never to the file's host; write localhost or 127.0.0.1", raw, host)
	}
	path := u.RequestURI()
	if !pathOK(path) {
		return fileTarget{}, fmt.Sprintf("URL %q: the path must hold no spaces or control characters", raw)
	}
	return fileTarget{kind: RequestKind{Method: method, Path: path}}, ""
}

// unwrapURLError drops url.Error's repetition of the URL.
func unwrapURLError(err error) error {
	if e, ok := err.(*url.Error); ok {
		return e.Err
	}
	return err
}

// isLoopbackHost reports whether host is "localhost" or a loopback
// address (127.0.0.0/8, ::1). Names are not resolved.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// startsWithMethod reports whether line starts with an upper-case word
// followed by white space, as Vegeta's `^[A-Z]+\s` does.
func startsWithMethod(line string) bool {
	j := 0
	for j < len(line) && line[j] >= 'A' && line[j] <= 'Z' {
		j++
	}
	return j > 0 && j < len(line) && strings.ContainsRune(" \t\n\v\f\r", rune(line[j]))
}

// nameComment returns KIND from a "# name: KIND" line.
func nameComment(line string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(line, "#")), "name:")
	return strings.TrimSpace(rest), ok
}

// nameTargets names the targets without a name comment from their method
// and path, unique among all names; names from comments must be unique.
func nameTargets(p *problems, ts []fileTarget) error {
	taken := map[string]int{}
	for _, t := range ts {
		if t.kind.Name == "" {
			continue
		}
		if first, dup := taken[t.kind.Name]; dup {
			p.add(t.line, 0, "", "kind name %q given twice (also the target at line %d)", t.kind.Name, first)
			continue
		}
		taken[t.kind.Name] = t.line
	}
	if err := p.err(); err != nil {
		return err
	}
	for i := range ts {
		k := &ts[i].kind
		if k.Name != "" {
			continue
		}
		base := derivedName(k.Method, k.Path)
		k.Name = base
		for n := 2; taken[k.Name] != 0; n++ {
			suffix := "-" + strconv.Itoa(n)
			k.Name = strings.TrimRight(base[:min(len(base), maxKindName-len(suffix))], "-") + suffix
		}
		taken[k.Name] = ts[i].line
	}
	return nil
}

// derivedName makes a kind name from a method and a path: lower case,
// each run of other characters one '-', the query left out ("GET
// /api/Export?x=1" is "get-api-export").
func derivedName(method, path string) string {
	path, _, _ = strings.Cut(path, "?")
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(method + "-" + path) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	s := b.String()
	if len(s) > maxKindName {
		s = strings.TrimRight(s[:maxKindName], "-")
	}
	return s
}
