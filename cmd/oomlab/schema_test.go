package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/scenarios"
	"github.com/oomlab/oomlab/scenarios/schemacheck"
)

func schemaChecker(t *testing.T) *schemacheck.Checker {
	t.Helper()
	c, err := schemacheck.New(scenarios.SchemaID, scenarios.Schema())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSchemaCommand: `oomlab schema` prints scenarios.Schema(), a JSON
// document naming its published address, and refuses arguments.
func TestSchemaCommand(t *testing.T) {
	var out bytes.Buffer
	root := newRoot()
	root.SetOut(&out)
	root.SetArgs([]string{"schema"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), scenarios.Schema()) {
		t.Error("oomlab schema prints something other than scenarios.Schema()")
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("oomlab schema: not JSON: %v", err)
	}
	if doc["$id"] != scenarios.SchemaID {
		t.Errorf("$id = %v; want %s", doc["$id"], scenarios.SchemaID)
	}
	root = newRoot()
	root.SetOut(&out)
	root.SetArgs([]string{"schema", "extra"})
	if code := exitCode(root.Execute()); code != exitBadInput {
		t.Errorf("oomlab schema extra: exit %d; want %d", code, exitBadInput)
	}
}

// TestInitStarterUnderSchema: what init writes names the schema in its
// first line, for the YAML language server, and validates under both the
// schema and the validator.
func TestInitStarterUnderSchema(t *testing.T) {
	c := schemaChecker(t)
	for _, command := range []string{"python3 app.py", "npm start", `./server --port "${PORT}"`} {
		text, err := renderStarter(command, "my-service", "oomlab.yaml")
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(text, "\n")
		if want := "# yaml-language-server: $schema=" + scenarios.SchemaID; first != want {
			t.Errorf("init %q: first line %q; want %q", command, first, want)
		}
		if err := c.Check([]byte(text)); err != nil {
			t.Errorf("init %q: the starter fails the schema: %v", command, err)
		}
		if _, err := scenarios.Parse("oomlab.yaml", strings.NewReader(text)); err != nil {
			t.Errorf("init %q: the starter fails the validator: %v", command, err)
		}
	}
}

// TestSchemaAgreesOnHostileInputs runs the hostile scenario files
// (hostile_test.go) through the schema: each the validator refuses, the
// schema refuses too, unless every problem is one only the validator can
// state (scenarios.ValidatorOnly). Files that are not regular (a FIFO,
// /dev/zero) never reach either and are left out.
func TestSchemaAgreesOnHostileInputs(t *testing.T) {
	c := schemaChecker(t)
	checked := 0
	for _, tc := range hostileScenarios() {
		dir := t.TempDir()
		args := tc.setup(t, dir)
		if len(args) != 2 || args[0] != "validate" || tc.code != exitBadInput {
			continue
		}
		path := args[1]
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		fi, err := os.Lstat(path)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, verr := scenarios.LoadFile(path)
		if verr == nil {
			continue // refused by the command (an unknown builtin), not the scenario validator
		}
		checked++
		if c.Check(src) != nil {
			continue
		}
		for _, e := range problemsOf(verr) {
			if scenarios.ValidatorOnly(e.Field, e.Msg) == "" {
				t.Errorf("%s: the schema accepts a file the validator refuses with %s: %s", tc.name, e.Field, e.Msg)
				break
			}
		}
	}
	if checked == 0 {
		t.Fatal("no hostile scenario file checked")
	}
	t.Logf("%d hostile scenario files checked", checked)
}

// problemsOf lists the problems of a validator error.
func problemsOf(err error) []scenarios.Error {
	var out []scenarios.Error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, problemsOf(e)...)
		}
		return out
	}
	var pe *scenarios.Error
	if errors.As(err, &pe) {
		return []scenarios.Error{*pe}
	}
	return []scenarios.Error{{Msg: err.Error()}}
}
