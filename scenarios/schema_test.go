package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/scenarios/schemacheck"
)

// compiledSchema compiles Schema() as an editor would load it.
func compiledSchema(t *testing.T) *schemacheck.Checker {
	t.Helper()
	c, err := schemacheck.New(SchemaID, Schema())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// schemaAccepts reports whether the YAML in src validates under c, and
// why not.
func schemaAccepts(c *schemacheck.Checker, src string) (bool, string) {
	if err := c.Check([]byte(src)); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// schemaCannotSay are the validator's rules a JSON Schema cannot state:
// they compare values across fields or items, or read a value's units. A file the validator refuses may pass the schema only
// when every problem it has is one of these; the editor's check is a
// first line, `oomlab validate` the last.
var schemaCannotSay = []string{
	"more than one YAML document", // a schema sees one document
	"duplicate target name",       // uniqueness of a field across items
	"duplicate header",            // names equal but for case
	"is shorter than the load",    // deadline against the stages
	"must be at most",             // a duration's size, with its units
	"must be at least",            // a size or duration with its units
	"must be > 0",                 // a zero written with its units
	"an open-ended phase",         // order across items
	"phases must be sorted",       // order across items
	"overlaps phases",             // order across items
	"is above max_rss",            // two fields
	"empty command",               // a command split into words
	"unterminated quote",          // a command split into words
	"merge keys",                  // YAML merge keys, expanded before a schema sees them
}

// validatorRefusal returns the problems Parse finds in src, one message
// each; nil when it accepts the file.
func validatorRefusal(src string) []string {
	_, err := Parse("s.yaml", strings.NewReader(src))
	if err == nil {
		return nil
	}
	var msgs []string
	for _, e := range flatten(err) {
		var pe *Error
		if errors.As(e, &pe) {
			msgs = append(msgs, pe.Field+": "+pe.Msg)
		} else {
			msgs = append(msgs, e.Error())
		}
	}
	return msgs
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// validFiles are scenario files the validator accepts: every built-in,
// every example and the parser's valid cases.
func validFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, info := range Builtins() {
		b, err := builtinFS.ReadFile("builtin/" + info.Name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		files["builtin "+info.Name] = string(b)
	}
	examples, err := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, p := range examples {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files["example "+filepath.Base(p)] = string(b)
	}
	for _, tc := range parseValidTests {
		files["valid "+tc.name] = tc.in
	}
	return files
}

// TestSchemaAcceptsValid: every file the validator accepts passes the
// schema.
func TestSchemaAcceptsValid(t *testing.T) {
	s := compiledSchema(t)
	for name, src := range validFiles(t) {
		if msgs := validatorRefusal(src); msgs != nil {
			t.Errorf("%s: the validator refuses it: %v", name, msgs)
			continue
		}
		if ok, why := schemaAccepts(s, src); !ok {
			t.Errorf("%s: the schema refuses a file the validator accepts:\n%s", name, why)
		}
	}
}

// TestSchemaRefusesInvalid: every file the validator refuses is refused
// by the schema too, unless each of its problems is a rule the schema
// cannot state (schemaCannotSay); and at least 50 of them are refused by
// both.
func TestSchemaRefusesInvalid(t *testing.T) {
	s := compiledSchema(t)
	both := 0
	used := map[string]bool{}
	for _, tc := range invalidFiles() {
		msgs := validatorRefusal(tc.in)
		if msgs == nil {
			t.Errorf("%s: the validator accepts it", tc.name)
			continue
		}
		if ok, _ := schemaAccepts(s, tc.in); !ok {
			both++
			continue
		}
		for _, m := range msgs {
			if c := cannotSay(m); c != "" {
				used[c] = true
			} else {
				t.Errorf("%s: the schema accepts a file the validator refuses with %q", tc.name, m)
			}
		}
	}
	for _, c := range schemaCannotSay {
		if !used[c] {
			t.Errorf("schemaCannotSay lists %q, which no file needs: the schema says it now; remove it", c)
		}
	}
	t.Logf("%d invalid files refused by both", both)
	if both < 50 {
		t.Errorf("only %d invalid files refused by both the schema and the validator; want at least 50", both)
	}
}

// cannotSay returns the entry of schemaCannotSay that msg is, or "".
func cannotSay(msg string) string {
	for _, c := range schemaCannotSay {
		if strings.Contains(msg, c) {
			return c
		}
	}
	return ""
}

type namedFile struct{ name, in string }

// invalidFiles are the parser's invalid cases and the hostile inputs
// that are scenarios.
func invalidFiles() []namedFile {
	var out []namedFile
	for _, tc := range parseErrorTests {
		out = append(out, namedFile{"invalid " + tc.name, tc.in})
	}
	return out
}
