// Package schemacheck checks YAML against a JSON Schema the way an
// editor's YAML language server does: the first document, read as plain
// JSON values. Tests use it to hold the scenario schema to the validator;
// the oomlab binary does not import it.
package schemacheck

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// Checker is one compiled schema.
type Checker struct{ schema *jsonschema.Schema }

// New compiles the schema (JSON) published at id.
func New(id string, schema []byte) (*Checker, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, fmt.Errorf("schemacheck: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, doc); err != nil {
		return nil, fmt.Errorf("schemacheck: %w", err)
	}
	s, err := c.Compile(id)
	if err != nil {
		return nil, fmt.Errorf("schemacheck: the schema does not compile: %w", err)
	}
	return &Checker{s}, nil
}

// Check returns nil when the YAML in src validates, else why not.
func (c *Checker) Check(src []byte) error {
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		return fmt.Errorf("not YAML: %w", err)
	}
	b, err := json.Marshal(jsonValue(v))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return c.schema.Validate(doc)
}

// jsonValue turns what yaml.v3 decodes into values encoding/json takes:
// mappings with keys of any type become objects with string keys.
func jsonValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = jsonValue(x)
		}
		return v
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[fmt.Sprint(k)] = jsonValue(x)
		}
		return m
	case []any:
		for i, x := range v {
			v[i] = jsonValue(x)
		}
		return v
	}
	return v
}
