package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxFileSize bounds what Parse reads; a scenario is a page of YAML.
const maxFileSize = 1 << 20

// Parse reads one scenario from r; name is the file name used in errors.
// It reports every problem it finds at once: the error is an *Error or
// several joined with errors.Join, each matching ErrInvalid; a failure to
// read r is returned wrapped and does not match ErrInvalid. The returned
// Scenario is valid and has its defaults filled (see fillDefaults).
// Parse leaves a relative body.file as it is; LoadFile resolves it.
func Parse(name string, r io.Reader) (*Scenario, error) { return parse(name, r, "") }

// LoadFile reads the scenario file at path. A relative body.file is
// resolved against the file's directory into an absolute path, and must
// exist. Errors are as for Parse, named by path.
func LoadFile(path string) (*Scenario, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("scenarios: load %s: %w", path, err)
	}
	data, err := ReadRegularFile(path, maxFileSize)
	switch {
	case errors.Is(err, ErrTooLarge):
		p := &problems{file: path}
		p.add(0, 0, "", "file is larger than %d bytes; is it a scenario?", maxFileSize)
		return nil, p.err()
	case err != nil:
		return nil, fmt.Errorf("scenarios: load: %w", err)
	}
	return parse(path, bytes.NewReader(data), filepath.Dir(abs))
}

// Lookup returns the builtin scenario called nameOrPath if there is one,
// else the scenario in the file at nameOrPath (see LoadFile). A builtin
// wins over a file of the same name in the working directory.
// (It cannot be called Load: that is the load model's type.)
func Lookup(nameOrPath string) (*Scenario, error) {
	s, err := Builtin(nameOrPath)
	if !errors.Is(err, ErrNoBuiltin) {
		return s, err
	}
	s, err = LoadFile(nameOrPath)
	if errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(nameOrPath, `/\`) && filepath.Ext(nameOrPath) == "" {
		return nil, fmt.Errorf("scenarios: %q is neither a builtin scenario (%s) nor a file: %w",
			nameOrPath, strings.Join(builtinNames(), ", "), err)
	}
	return s, err
}

// parse reads, decodes, checks and completes a scenario. dir, when not
// empty, is the directory a relative body.file is resolved against.
func parse(name string, r io.Reader, dir string) (*Scenario, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("scenarios: read %s: %w", name, err)
	}
	p := &problems{file: name}
	if len(data) > maxFileSize {
		p.add(0, 0, "", "file is larger than %d bytes; is it a scenario?", maxFileSize)
		return nil, p.err()
	}
	root := document(p, data)
	if root == nil {
		return nil, p.err()
	}
	d := newDecoder(p)
	d.at[""] = position{root.Line, root.Column}
	var s Scenario
	d.value(root, reflect.ValueOf(&s).Elem(), "")
	c := &checker{decoder: d, dir: dir}
	c.scenario(&s)
	if err := p.err(); err != nil {
		return nil, err
	}
	s.fillDefaults()
	return &s, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses data into one YAML mapping node, or reports why not.
func document(p *problems, data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) || err == nil && (len(doc.Content) == 0 || isNull(doc.Content[0])) {
		p.add(0, 0, "", "empty document: a scenario needs at least name, targets and load")
		return nil
	}
	if err != nil {
		syntaxError(p, err)
		return nil
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.add(root.Line, root.Column, "", "want a mapping of keys (name:, targets:, load: ...) at the top, got %s", describe(root))
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		p.add(extra.Line, extra.Column, "", "more than one YAML document (---); a file holds one scenario")
		return nil
	case !errors.Is(err, io.EOF):
		syntaxError(p, err)
		return nil
	}
	return root
}

// syntaxError turns the YAML library's message into an *Error.
func syntaxError(p *problems, err error) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.add(line, 0, "", "invalid YAML: %s", m[2])
		return
	}
	p.add(0, 0, "", "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}
