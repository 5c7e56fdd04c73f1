package scenarios

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"reflect"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// vegetaTargets reads every target of data with Vegeta's own targeter.
func vegetaTargets(t *testing.T, data []byte) ([]vegeta.Target, error) {
	t.Helper()
	next := vegeta.NewHTTPTargeter(bytes.NewReader(data), nil, nil)
	var out []vegeta.Target
	for range 1000 {
		var tg vegeta.Target
		switch err := next(&tg); {
		case errors.Is(err, vegeta.ErrNoTargets):
			return out, nil
		case err != nil:
			return out, err
		}
		out = append(out, tg)
	}
	t.Fatal("vegeta's targeter did not end after 1000 targets")
	return nil, nil
}

// TestTargetsAgreeWithVegeta reads the same files with parseTargets and
// with vegeta.NewHTTPTargeter (which scenarios may not import: only the
// runner imports Vegeta, and its @body paths are relative to the working
// directory, so the test runs in the files' folder): the same methods,
// paths, headers and bodies, and the same files refused.
func TestTargetsAgreeWithVegeta(t *testing.T) {
	dir := t.TempDir()
	putFiles(t, dir, map[string]string{"b.json": `{"a": 1}`, "sub/c.bin": "ccc", "bodies/upload.json": `{"rows": 3}`, "small.bin": "xyz"})
	t.Chdir(dir)
	same := []string{
		goodTargets[:len(goodTargets)-len("GET /health\n")] + "\nGET http://localhost/health\n",
		"GET http://localhost/a\n",
		"\r\n  # c\r\n  GET http://localhost/a  \r\n  X-A :  1 \r\n\r\n",
		"GET http://localhost/a\nGET http://localhost/b?x=1&y=%20\n\n\nPOST http://127.0.0.1:9/c\n@b.json\nPUT http://localhost/d\n# c\nX-B: 2\n@sub/c.bin\n",
		"# name: export\nGET http://localhost/export\nAccept: text/csv\nAccept-Encoding: gzip\n\n# name: other\nDELETE http://[::1]:8080/x\n",
	}
	for _, in := range same {
		ours, err := parseTargets("t.txt", []byte(in))
		if err != nil {
			t.Errorf("parseTargets(%q) = %v", in, err)
			continue
		}
		theirs, err := vegetaTargets(t, []byte(in))
		if err != nil || len(theirs) != len(ours) {
			t.Errorf("vegeta read %q as %d targets, %v; parseTargets as %d", in, len(theirs), err, len(ours))
			continue
		}
		for i, v := range theirs {
			k := ours[i].kind
			u, err := url.Parse(v.URL)
			if err != nil {
				t.Fatal(err)
			}
			header := map[string]string{}
			for name, vs := range v.Header {
				if len(vs) != 1 {
					t.Fatalf("vegeta header %s = %q; want one value", name, vs)
				}
				header[name] = vs[0]
			}
			var body []byte
			if k.Body.File != "" {
				if body, err = os.ReadFile(k.Body.File); err != nil {
					t.Fatal(err)
				}
			}
			if k.Headers == nil {
				k.Headers = map[string]string{}
			}
			if v.Method != k.Method || u.RequestURI() != k.Path || !reflect.DeepEqual(header, k.Headers) || !bytes.Equal(body, v.Body) {
				t.Errorf("target %d of %q: vegeta %s %s %v %q; parseTargets %s %s %v %q", i, in,
					v.Method, u.RequestURI(), header, v.Body, k.Method, k.Path, k.Headers, body)
			}
		}
	}
	// Refused by both.
	for _, in := range []string{
		"GET\n", "get http://localhost/a\n", "GET  http://localhost/a\n", "GET http://localhost/a\nAccept text/csv\n",
		"GET http://localhost/a\nAccept:\n", "POST http://localhost/a\n@nope.json\n", "POST http://localhost/a\n@sub\n",
	} {
		if _, err := parseTargets("t.txt", []byte(in)); err == nil && !bodyProblem(t, in) {
			t.Errorf("parseTargets(%q) accepted it", in)
		}
		if _, err := vegetaTargets(t, []byte(in)); err == nil {
			t.Errorf("vegeta accepted %q", in)
		}
	}
	// Refused by parseTargets only, where Vegeta would send nonsense or
	// send elsewhere than the server under test.
	for _, in := range []string{
		"GET http://localhost/a\n# c\nGET http://localhost/b\n", // Vegeta: a header "GET http" = "//localhost/b"
		"GET http://localhost/a\nAccept: a\naccept: b\n",        // a header twice
		"GET http://example.com/a\n",                            // not loopback
		"GET https://localhost/a\n",                             // not plain http
	} {
		if _, err := parseTargets("t.txt", []byte(in)); err == nil {
			t.Errorf("parseTargets(%q) accepted it", in)
		}
		if _, err := vegetaTargets(t, []byte(in)); err != nil {
			t.Errorf("vegeta refused %q: %v; the comment above is wrong", in, err)
		}
	}
}

// bodyProblem reports whether in is refused for its @body file, which the
// checker (not parseTargets) finds missing or not regular.
func bodyProblem(t *testing.T, in string) bool {
	ts, err := parseTargets("t.txt", []byte(in))
	if err != nil || len(ts) != 1 || ts[0].kind.Body.File == "" {
		return false
	}
	return bodyFileProblem(ts[0].kind.Body.File) != ""
}
