package scenarios

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// targetsScenario is minimal reading its kinds from file.
func targetsScenario(file string) string { return minimal + "  targets_file: " + file + "\n" }

// putFiles writes name -> content under dir.
func putFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goodTargets is a targets file with comments, names, headers and @body
// files (one in a sub-folder, both relative to the targets file).
const goodTargets = `# an export and two uploads
# name: export
GET http://localhost:8080/export?rows=100000
Accept: text/csv
X-Tenant: t1

POST http://127.0.0.1:8080/upload
Content-Type: application/json
@bodies/upload.json

# a second upload, named from its method and path
POST http://[::1]/upload
@small.bin
GET /health
`

// goodTargetsFiles are goodTargets with its body files, under t/.
var goodTargetsFiles = map[string]string{
	"t/targets.txt":         goodTargets,
	"t/bodies/upload.json":  `{"rows": 3}`,
	"t/small.bin":           "xyz",
	"scenario-inline.yaml":  "",
	"scenario-targets.yaml": targetsScenario("t/targets.txt"),
}

// inlineMix is goodTargets written as load.requests.
func inlineMix(dir string) string {
	return minimal + `  requests:
    - name: export
      method: GET
      path: /export?rows=100000
      headers: {Accept: text/csv, X-Tenant: t1}
    - name: post-upload
      method: POST
      path: /upload
      headers: {Content-Type: application/json}
      body: {file: t/bodies/upload.json}
    - name: post-upload-2
      method: POST
      path: /upload
      body: {file: ` + filepath.Join(dir, "t/small.bin") + `}
    - name: get-health
      path: /health
`
}

// TestTargetsFileAsInlineMix checks that a targets file with headers and
// @body files gives the same kinds as the same mix written inline.
func TestTargetsFileAsInlineMix(t *testing.T) {
	dir := t.TempDir()
	putFiles(t, dir, goodTargetsFiles)
	putFiles(t, dir, map[string]string{"scenario-inline.yaml": inlineMix(dir)})
	fromFile, err := LoadFile(filepath.Join(dir, "scenario-targets.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inline, err := LoadFile(filepath.Join(dir, "scenario-inline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got, want := fromFile.Load.Kinds(), inline.Load.Kinds()
	if len(got) != 4 || !reflect.DeepEqual(got, want) {
		t.Fatalf("Kinds() from the targets file =\n%+v\nwant (inline)\n%+v", got, want)
	}
	if f := fromFile.Load.TargetsFile; f != filepath.Join(dir, "t/targets.txt") {
		t.Errorf("TargetsFile = %q; want it made absolute", f)
	}
	if b := got[1].Body.File; b != filepath.Join(dir, "t/bodies/upload.json") {
		t.Errorf("@body = %q; want it relative to the targets file", b)
	}
	roundTrip(t, fromFile)
}

// TestTargetsFileErrors checks the problems of targets files: each names
// the scenario's line and field and the targets file's own line.
func TestTargetsFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		targets string            // written to t.txt unless empty
		files   map[string]string // more files
		setup   func(t *testing.T, dir string)
		msg     []string // each in a problem's Msg, in order; " * " stands for anything
	}{
		{name: "missing", setup: func(*testing.T, string) {}, msg: []string{"t.txt does not exist"}},
		{name: "a directory", setup: func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "t.txt"), 0o755) },
			msg: []string{"t.txt is a directory: not a regular file; want a regular file of at most 1048576 bytes"}},
		{name: "a FIFO", setup: func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "t.txt"), 0o644); err != nil {
				t.Skip("mkfifo:", err)
			}
		}, msg: []string{"t.txt is a named pipe (FIFO): not a regular file"}},
		{name: "too large", targets: "GET http://localhost/\n#" + strings.Repeat("x", 1<<20) + "\n", msg: []string{"more than the 1048576 allowed"}},
		{name: "empty", targets: "# nothing\n\n", msg: []string{"t.txt: no targets"}},
		{name: "no URL", targets: "GET http://localhost/a\n\nGET\n", msg: []string{`t.txt:3: bad target "GET": want METHOD URL`}},
		{name: "lower-case method", targets: "get http://localhost/a\n", msg: []string{`t.txt:1: bad method "get"`}},
		{name: "bad URL", targets: "\n\nGET localhost:80/a\n", msg: []string{`t.txt:3: URL "localhost:80/a": scheme localhost`}}, {name: "URL with a space", targets: "GET  http://localhost/a\n", msg: []string{`t.txt:1: bad URL " http://localhost/a"`}},
		{name: "remote host", targets: "GET http://example.com/a\n", msg: []string{`t.txt:1: URL "http://example.com/a": host "example.com" is not loopback`}},
		{name: "remote address", targets: "GET http://10.0.0.1:8080/a\n", msg: []string{`host "10.0.0.1" is not loopback`}},
		{name: "https", targets: "GET https://localhost/a\n", msg: []string{"t.txt:1: URL \"https://localhost/a\": scheme https"}},
		{name: "user info", targets: "GET http://u:p@localhost/a\n", msg: []string{"user information is not supported"}},
		{name: "bad header", targets: "GET http://localhost/a\nAccept text/csv\n", msg: []string{`t.txt:2: bad header "Accept text/csv": want "Name: value"`}},
		{name: "empty header value", targets: "GET http://localhost/a\nAccept:\n", msg: []string{`t.txt:2: bad header "Accept:"`}},
		{name: "header name not a token", targets: "GET http://localhost/a\nX(y): 1\n", msg: []string{`t.txt:2: header "X(y)" is not a header name`}},
		{name: "header twice", targets: "GET http://localhost/a\nAccept: a\naccept: b\n", msg: []string{`t.txt:3: header "accept" given twice (also line 2)`}},
		{name: "target inside headers", targets: "GET http://localhost/a\n# c\nGET http://localhost/b\n", msg: []string{`t.txt:3: target "GET http://localhost/b" inside the headers of line 1`}},
		{name: "empty body name", targets: "POST http://localhost/a\n@\n", msg: []string{`t.txt:2: bad body "@"`}},
		{name: "body missing", targets: "POST http://localhost/a\n@nope.json\n", msg: []string{"t.txt:2: @body: * nope.json does not exist"}},
		{name: "body a directory", targets: "POST http://localhost/a\n@d\n", setup: func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "d"), 0o755) },
			msg: []string{"t.txt:2: @body: * d is a directory; want a regular file"}},
		{name: "bad name", targets: "# name: Export\nGET http://localhost/a\n", msg: []string{`t.txt:1: name "Export": want 1-64 of a-z`}},
		{name: "two names", targets: "# name: a\n# name: b\nGET http://localhost/a\n", msg: []string{"t.txt:2: a second name comment before one target (the first is at line 1)"}},
		{name: "name at the end", targets: "GET http://localhost/a\n# name: b\n", msg: []string{`t.txt:2: name comment "b" is not followed by a target`}},
		{name: "same name twice", targets: "# name: a\nGET http://localhost/a\n\n# name: a\nGET http://localhost/b\n", msg: []string{`t.txt:5: kind name "a" given twice (also the target at line 2)`}},
		{name: "every bad line", targets: "GET http://localhost/a\nbad\n\nget /b\n\nGET http://example.org/\n\nGET /ok\n",
			msg: []string{"t.txt:2: bad header", "t.txt:4: bad method", "t.txt:6: URL"}},
		{name: "line too long", targets: "GET http://localhost/" + strings.Repeat("a", 70<<10) + "\n", msg: []string{"t.txt:1: line is 71701 bytes; at most 65536"}},
		{name: "too many targets", targets: strings.Repeat("GET http://localhost/a\n", MaxKinds+1), msg: []string{"t.txt:101: more than 100 targets"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			putFiles(t, dir, map[string]string{"s.yaml": targetsScenario("t.txt")})
			if tt.targets != "" {
				putFiles(t, dir, map[string]string{"t.txt": tt.targets})
			}
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			s, err := LoadFile(filepath.Join(dir, "s.yaml"))
			if err == nil {
				t.Fatalf("LoadFile = %+v; want an error", s.Load.Kinds())
			}
			got := unjoin(err)
			if len(got) != len(tt.msg) {
				t.Fatalf("LoadFile gave %d problems:\n%v\nwant %d: %q", len(got), err, len(tt.msg), tt.msg)
			}
			for i, e := range got {
				if e.File != filepath.Join(dir, "s.yaml") || e.Line != 9 || e.Field != "load.targets_file" || !containsInOrder(e.Msg, tt.msg[i]) || !IsInvalid(e) {
					t.Errorf("problem %d = %s; want s.yaml:9: load.targets_file: ...%s...", i, e, tt.msg[i])
				}
			}
		})
	}
}

// TestParseTargets checks what the reader makes of a file, names included.
func TestParseTargets(t *testing.T) {
	tests := []struct {
		name, in string
		want     []RequestKind
	}{
		{"CRLF, spaces and comments", "\r\n  # c\r\n  GET http://localhost/a  \r\n  X-A :  1 \r\n\r\n", []RequestKind{{Name: "get-a", Method: "GET", Path: "/a", Headers: map[string]string{"X-A": "1"}}}},
		{"same path twice", "GET /a\nGET /a\nGET /a\n", []RequestKind{{Name: "get-a", Method: "GET", Path: "/a"}, {Name: "get-a-2", Method: "GET", Path: "/a"}, {Name: "get-a-3", Method: "GET", Path: "/a"}}},
		{"derived names avoid given ones", "GET /a\n\n# name: get-a\nPUT /b\n", []RequestKind{{Name: "get-a-2", Method: "GET", Path: "/a"}, {Name: "get-a", Method: "PUT", Path: "/b"}}},
		{"root, query and odd characters", "GET http://localhost\nDELETE /API/v1/Items%20x?id=3\n", []RequestKind{{Name: "get", Method: "GET", Path: "/"}, {Name: "delete-api-v1-items-20x", Method: "DELETE", Path: "/API/v1/Items%20x?id=3"}}},
		{"body ends the target", "POST /a\n@b.json\n\nGET /c\n", []RequestKind{{Name: "post-a", Method: "POST", Path: "/a", Body: Body{File: "b.json"}}, {Name: "get-c", Method: "GET", Path: "/c"}}},
		{"name comment in a header block names the next target", "GET /a\n# name: next\nX: 1\n\nGET /b\n", []RequestKind{{Name: "get-a", Method: "GET", Path: "/a", Headers: map[string]string{"X": "1"}}, {Name: "next", Method: "GET", Path: "/b"}}},
		{"long path", "GET /" + strings.Repeat("x", 100) + "\n", []RequestKind{{Name: "get-" + strings.Repeat("x", 60), Method: "GET", Path: "/" + strings.Repeat("x", 100)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := parseTargets("t.txt", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got := make([]RequestKind, len(ts))
			for i, x := range ts {
				got[i] = x.kind
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseTargets(%q) =\n%+v\nwant\n%+v", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzTargetsFile checks that the targets-file reader never panics, that
// its errors are *Error values naming the file and a line of it, and that
// what it accepts is a valid set of kinds.
func FuzzTargetsFile(f *testing.F) {
	f.Add([]byte(goodTargets))
	f.Add([]byte("GET /a\nGET /a\n# name: get-a\nPUT /b\n"))
	f.Add([]byte("GET http://localhost/a\nbad\n\nget /b\n\nGET http://example.org/\n\nGET /ok\n"))
	f.Add([]byte("# name: a\n# name: b\nGET http://[::1]:1/a?b#c\nX: y\n@\n"))
	f.Add([]byte("POST http://u:p@localhost/a\r\nA:\r\n@b\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := parseTargets("t.txt", data)
		lines := strings.Count(string(data), "\n") + 1
		if err != nil {
			if ts != nil {
				t.Fatalf("parseTargets = %v, %v; want no targets with an error", ts, err)
			}
			list := unjoin(err)
			if len(list) == 0 || !IsInvalid(err) {
				t.Fatalf("parseTargets error %v (%T) is not an *Error", err, err)
			}
			for _, e := range list {
				if e.File != "t.txt" || e.Msg == "" || e.Line < 0 || e.Line > lines {
					t.Fatalf("parseTargets error %#v: want file t.txt, a message, a line from 0 to %d", e, lines)
				}
			}
			return
		}
		if len(ts) == 0 || len(ts) > MaxKinds {
			t.Fatalf("parseTargets gave %d targets; want 1 to %d", len(ts), MaxKinds)
		}
		seen := map[string]bool{}
		for _, x := range ts {
			k := x.kind
			if !kindNameOK(k.Name) || seen[k.Name] || !isToken(k.Method) || !pathOK(k.Path) || x.line < 1 || x.line > lines {
				t.Fatalf("parseTargets gave %+v (line %d); want a unique valid name, method and path", k, x.line)
			}
			seen[k.Name] = true
			for h, v := range k.Headers {
				if headerProblem(h, v) != "" {
					t.Fatalf("parseTargets gave header %q: %q: %s", h, v, headerProblem(h, v))
				}
			}
			if strings.ContainsRune(k.Body.File, 0) {
				t.Fatalf("parseTargets gave body file %q", k.Body.File)
			}
		}
	})
}

// containsInOrder reports whether s holds the parts of want separated by
// " * ", in order.
func containsInOrder(s, want string) bool {
	for _, part := range strings.Split(want, " * ") {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return true
}
