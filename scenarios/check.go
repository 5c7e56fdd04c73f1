package scenarios

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits a valid scenario keeps within.
const (
	// MinMemoryLimit is the smallest memory_limit: below it a runtime
	// cannot even start.
	MinMemoryLimit ByteSize = 16 << 20
	// MinSampleInterval is the shortest sample_interval: sampling every
	// 10ms already costs 4% of a core.
	MinSampleInterval = Duration(10 * time.Millisecond)
	// MaxRate bounds a stage's rate (requests per second).
	MaxRate = 1e6
	// MaxWorkers bounds max_workers and max_connections.
	MaxWorkers = 65536
	maxTargets = 64
	maxStages  = 1000
	maxPhases  = 1000
	maxHeaders = 100
	// maxRestarts bounds max_restarts: each restart is an event kept in
	// the results.
	maxRestarts = 100
)

// Names a scenario may use; read-only.
var (
	runtimes = []string{RuntimeGo, RuntimeNode, RuntimeJVM, RuntimePython, RuntimeOther}
	roles    = []string{"naive", "aware"}
	restarts = []string{RestartNever, RestartOnFailure}
	// outcomes may be expected; "gc-thrash" accepts a survivor that
	// thrashed in GC (report fails it otherwise).
	outcomes  = []string{"survived", "oom-killed", "limit-stall", "heap-limit", "crashed", "forecast-oom", "gc-thrash"}
	bodyKinds = []string{"random", "zeros", "ndjson", "json"}
	// reservedEnv are set by the harness for every target.
	reservedEnv = []string{"PORT", "DOWNSTREAM_URL", "DOWNSTREAM_ADDR"}
)

// checker applies the rules that the types alone cannot express.
type checker struct {
	*decoder
	dir string    // resolve body.file here when not empty
	sc  *Scenario // the scenario checked, for checks across sections
	// kinds holds the load's request kind names once the load is
	// checked; nil when they are unknown (a targets file that could not
	// be read), so that expectations naming kinds are not checked.
	kindNames map[string]bool
}

func parent(path string) string {
	i := max(strings.LastIndexByte(path, '.'), strings.LastIndexByte(path, '['))
	if i < 0 {
		return ""
	}
	return path[:i]
}

// errf reports a problem with the field at path, at the position of the
// field or its nearest ancestor present in the file; it stays silent when
// the field or an ancestor was already reported as ill-typed.
func (c *checker) errf(path, format string, args ...any) {
	for p := path; ; p = parent(p) {
		if c.bad[p] {
			return
		}
		if p == "" {
			break
		}
	}
	for p := path; ; p = parent(p) {
		if at, ok := c.at[p]; ok || p == "" {
			c.add(at.line, at.col, path, format, args...)
			return
		}
	}
}

// required reports path as missing when the file does not give it.
func (c *checker) required(path string) bool {
	if !c.given[path] {
		c.errf(path, "missing")
		return false
	}
	return true
}

// positive reports an explicit zero for a field whose omission means a default.
func (c *checker) positive(path string, zero bool, def any) {
	if c.given[path] && zero {
		c.errf(path, "must be > 0 (leave it out for the default %v)", def)
	}
}

func (c *checker) oneOf(path, v string, names []string) {
	if c.given[path] && !slices.Contains(names, v) {
		c.errf(path, "unknown name %q (want one of %s)", v, strings.Join(names, ", "))
	}
}

// nameOK reports whether s can name a scenario or target (and a folder).
func nameOK(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || i > 0 && strings.ContainsRune("._-", r)) {
			return false
		}
	}
	return true
}

func (c *checker) name(path, s string) {
	if c.given[path] && !nameOK(s) {
		c.errf(path, "%q: want 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", s)
	}
}

func (c *checker) scenario(s *Scenario) {
	c.sc = s
	if c.required("name") {
		c.name("name", s.Name)
	}
	c.name("pattern", s.Pattern)
	if c.given["memory_limit"] && s.MemoryLimit < MinMemoryLimit {
		c.errf("memory_limit", "must be at least %s, got %s%s", exactBytes(int64(MinMemoryLimit)), exactBytes(int64(s.MemoryLimit)), BareSizeHint(s.MemoryLimit))
	}
	if c.given["sample_interval"] && s.SampleInterval < MinSampleInterval {
		c.errf("sample_interval", "must be at least %s, got %s", MinSampleInterval, s.SampleInterval)
	}
	c.text("description", s.Description, true)
	c.load(&s.Load) // before the targets: their expectations may name its kinds
	c.targets(s.Targets)
	c.downstream(s.Downstream.Phases)
	c.evidence(&s.Evidence)
	c.services(s.Services)
	c.proxy(s)
	if c.given["deadline"] {
		need := s.Load.TotalDuration() * time.Duration(len(s.Targets))
		switch {
		case s.Deadline == 0:
			c.errf("deadline", "must be > 0 (leave it out for the default)")
		case s.Deadline.D() < need:
			c.errf("deadline", "%s is shorter than the load (%s) run for each of %d targets", s.Deadline, s.Load.TotalDuration(), len(s.Targets))
		}
	}
}

func (c *checker) targets(ts []Target) {
	if len(ts) == 0 {
		c.errf("targets", "missing: a scenario needs at least one target")
		return
	}
	if len(ts) > maxTargets {
		c.errf("targets", "at most %d targets, got %d", maxTargets, len(ts))
	}
	first := map[string]int{}
	for i := range ts {
		path := fmt.Sprintf("targets[%d]", i)
		c.target(path, &ts[i])
		if j, dup := first[ts[i].Name]; dup && ts[i].Name != "" {
			c.errf(path+".name", "duplicate target name %q (also targets[%d])", ts[i].Name, j)
		} else {
			first[ts[i].Name] = i
		}
	}
}

func (c *checker) target(path string, t *Target) {
	if c.required(path + ".name") {
		c.name(path+".name", t.Name)
	}
	switch b, cmd := c.given[path+".builtin"], c.given[path+".command"]; {
	case b && cmd:
		c.errf(path+".command", "set builtin or command, not both")
	case !b && !cmd:
		c.errf(path, "needs builtin (a server shipped with oomlab) or command (an argv)")
	case b:
		c.name(path+".builtin", t.Builtin)
	case len(t.Command) == 0 || t.Command[0] == "":
		c.errf(path+".command", "empty command")
	case slices.ContainsFunc(t.Command, func(w string) bool { return strings.ContainsRune(w, 0) }):
		c.errf(path+".command", "a word contains a NUL byte")
	}
	c.oneOf(path+".runtime", t.Runtime, runtimes)
	c.oneOf(path+".role", t.Role, roles)
	for k, v := range t.Env {
		p := path + ".env." + k
		switch {
		case slices.Contains(reservedEnv, k):
			c.errf(p, "is set by the harness for every target; remove it")
		case !envNameOK(k):
			c.errf(p, "want a variable name of letters, digits and '_', not starting with a digit")
		case strings.ContainsRune(v, 0):
			c.errf(p, "value contains a NUL byte")
		}
	}
	if c.given[path+".ready_path"] && (!strings.HasPrefix(t.ReadyPath, "/") || strings.IndexFunc(t.ReadyPath, isControlOrSpace) >= 0) {
		c.errf(path+".ready_path", "must start with '/' and hold no spaces or control characters, got %q", t.ReadyPath)
	}
	c.positive(path+".ready_timeout", t.ReadyTimeout == 0, DefaultReadyTimeout)
	c.oneOf(path+".restart", t.Restart, restarts)
	if c.given[path+".max_restarts"] {
		switch {
		case t.Restart != RestartOnFailure:
			c.errf(path+".max_restarts", "needs restart: %s", RestartOnFailure)
		case t.MaxRestarts < 1 || t.MaxRestarts > maxRestarts:
			c.errf(path+".max_restarts", "must be between 1 and %d, got %d", maxRestarts, t.MaxRestarts)
		}
	}
	c.service(path, t)
	c.expect(path+".expect", &t.Expect)
}

func envNameOK(k string) bool {
	for i, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return k != ""
}

func (c *checker) expect(path string, e *Expectation) {
	seen := make(map[string]bool, len(e.Outcomes))
	for i, o := range e.Outcomes {
		p := fmt.Sprintf("%s.outcome[%d]", path, i)
		c.oneOf(p, o, outcomes)
		if seen[o] {
			c.errf(p, "%q listed twice", o)
		}
		seen[o] = true
	}
	c.positive(path+".oom_within", e.OOMWithin == 0, "(none)")
	c.positive(path+".max_rss", e.MaxRSS == 0, "(none)")
	c.positive(path+".min_rss", e.MinRSS == 0, "(none)")
	if e.MaxRSS > 0 && e.MinRSS > e.MaxRSS {
		c.errf(path+".min_rss", "%s is above max_rss %s", exactBytes(int64(e.MinRSS)), exactBytes(int64(e.MaxRSS)))
	}
	c.ratio(path+".min_success_ratio", e.MinSuccessRatio)
	for i, cl := range e.Classes {
		p := fmt.Sprintf("%s.class[%d]", path, i)
		switch {
		case cl == ClassInconclusive:
			c.errf(p, "%q cannot be expected: an inconclusive verdict never passes (want one of %s)",
				cl, strings.Join(verdictClasses(), ", "))
		default:
			c.oneOf(p, cl, verdictClasses())
		}
		if slices.Index(e.Classes, cl) < i {
			c.errf(p, "%q listed twice", cl)
		}
	}
	c.expectMore(path, e)
}

// verdictClasses are the classes expect.class may name: bounded, growing,
// and every outcome but "survived" (a survivor is bounded or growing).
func verdictClasses() []string {
	out := []string{ClassBounded, ClassGrowing}
	for _, o := range outcomes {
		if o != "survived" && o != "gc-thrash" {
			out = append(out, o)
		}
	}
	return out
}

func (c *checker) ratio(path string, v float64) {
	if !(v >= 0 && v <= 1) {
		c.errf(path, "must be between 0 and 1, got %v", v)
	}
}

func (c *checker) load(l *Load) {
	if !c.given["load"] {
		c.errf("load", "missing: a scenario needs load.stages")
		return
	}
	if len(l.Stages) == 0 {
		c.errf("load.stages", "missing: the load needs at least one stage (rate, duration)")
	}
	if len(l.Stages) > maxStages {
		c.errf("load.stages", "at most %d stages, got %d", maxStages, len(l.Stages))
	}
	var total time.Duration
	for i, st := range l.Stages {
		path := fmt.Sprintf("load.stages[%d]", i)
		if c.required(path+".rate") && !(st.Rate > 0 && st.Rate <= MaxRate) {
			c.errf(path+".rate", "must be > 0 and at most %g requests per second, got %v", MaxRate, st.Rate)
		}
		if c.required(path+".duration") && st.Duration <= 0 {
			c.errf(path+".duration", "must be > 0, got %s", st.Duration)
		}
		total += st.Duration.D()
		if total > maxDuration {
			c.errf(path+".duration", "the stages add up to more than %s", maxDuration)
			break
		}
	}
	c.kinds(l)
	for _, f := range []struct {
		key string
		v   int
	}{{"max_workers", l.MaxWorkers}, {"max_connections", l.MaxConnections}} {
		if p := "load." + f.key; c.given[p] && (f.v <= 0 || f.v > MaxWorkers) {
			c.errf(p, "must be between 1 and %d, got %d (leave it out for the default)", MaxWorkers, f.v)
		}
	}
}

func (c *checker) request(path string, method, reqPath string, headers map[string]string, timeout Duration, body *Body) {
	if c.given[path+".method"] && !isToken(method) {
		c.errf(path+".method", "%q is not an HTTP method", method)
	}
	if c.given[path+".path"] && !pathOK(reqPath) {
		c.errf(path+".path", "must start with '/' and hold no spaces or control characters, got %q", reqPath)
	}
	if len(headers) > maxHeaders {
		c.errf(path+".headers", "at most %d headers, got %d", maxHeaders, len(headers))
	}
	first := make(map[string]string, len(headers))
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		if len(first) >= maxHeaders {
			break
		}
		p := path + ".headers." + k
		if msg := headerProblem(k, headers[k]); msg != "" {
			c.errf(p, "%s", msg)
		}
		if k2, dup := first[strings.ToLower(k)]; dup {
			c.errf(p, "duplicate header (also %q)", k2)
		} else {
			first[strings.ToLower(k)] = k
		}
	}
	c.positive(path+".timeout", timeout == 0, DefaultTimeout)
	c.body(path+".body", body)
}

// pathOK reports whether p can be a request's path: it starts with '/'
// and holds no spaces or control characters.
func pathOK(p string) bool {
	return strings.HasPrefix(p, "/") && strings.IndexFunc(p, isControlOrSpace) < 0
}

// headerProblem says what is wrong with a header, or "" when nothing is.
func headerProblem(name, value string) string {
	if !isToken(name) {
		return fmt.Sprintf("%q is not a header name", name)
	}
	if strings.IndexFunc(value, func(r rune) bool { return r != '\t' && unicode.IsControl(r) }) >= 0 {
		return "value holds a line break, NUL or other control character"
	}
	return ""
}

func (c *checker) body(path string, b *Body) {
	size, file, kind := c.given[path+".size"], c.given[path+".file"], c.given[path+".kind"]
	switch {
	case size && file:
		c.errf(path+".file", "set size (a generated body) or file, not both")
	case size && b.Size == 0:
		c.errf(path+".size", "must be > 0 (leave body out for no body)")
	case size && int64(b.Size) > MaxBodyBytes:
		c.errf(path+".size", "%s is more than the %s a body may be", exactBytes(int64(b.Size)), exactBytes(MaxBodyBytes))
	case kind && !size:
		c.errf(path+".kind", "applies to a generated body; set body.size too")
	}
	c.oneOf(path+".kind", b.Kind, bodyKinds)
	if file {
		c.bodyFile(path+".file", b)
	}
}

// bodyFile checks body.file and, when the scenario came from a file,
// makes it absolute against that file's directory.
func (c *checker) bodyFile(path string, b *Body) {
	if b.File == "" || strings.ContainsRune(b.File, 0) {
		c.errf(path, "want a file name, got %q", b.File)
		return
	}
	if c.dir == "" {
		return
	}
	f := b.File
	if !filepath.IsAbs(f) {
		f = filepath.Join(c.dir, f)
	}
	if msg := bodyFileProblem(f); msg != "" {
		c.errf(path, "%s", msg)
		return
	}
	b.File = f
}

// bodyFileProblem says why the file at f cannot be a request body, or ""
// when it can: it must be a regular file of at most MaxBodyBytes.
func bodyFileProblem(f string) string {
	fi, err := os.Stat(f)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("%s does not exist", f)
	case err != nil:
		return err.Error()
	case !fi.Mode().IsRegular():
		return fmt.Sprintf("%s is %s; want a regular file", f, kindOf(fi.Mode()))
	case fi.Size() > MaxBodyBytes:
		return fmt.Sprintf("%s is %s, more than the %s a body may be", f, exactBytes(fi.Size()), exactBytes(MaxBodyBytes))
	}
	return ""
}

// isToken reports whether s is an HTTP token (RFC 9110 section 5.6.2).
func isToken(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)) {
			return false
		}
	}
	return s != ""
}

func (c *checker) downstream(ps []Phase) {
	if len(ps) > maxPhases {
		c.errf("downstream.phases", "at most %d phases, got %d", maxPhases, len(ps))
		return
	}
	for i, ph := range ps {
		path := fmt.Sprintf("downstream.phases[%d]", i)
		c.required(path + ".at")
		c.text(path+".name", ph.Name, false)
		if len(ph.Name) > maxLabel {
			c.errf(path+".name", "at most %d bytes, got %d: it labels plots", maxLabel, len(ph.Name))
		}
		if ph.Capacity < 0 {
			c.errf(path+".capacity", "must be >= 0 (0 is unlimited), got %d", ph.Capacity)
		}
		c.ratio(path+".error_rate", ph.ErrorRate)
		if i == 0 {
			continue
		}
		prev := ps[i-1]
		switch {
		case prev.Duration == 0:
			c.errf(fmt.Sprintf("downstream.phases[%d].duration", i-1), "an open-ended phase (no duration) must be the last")
		case ph.At < prev.At:
			c.errf(path+".at", "phases must be sorted by at: %s is before phases[%d].at %s", ph.At, i-1, prev.At)
		case prev.At+prev.Duration > ph.At:
			c.errf(path+".at", "%s overlaps phases[%d], which runs until %s", ph.At, i-1, prev.At+prev.Duration)
		}
	}
}

// maxLabel bounds a phase name, drawn on the plots.
const maxLabel = 100

// text reports control characters in a string meant to be read (a
// description, a phase name): they would reach summary.md, the terminal
// and the SVGs. Newlines and tabs are allowed where multiline is true.
func (c *checker) text(path, s string, multiline bool) {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) {
			c.errf(path, "holds a control or formatting character (%U): want plain text", r)
			return
		}
	}
}

func isControlOrSpace(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }
