package scenarios

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
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
			msgs = append(msgs, pe.Field+"\x00"+pe.Msg)
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
// cannot state (validatorOnly); and at least 50 of them are refused by
// both.
func TestSchemaRefusesInvalid(t *testing.T) {
	both, used, disagree := agreement(t, compiledSchema(t))
	for _, d := range disagree {
		t.Error(d)
	}
	for _, c := range append(validatorOnly, validatorOnlyFields...) {
		if !used[c] && !hostileOnly[c] {
			t.Errorf("validatorOnly lists %q, which no file needs: the schema says it now; remove it", c)
		}
	}
	t.Logf("%d invalid files refused by both", both)
	if both < 50 {
		t.Errorf("only %d invalid files refused by both the schema and the validator; want at least 50", both)
	}
}

// agreement runs the invalid files through the validator and c: it
// counts those both refuse, notes the validatorOnly entries used, and
// lists each file the schema accepts for a rule it should state.
func agreement(t *testing.T, c *schemacheck.Checker) (both int, used map[string]bool, disagree []string) {
	t.Helper()
	used = map[string]bool{}
	for _, tc := range invalidFiles() {
		msgs := validatorRefusal(tc.in)
		if msgs == nil {
			disagree = append(disagree, tc.name+": the validator accepts it")
			continue
		}
		if ok, _ := schemaAccepts(c, tc.in); !ok {
			both++
			continue
		}
		for _, m := range msgs {
			field, msg, _ := strings.Cut(m, "\x00")
			if e := ValidatorOnly(field, msg); e != "" {
				used[e] = true
			} else {
				disagree = append(disagree, fmt.Sprintf("%s: the schema accepts a file the validator refuses with %s: %s", tc.name, field, msg))
			}
		}
	}
	return both, used, disagree
}

// TestSchemaDriftCaught shows the agreement test can fail: a schema built
// with a rule left out accepts invalid files the validator refuses, and
// agreement names them.
func TestSchemaDriftCaught(t *testing.T) {
	for _, tc := range []struct{ drop, want string }{
		{"Target.runtime", "targets[0].runtime: unknown name"},
		{"Stage.rate", "load.stages[0].rate: missing"},
		{"Scenario.name", "name: missing"},
	} {
		t.Run(tc.drop, func(t *testing.T) {
			rules := maps.Clone(fieldRules)
			delete(rules, tc.drop)
			c, err := schemacheck.New(SchemaID, schemaFrom(rules))
			if err != nil {
				t.Fatal(err)
			}
			_, _, disagree := agreement(t, c)
			if got := strings.Join(disagree, "\n"); !strings.Contains(got, tc.want) {
				t.Errorf("without %s, agreement does not report %q; got:\n%s", tc.drop, tc.want, got)
			}
		})
	}
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

// hostileOnly are the entries of validatorOnly that only the hostile
// inputs (cmd/oomlab TestSchemaAgreesOnHostileInputs) need.
var hostileOnly = map[string]bool{
	"a body may be": true, "is below 1KiB/s": true, "faster than loopback": true, "duplicate kind name": true,
	"unknown kind": true, "is it a scenario?": true, "too many problems": true, "load.targets_file": true, "body.file": true,
}

// TestFieldRulesNameFields: every key of fieldRules and typeRules names a
// type reached from Scenario and, for fieldRules, one of its yaml keys; a
// misspelt entry would silently leave a rule out of the schema and the
// reference.
func TestFieldRulesNameFields(t *testing.T) {
	keys := map[string]bool{}
	types := map[string]bool{}
	var walk func(rt reflect.Type)
	walk = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || types[rt.Name()] {
			return
		}
		types[rt.Name()] = true
		for i := range rt.NumField() {
			key, _, _ := strings.Cut(rt.Field(i).Tag.Get("yaml"), ",")
			if key == "" || key == "-" {
				continue
			}
			keys[rt.Name()+"."+key] = true
			walk(rt.Field(i).Type)
		}
	}
	walk(reflect.TypeFor[Scenario]())
	for k := range fieldRules {
		if !keys[k] {
			t.Errorf("fieldRules[%q]: no such key in a scenario", k)
		}
	}
	for k := range typeRules {
		if !types[k] {
			t.Errorf("typeRules[%q]: no such type in a scenario", k)
		}
	}
}

// TestReferenceNamesEveryKey: the scenario reference has a row for every
// key the schema knows, and its defaults are the validator's constants.
func TestReferenceNamesEveryKey(t *testing.T) {
	ref := string(Reference())
	for _, row := range []string{
		"| `name` | string |  | required;",
		"| `memory_limit` | size (\"256MiB\", \"1MB\", bytes) | 256MiB |",
		"| `load.stages[].rate` | number |  | required; more than 0; at most 1e+06 |",
		"| `targets[].runtime` | string | detected from builtin or command | one of go, node, jvm, python, other |",
		"| `downstream.phases[].at` |",
		"| `services[].builtin` |",
		"| `evidence.at` |",
	} {
		if !strings.Contains(ref, row) {
			t.Errorf("the reference lacks %q", row)
		}
	}
	var rows int
	for _, line := range strings.Split(ref, "\n") {
		if strings.HasPrefix(line, "| `") {
			rows++
		}
	}
	if rows < 90 {
		t.Errorf("the reference has %d key rows; want every key (90 or more)", rows)
	}
}

// TestPatternsMatchValidator: the schema's string shapes accept what the
// validator's own checks (nameOK, pathOK, isToken, envNameOK) accept.
func TestPatternsMatchValidator(t *testing.T) {
	samples := []string{"", "a", "A1", "a.b_c-d", "-a", ".a", "_a", "a b", "a/b", "1", strings.Repeat("a", 64), strings.Repeat("a", 65),
		"/", "/x?y=1", "x", "/a b", "/a\tb", "/a\x7f", "/é", "GET", "get", "X-Req", "a:b", "a\"b", "9A", "A9", "A_B", "é",
		"/a\u0085", "/a\u00a0", "/a\u2003", "/a\u3000", "/a\ufeff", "/a\u0080", "/a\u009f", "/a\u00a1"}
	for _, tc := range []struct {
		pattern string
		check   func(string) bool
	}{
		{namePattern, nameOK},
		{pathPattern, pathOK},
		{tokenPattern, isToken},
		{envPattern, envNameOK},
	} {
		re := regexp.MustCompile(tc.pattern)
		for _, s := range samples {
			if got, want := re.MatchString(s), tc.check(s); got != want {
				t.Errorf("pattern %s on %q: %v; the validator says %v", tc.pattern, s, got, want)
			}
		}
	}
}
