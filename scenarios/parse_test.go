package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// minimal is the smallest valid scenario; cases below edit it.
const minimal = `name: t
targets:
  - name: a
    builtin: upload-naive
load:
  stages:
    - rate: 10
      duration: 10s
`

// withTargets is minimal with the targets replaced.
func withTargets(targets string) string {
	return "name: t\ntargets:\n" + targets + "load:\n  stages:\n    - {rate: 10, duration: 10s}\n"
}

// want is one expected problem.
type want struct {
	line  int
	field string
	msg   string // substring of Msg
}

// parseErrorTests are invalid files with the problems Parse must report;
// FuzzParse seeds its corpus from them.
var parseErrorTests = []struct {
	name string
	in   string
	want []want
}{
	{"empty", "", []want{{0, "", "empty document"}}},
	{"comments only", "# nothing\n", []want{{0, "", "empty document"}}},
	{"null document", "~\n", []want{{0, "", "empty document"}}},
	{"not a mapping", "- a\n- b\n", []want{{1, "", "want a mapping of keys"}}},
	{"two documents", minimal + "---\nname: u\n", []want{{9, "", "more than one YAML document"}}},
	{"syntax", "name: t\n  bad: [\n", []want{{2, "", "invalid YAML"}}},
	{"unknown top", minimal + "memory_limt: 1GiB\n", []want{{9, "memory_limt", `unknown field "memory_limt" (did you mean "memory_limit"?)`}}},
	{"unknown deep", strings.Replace(minimal, "- rate: 10", "- ratee: 10", 1), []want{
		{7, "load.stages[0].ratee", `unknown field "ratee" (did you mean "rate"?)`},
		{7, "load.stages[0].rate", "missing"},
	}},
	{"unknown far", minimal + "colour: red\n", []want{{9, "colour", "known: deadline, description"}}},
	{"merge key", minimal + "<<: {name: x}\n", []want{{9, "<<", "merge keys"}}},
	{"duplicate key", minimal + "name: u\n", []want{{9, "name", "duplicate key (first at line 1)"}}},
	{"duplicate env", withTargets("  - name: a\n    builtin: b\n    env: {X: '1', X: '2'}\n"), []want{{5, "targets[0].env.X", "duplicate key"}}},
	{"duplicate header", minimal + "  request:\n    headers: {Accept: a, accept: b}\n", []want{{10, "load.request.headers.accept", "duplicate header"}}},
	{"string for number", strings.Replace(minimal, "rate: 10", "rate: fast", 1), []want{{7, "load.stages[0].rate", `want a number, got "fast"`}}},
	{"quoted number", strings.Replace(minimal, "rate: 10", `rate: "10"`, 1), []want{{7, "load.stages[0].rate", "remove the quotes"}}},
	{"list for number", strings.Replace(minimal, "rate: 10", "rate: [1]", 1), []want{{7, "load.stages[0].rate", "got a list"}}},
	{"number for duration", strings.Replace(minimal, "duration: 10s", "duration: 10", 1), []want{{8, "load.stages[0].duration", `want a duration such as "10s"`}}},
	{"string for int", minimal + "  max_workers: many\n", []want{{9, "load.max_workers", "want a whole number"}}},
	{"mapping for list", "name: t\ntargets: {name: a}\nload:\n  stages: [{rate: 1, duration: 1s}]\n", []want{{2, "targets", "want a list, got a mapping"}}},
	{"missing name", strings.Replace(minimal, "name: t\n", "", 1), []want{{1, "name", "missing"}}},
	{"bad name", strings.Replace(minimal, "name: t", "name: a/b", 1), []want{{1, "name", "want 1-64 letters"}}},
	{"no targets key", "name: t\nload:\n  stages: [{rate: 1, duration: 1s}]\n", []want{{1, "targets", "at least one target"}}},
	{"empty targets", "name: t\ntargets: []\nload:\n  stages: [{rate: 1, duration: 1s}]\n", []want{{2, "targets", "at least one target"}}},
	{"no load", "name: t\ntargets: [{name: a, builtin: b}]\n", []want{{1, "load", "missing"}}},
	{"no stages", "name: t\ntargets: [{name: a, builtin: b}]\nload: {}\n", []want{{3, "load.stages", "at least one stage"}}},
	{"zero rate", strings.Replace(minimal, "rate: 10", "rate: 0", 1), []want{{7, "load.stages[0].rate", "must be > 0"}}},
	{"negative rate", strings.Replace(minimal, "rate: 10", "rate: -1", 1), []want{{7, "load.stages[0].rate", "must be > 0"}}},
	{"nan rate", strings.Replace(minimal, "rate: 10", "rate: .nan", 1), []want{{7, "load.stages[0].rate", "must be > 0"}}},
	{"zero duration", strings.Replace(minimal, "duration: 10s", "duration: 0s", 1), []want{{8, "load.stages[0].duration", "must be > 0"}}},
	{"negative duration", strings.Replace(minimal, "duration: 10s", "duration: -1s", 1), []want{{8, "load.stages[0].duration", "must not be negative"}}},
	{"huge duration", strings.Replace(minimal, "duration: 10s", "duration: 25h", 1), []want{{8, "load.stages[0].duration", "at most 24h"}}},
	{"missing duration", "name: t\ntargets: [{name: a, builtin: b}]\nload:\n  stages:\n    - rate: 1\n    - {rate: 2, duration: 1s}\n    - rate: 3\n", []want{
		{5, "load.stages[0].duration", "missing"},
		{7, "load.stages[2].duration", "missing"},
	}},
	{"null rate", strings.Replace(minimal, "rate: 10", "rate:", 1), []want{{7, "load.stages[0].rate", "missing"}}},
	{"both builtin and command", withTargets("  - name: a\n    builtin: b\n    command: ./srv\n"), []want{{5, "targets[0].command", "not both"}}},
	{"neither builtin nor command", withTargets("  - name: a\n  - name: b\n    builtin: x\n"), []want{{3, "targets[0]", "needs builtin"}}},
	{"empty command", withTargets("  - name: a\n    command: ''\n"), []want{{4, "targets[0].command", "empty command"}}},
	{"unterminated quote", withTargets("  - name: a\n    command: \"node 'x\"\n"), []want{{4, "targets[0].command", "unterminated quote"}}},
	{"command of maps", withTargets("  - name: a\n    command: [{a: b}]\n"), []want{{4, "targets[0].command", "want each word"}}},
	{"duplicate target", withTargets("  - {name: a, builtin: x}\n  - name: b\n    builtin: x\n  - name: a\n    builtin: y\n"), []want{{6, "targets[2].name", `duplicate target name "a" (also targets[0])`}}},
	{"missing target name", withTargets("  - builtin: x\n"), []want{{3, "targets[0].name", "missing"}}},
	{"unknown runtime", withTargets("  - {name: a, builtin: x, runtime: java}\n"), []want{{3, "targets[0].runtime", `unknown name "java"`}}},
	{"unknown role", withTargets("  - name: a\n    builtin: x\n    role: clever\n"), []want{{5, "targets[0].role", "want one of naive, aware"}}},
	{"unknown outcome", withTargets("  - name: a\n    builtin: x\n    expect:\n      outcome: [survived, exploded]\n"), []want{{6, "targets[0].expect.outcome[1]", `unknown name "exploded"`}}},
	{"repeated outcome", withTargets("  - name: a\n    builtin: x\n    expect:\n      outcome: [survived, survived]\n"), []want{{6, "targets[0].expect.outcome[1]", "listed twice"}}},
	{"unknown class", withTargets("  - name: a\n    builtin: x\n    expect:\n      class: [bounded, flat]\n"), []want{{6, "targets[0].expect.class[1]", `unknown name "flat" (want one of bounded, growing, oom-killed`}}},
	{"inconclusive class", withTargets("  - name: a\n    builtin: x\n    expect: {class: inconclusive}\n"), []want{{5, "targets[0].expect.class[0]", "an inconclusive verdict never passes"}}},
	{"survived class", withTargets("  - name: a\n    builtin: x\n    expect: {class: survived}\n"), []want{{5, "targets[0].expect.class[0]", `unknown name "survived"`}}},
	{"repeated class", withTargets("  - name: a\n    builtin: x\n    expect:\n      class: [growing, growing]\n"), []want{{6, "targets[0].expect.class[1]", "listed twice"}}},
	{"env PORT", withTargets("  - name: a\n    builtin: x\n    env:\n      PORT: '1'\n"), []want{{6, "targets[0].env.PORT", "set by the harness"}}},
	{"env DOWNSTREAM_URL", withTargets("  - name: a\n    builtin: x\n    env:\n      DOWNSTREAM_URL: x\n"), []want{{6, "targets[0].env.DOWNSTREAM_URL", "set by the harness"}}},
	{"env bad name", withTargets("  - name: a\n    builtin: x\n    env:\n      1X: x\n"), []want{{6, "targets[0].env.1X", "variable name"}}},
	{"env list value", withTargets("  - name: a\n    builtin: x\n    env:\n      X: [1]\n"), []want{{6, "targets[0].env.X", "want a string"}}},
	{"ready path", withTargets("  - name: a\n    builtin: x\n    ready_path: healthz\n"), []want{{5, "targets[0].ready_path", "must start with '/'"}}},
	{"zero ready timeout", withTargets("  - name: a\n    builtin: x\n    ready_timeout: 0s\n"), []want{{5, "targets[0].ready_timeout", "default 10s"}}},
	{"min above max rss", withTargets("  - name: a\n    builtin: x\n    expect: {max_rss: 10MiB, min_rss: 20MiB}\n"), []want{{5, "targets[0].expect.min_rss", "above max_rss"}}},
	{"success ratio", withTargets("  - name: a\n    builtin: x\n    expect: {min_success_ratio: 1.5}\n"), []want{{5, "targets[0].expect.min_success_ratio", "between 0 and 1"}}},
	{"negative size", withTargets("  - name: a\n    builtin: x\n    expect: {max_rss: -1MiB}\n"), []want{{5, "targets[0].expect.max_rss", "want a size >= 0"}}},
	{"memory limit low", minimal + "memory_limit: 8MiB\n", []want{{9, "memory_limit", "must be at least 16MiB, got 8MiB"}}},
	{"memory limit word", minimal + "memory_limit: lots\n", []want{{9, "memory_limit", `want a size such as "256MiB"`}}},
	{"memory limit docker m", minimal + "memory_limit: 256m\n", []want{{9, "memory_limit",
		`"256m": a one-letter unit means powers of 1024 to Docker and of 1000 to Kubernetes: did you mean "256MiB"? (or "256MB" for powers of 1000)`}}},
	{"memory limit G", minimal + "memory_limit: 1G\n", []want{{9, "memory_limit", `did you mean "1GiB"? (or "1GB" for powers of 1000)`}}},
	{"memory limit bare", minimal + "memory_limit: 256\n", []want{{9, "memory_limit",
		`must be at least 16MiB, got 256 (a number without a unit is bytes: did you mean "256MiB"?)`}}},
	{"bandwidth k", minimal + "downstream:\n  phases:\n    - {at: 1s, read_bandwidth: 512k/s}\n", []want{{11, "downstream.phases[0].read_bandwidth",
		`"512k": a one-letter unit means powers of 1024 to Docker and of 1000 to Kubernetes: did you mean "512KiB"? (or "512kB" for powers of 1000)`}}},
	{"sample interval low", minimal + "sample_interval: 5ms\n", []want{{9, "sample_interval", "at least 10ms"}}},
	{"deadline short", minimal + "deadline: 5s\n", []want{{9, "deadline", "shorter than the load"}}},
	{"zero workers", minimal + "  max_workers: 0\n", []want{{9, "load.max_workers", "between 1 and"}}},
	{"negative connections", minimal + "  max_connections: -3\n", []want{{9, "load.max_connections", "between 1 and"}}},
	{"method", minimal + "  request:\n    method: GET POST\n", []want{{10, "load.request.method", "not an HTTP method"}}},
	{"path", minimal + "  request:\n    path: upload\n", []want{{10, "load.request.path", "must start with '/'"}}},
	{"header name", minimal + "  request:\n    headers:\n      \"X Y\": z\n", []want{{11, "load.request.headers.X Y", "not a header name"}}},
	{"zero timeout", minimal + "  request:\n    timeout: 0s\n", []want{{10, "load.request.timeout", "default 30s"}}},
	{"size and file", minimal + "  request:\n    body:\n      size: 1MiB\n      file: a.bin\n", []want{{12, "load.request.body.file", "not both"}}},
	{"body kind", minimal + "  request:\n    body: {size: 1KiB, kind: lorem}\n", []want{{10, "load.request.body.kind", `unknown name "lorem"`}}},
	{"kind without size", minimal + "  request:\n    body: {kind: zeros}\n", []want{{10, "load.request.body.kind", "set body.size too"}}},
	{"zero size", minimal + "  request:\n    body: {size: 0}\n", []want{{10, "load.request.body.size", "must be > 0"}}},
	{"phase missing at", minimal + "downstream:\n  phases:\n    - latency: 1s\n", []want{{11, "downstream.phases[0].at", "missing"}}},
	{"phases overlap", minimal + "downstream:\n  phases:\n    - {at: 0s, duration: 10s}\n    - {at: 5s, duration: 1s}\n", []want{{12, "downstream.phases[1].at", "overlaps phases[0], which runs until 10s"}}},
	{"phases unsorted", minimal + "downstream:\n  phases:\n    - {at: 10s, duration: 1s}\n    - {at: 5s}\n", []want{{12, "downstream.phases[1].at", "sorted by at"}}},
	{"open-ended not last", minimal + "downstream:\n  phases:\n    - at: 0s\n      latency: 1s\n    - {at: 5s}\n", []want{{11, "downstream.phases[0].duration", "must be the last"}}},
	{"error rate", minimal + "downstream:\n  phases:\n    - at: 0s\n      error_rate: 1.1\n", []want{{12, "downstream.phases[0].error_rate", "between 0 and 1"}}},
	{"negative capacity", minimal + "downstream:\n  phases:\n    - at: 0s\n      capacity: -1\n", []want{{12, "downstream.phases[0].capacity", "must be >= 0"}}},
	{"bad bandwidth", minimal + "downstream:\n  phases:\n    - at: 0s\n      read_bandwidth: fast\n", []want{{12, "downstream.phases[0].read_bandwidth", `want a rate such as "1MB/s"`}}},
	{"several at once", `name: t
targets:
  - name: a
    builtin: x
    command: y
load:
  stages:
    - {rate: 0, duration: 1s}
  request: {path: x}
memory_limit: 1MiB
`, []want{
		{5, "targets[0].command", "not both"},
		{8, "load.stages[0].rate", "must be > 0"},
		{9, "load.request.path", "must start"},
		{10, "memory_limit", "at least"},
	}},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range parseErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("s.yaml", strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Parse(%q) = %+v; want errors %v", tt.in, s, tt.want)
			}
			if !errors.Is(err, ErrInvalid) || !IsInvalid(err) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false; want true", err)
			}
			var first *Error
			if !errors.As(err, &first) {
				t.Fatalf("errors.As(%v, *Error) = false; want true", err)
			}
			got := unjoin(err)
			if len(got) != len(tt.want) {
				t.Fatalf("Parse(%q) gave %d errors:\n%v\nwant %d: %v", tt.in, len(got), err, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.File != "s.yaml" || g.Line != w.line || g.Field != w.field || !strings.Contains(g.Msg, w.msg) {
					t.Errorf("Parse error %d = %s (line %d, field %q); want line %d, field %q, msg containing %q",
						i, g, g.Line, g.Field, w.line, w.field, w.msg)
				}
			}
		})
	}
}

// unjoin lists the *Errors in err.
func unjoin(err error) []*Error {
	var list []*Error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			list = append(list, unjoin(e)...)
		}
		return list
	}
	var e *Error
	if errors.As(err, &e) {
		list = append(list, e)
	}
	return list
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "a.yaml", Line: 3, Column: 5, Field: "load.stages[2].rate", Msg: "must be > 0"}, "a.yaml:3: load.stages[2].rate: must be > 0"},
		{Error{File: "a.yaml", Msg: "empty document"}, "a.yaml: empty document"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
	}
}

func TestTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: t\ntargets: [{name: a, builtin: b}]\nload:\n  stages:\n")
	for range 200 {
		b.WriteString("    - {rate: 0, duration: 1s}\n")
	}
	_, err := Parse("s.yaml", strings.NewReader(b.String()))
	got := unjoin(err)
	if len(got) != maxErrors || !strings.Contains(got[len(got)-1].Msg, "too many problems (200)") {
		t.Errorf("Parse(200 bad stages) gave %d errors ending %v; want %d ending with too many problems", len(got), got[len(got)-1], maxErrors)
	}
}

func TestAliasBomb(t *testing.T) {
	in := `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
targets: [{name: t, builtin: x, command: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]}]
`
	if _, err := Parse("s.yaml", strings.NewReader(in)); !IsInvalid(err) {
		t.Errorf("Parse(alias bomb) = %v; want a scenario error", err)
	}
}

func TestParseIOError(t *testing.T) {
	_, err := Parse("s.yaml", errReader{})
	if err == nil || IsInvalid(err) || !errors.Is(err, errBoom) {
		t.Errorf("Parse(failing reader) = %v; want an I/O error wrapping errBoom, not ErrInvalid", err)
	}
}

var errBoom = errors.New("boom")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBoom }

// parseValidTests are valid files and a check of what Parse made of them;
// FuzzParse seeds its corpus from them.
var parseValidTests = []struct {
	name  string
	in    string
	check func(*Scenario) bool
}{
	{"minimal", minimal, func(s *Scenario) bool { return s.Name == "t" && len(s.Targets) == 1 }},
	{"command string", withTargets("  - name: a\n    command: node 'my server.js' --x\n"), func(s *Scenario) bool {
		return reflect.DeepEqual(s.Targets[0].Command, Command{"node", "my server.js", "--x"})
	}},
	{"command list", withTargets("  - name: a\n    command: [python3, -u, srv.py]\n"), func(s *Scenario) bool {
		return reflect.DeepEqual(s.Targets[0].Command, Command{"python3", "-u", "srv.py"})
	}},
	{"single outcome", withTargets("  - name: a\n    builtin: x\n    expect: {outcome: survived}\n"), func(s *Scenario) bool {
		return reflect.DeepEqual(s.Targets[0].Expect.Outcomes, []string{"survived"})
	}},
	{"single class", withTargets("  - name: a\n    builtin: x\n    expect: {class: bounded}\n"), func(s *Scenario) bool {
		return reflect.DeepEqual(s.Targets[0].Expect.Classes, []string{ClassBounded})
	}},
	{"units", minimal + "memory_limit: 1GB\ndownstream:\n  phases:\n    - {at: 1s, duration: 2s, read_bandwidth: 512KiB/s}\n    - {at: 3s, read_bandwidth: 2000}\n", func(s *Scenario) bool {
		p := s.Downstream.Phases
		return s.MemoryLimit == 1e9 && p[0].ReadBandwidth == 512<<10 && p[1].ReadBandwidth == 2000 && p[0].End() == 3*time.Second && p[1].End() == 0
	}},
	{"env number", withTargets("  - name: a\n    builtin: x\n    env: {N: 32, E: }\n"), func(s *Scenario) bool {
		return reflect.DeepEqual(s.Targets[0].Env, map[string]string{"N": "32", "E": ""})
	}},
	{"empty lists stay nil", minimal + "downstream: {phases: []}\n", func(s *Scenario) bool { return s.Downstream.Phases == nil }},
	{"phases touching", minimal + "downstream:\n  phases:\n    - {at: 0s, duration: 5s}\n    - {at: 5s}\n", func(s *Scenario) bool { return len(s.Downstream.Phases) == 2 }},
	{"anchored targets", "name: t\ntargets:\n  - &a {name: a, builtin: x}\nload:\n  stages: [{rate: 1, duration: 1s}]\n", func(s *Scenario) bool { return s.Targets[0].Name == "a" }},
}

func TestParseValid(t *testing.T) {
	for _, tt := range parseValidTests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("s.yaml", strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q) = %v; want no error", tt.in, err)
			}
			if !tt.check(s) {
				t.Errorf("Parse(%q) = %+v; check failed", tt.in, s)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	s, err := Parse("s.yaml", strings.NewReader(minimal))
	if err != nil {
		t.Fatal(err)
	}
	want := &Scenario{
		Name: "t",
		Targets: []Target{{
			Name: "a", Builtin: "upload-naive", Runtime: "go",
			ReadyTimeout: Duration(10 * time.Second), Restart: RestartNever,
		}},
		MemoryLimit:    256 << 20,
		SampleInterval: Duration(100 * time.Millisecond),
		Deadline:       Duration((10*time.Second+15*time.Second)*1 + 30*time.Second),
		Load: Load{
			Stages:         []Stage{{Rate: 10, Duration: Duration(10 * time.Second)}},
			Request:        Request{Method: "GET", Path: "/", Timeout: Duration(30 * time.Second)},
			MaxWorkers:     1024,
			MaxConnections: 1024,
		},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("Parse(minimal) =\n%+v\nwant\n%+v", s, want)
	}

	tests := []struct {
		name, in string
		check    func(*Scenario) any
		want     any
	}{
		{"post with body", minimal + "  request: {body: {size: 1KiB}}\n", func(s *Scenario) any { return s.Load.Request.Method + " " + s.Load.Request.Body.Kind }, "POST random"},
		{"post with file", minimal + "  request: {body: {file: x.bin}}\n", func(s *Scenario) any { return s.Load.Request.Method + " " + s.Load.Request.Body.Kind }, "POST "},
		{"method kept", minimal + "  request: {method: PUT, body: {size: 1KiB, kind: zeros}}\n", func(s *Scenario) any { return s.Load.Request.Method + " " + s.Load.Request.Body.Kind }, "PUT zeros"},
		{"connections follow workers", minimal + "  max_workers: 10\n", func(s *Scenario) any { return s.Load.MaxConnections }, 10},
		{"connections kept", minimal + "  max_workers: 10\n  max_connections: 5\n", func(s *Scenario) any { return s.Load.MaxConnections }, 5},
		{"deadline two targets", withTargets("  - {name: a, builtin: x}\n  - {name: b, builtin: y}\n"), func(s *Scenario) any { return s.Deadline.D() }, (10*time.Second+15*time.Second)*2 + 30*time.Second},
		{"deadline kept", minimal + "deadline: 1h\n", func(s *Scenario) any { return s.Deadline.D() }, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("s.yaml", strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.in, err)
			}
			if got := tt.check(s); got != tt.want {
				t.Errorf("Parse(%q) gave %v; want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestDetectRuntime(t *testing.T) {
	tests := []struct {
		t    Target
		want string
	}{
		{Target{Builtin: "upload-naive"}, "go"},
		{Target{Builtin: "node-upload-naive"}, "node"},
		{Target{Command: Command{"node", "srv.js"}}, "node"},
		{Target{Command: Command{"/usr/bin/nodejs", "srv.js"}}, "node"},
		{Target{Command: Command{"env", "NODE_OPTIONS=--x", "node", "srv.js"}}, "node"},
		{Target{Command: Command{"python3", "srv.py"}}, "python"},
		{Target{Command: Command{"/usr/bin/python3.11", "srv.py"}}, "python"},
		{Target{Command: Command{"python", "srv.py"}}, "python"},
		{Target{Command: Command{"python2", "srv.py"}}, "other"},
		{Target{Command: Command{"python3.x", "srv.py"}}, "other"},
		{Target{Command: Command{"pythonista"}}, "other"},
		{Target{Command: Command{"gunicorn", "-w", "2", "app:app"}}, "python"},
		{Target{Command: Command{"env", "A=1", "uvicorn", "app:app"}}, "python"},
		{Target{Command: Command{"java", "-Xmx64m", "Proxy"}}, "jvm"},
		{Target{Command: Command{"/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "-jar", "a.jar"}}, "jvm"},
		{Target{Command: Command{"javac"}}, "other"},
		{Target{Command: Command{"sh", "-c", "java Proxy"}}, "jvm"},
		{Target{Command: Command{"/bin/bash", "-c", "cd /srv && exec /opt/jdk/bin/java -jar app.jar; true"}}, "jvm"},
		{Target{Command: Command{"sh", "-c", "exec gunicorn -w 2 app:app"}}, "python"},
		{Target{Command: Command{"sh", "-c", "\"java\" -version"}}, "jvm"},
		{Target{Command: Command{"sh", "-c", "exec ./server; true"}}, "other"},
		{Target{Command: Command{"sh", "-c", "node s.js"}}, "other"},
		{Target{Command: Command{"sh", "-c"}}, "other"},
		{Target{Command: Command{"sh", "./java"}}, "other"},
		{Target{Command: Command{"./run", "-c", "java P"}}, "other"},
		{Target{Command: Command{"./server"}}, "other"},
		{Target{Command: Command{"env"}}, "other"},
	}
	for _, tt := range tests {
		if got := detectRuntime(tt.t); got != tt.want {
			t.Errorf("detectRuntime(%+v) = %q; want %q", tt.t, got, tt.want)
		}
	}
	s, err := Parse("s.yaml", strings.NewReader(withTargets("  - {name: a, command: ./srv, runtime: go}\n")))
	if err != nil || s.Targets[0].Runtime != "go" {
		t.Errorf("Parse(runtime: go) = %v, %v; want runtime go kept", s, err)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("body.json", "{}")
	good := write("good.yaml", minimal+"  request:\n    body:\n      file: body.json\n")
	s, err := LoadFile(good)
	if err != nil {
		t.Fatalf("LoadFile(good) = %v", err)
	}
	if want := filepath.Join(dir, "body.json"); s.Load.Request.Body.File != want {
		t.Errorf("LoadFile(good).Load.Request.Body.File = %q; want %q", s.Load.Request.Body.File, want)
	}

	missing := write("missing.yaml", minimal+"  request:\n    body:\n      file: nope.json\n")
	_, err = LoadFile(missing)
	var e *Error
	if !errors.As(err, &e) || e.Field != "load.request.body.file" || e.Line != 11 || e.File != missing {
		t.Errorf("LoadFile(missing body) = %v; want an *Error at %s:11 for load.request.body.file", err, missing)
	}

	_, err = LoadFile(filepath.Join(dir, "absent.yaml"))
	if err == nil || IsInvalid(err) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile(absent) = %v; want an I/O error wrapping os.ErrNotExist", err)
	}
}

func TestLookup(t *testing.T) {
	s, err := Lookup("upload-proxy")
	if err != nil || s.Name != "upload-proxy" {
		t.Errorf("Lookup(upload-proxy) = %v, %v; want the builtin", s, err)
	}
	p := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(p, []byte(minimal), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := Lookup(p); err != nil || s.Name != "t" {
		t.Errorf("Lookup(%s) = %v, %v; want the file's scenario", p, s, err)
	}
	_, err = Lookup("no-such-scenario")
	if err == nil || !strings.Contains(err.Error(), "upload-proxy") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Lookup(no-such-scenario) = %v; want an error listing the builtins, wrapping os.ErrNotExist", err)
	}
}

// full sets every field, with values that are awkward to encode.
const full = `name: "0x10"
description: "line one\nline \xff two: [not, a, list] # no comment"
pattern: upload-proxy
targets:
  - name: naive.1
    command: env A=1 node "my server.js"
    role: naive
    env: {A: "yes", B: "null", C: " spaced ", D: "~", E: "1e3"}
    ready_path: /healthz?x=1
    ready_timeout: 1.5s
    expect:
      outcome: [oom-killed, limit-stall, crashed]
      oom_within: 1m30s
      min_rss: 100000
      max_rss: 1GB
      min_success_ratio: 5e-324
  - name: aware_2
    builtin: node-upload-aware
    runtime: other
    role: aware
memory_limit: 1536MiB
sample_interval: 10ms
deadline: 24h
load:
  stages:
    - {rate: 1e-3, duration: 1ns}
    - {rate: 0.1, duration: 11h59m}
    - {rate: 1000000, duration: 1ms}
  request:
    method: "PATCH"
    path: "/a b"
    headers: {X-True: "true", x-num: "0o17", Empty: ""}
    body: {size: 1.5KiB, kind: ndjson}
    timeout: 1h
  max_workers: 65536
  max_connections: 1
downstream:
  phases:
    - {name: "null", at: 0s, duration: 1s, latency: 1ns, read_bandwidth: 1, capacity: 1, error_rate: 1, stall: true}
    - {name: "", at: 1s, duration: 0.5s, error_rate: 0.1}
    - {name: "# x", at: 2s, read_bandwidth: 1.5MiB/s}
`

func TestRoundTrip(t *testing.T) {
	inputs := map[string]string{
		"full":    strings.Replace(full, `path: "/a b"`, `path: "/a%20b"`, 1),
		"longest": longest(),
	}
	for _, tt := range parseValidTests {
		inputs[tt.name] = tt.in
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			s, err := Parse("s.yaml", strings.NewReader(in))
			if err != nil {
				t.Fatalf("Parse(%q) = %v", in, err)
			}
			roundTrip(t, s)
		})
	}
}

// longest is a scenario with the most targets and the longest load allowed,
// whose default deadline is the longest there is.
func longest() string {
	var b strings.Builder
	b.WriteString("name: long\ntargets:\n")
	for i := range maxTargets {
		fmt.Fprintf(&b, "  - {name: t%d, builtin: x}\n", i)
	}
	b.WriteString("load:\n  stages: [{rate: 1, duration: 12h}, {rate: 2, duration: 12h}]\n")
	return b.String()
}
