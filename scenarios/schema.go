package scenarios

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// SchemaID is where the published JSON Schema for scenario files lives;
// `oomlab init` writes it in the yaml-language-server modeline.
const SchemaID = "https://raw.githubusercontent.com/oomlab/oomlab/main/docs/reference/scenario.schema.json"

// fieldRule is what the validator requires of one key beyond its Go
// type. Every value comes from the names and limits check.go and
// defaults.go use (runtimes, MaxRate, DefaultMemoryLimit...), so that the
// schema and the reference say what the validator does; the agreement
// test (schema_test.go) runs both over valid and invalid files.
type fieldRule struct {
	required  bool
	enum      []string // a string, or each item of a list of strings
	unique    bool     // a list whose items may not repeat
	pattern   string   // a string's shape (ECMAScript regexp)
	min, max  *float64 // a number's bounds, inclusive
	exclMin   *float64 // a number's exclusive lower bound
	minItems  int
	maxItems  int      // 0: no bound
	maxLength int      // 0: no bound
	def       string   // the default, in words; "" for none
	keys      string   // a mapping's key names' shape (env, headers)
	reserved  []string // key names a mapping may not use
}

func num(f float64) *float64 { return &f }

// Shapes of strings the validator checks with nameOK, pathOK, isToken and
// envNameOK.
const (
	namePattern = `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`
	// pathPattern: no control character nor unicode.IsSpace, written
	// out (the two regexp dialects read \s differently); the non-ASCII
	// ones are literal characters, which both read alike.
	pathPattern  = `^/[^\x00-\x20\x7f-\xa0` + "\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000" + `]*$`
	tokenPattern = "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$"
	envPattern   = `^[A-Za-z_][A-Za-z0-9_]*$`
)

// fieldRules holds the rules by Go type and yaml key ("Target.runtime").
var fieldRules = map[string]fieldRule{
	"Scenario.name":                 {required: true, pattern: namePattern},
	"Scenario.pattern":              {pattern: namePattern},
	"Scenario.targets":              {required: true, minItems: 1, maxItems: maxTargets},
	"Scenario.load":                 {required: true},
	"Scenario.memory_limit":         {def: exactBytes(int64(DefaultMemoryLimit))},
	"Scenario.sample_interval":      {def: DefaultSampleInterval.String()},
	"Scenario.deadline":             {def: fmt.Sprintf("(load duration + %s) × targets + %s", DeadlineGrace, DeadlineSlack)},
	"Scenario.services":             {maxItems: maxServices},
	"Target.name":                   {required: true, pattern: namePattern},
	"Target.builtin":                {pattern: namePattern},
	"Target.runtime":                {enum: runtimes, def: "detected from builtin or command"},
	"Target.role":                   {enum: roles},
	"Target.restart":                {enum: restarts, def: RestartNever},
	"Target.max_restarts":           {min: num(1), max: num(maxRestarts), def: fmt.Sprintf("%d with restart: %s", DefaultMaxRestarts, RestartOnFailure)},
	"Target.ready_path":             {pattern: pathPattern},
	"Target.ready_timeout":          {def: DefaultReadyTimeout.String()},
	"Expectation.outcome":           {enum: outcomes, unique: true},
	"Expectation.class":             {enum: verdictClasses(), unique: true},
	"Expectation.min_success_ratio": {min: num(0), max: num(1)},
	"Load.stages":                   {required: true, minItems: 1, maxItems: maxStages},
	"Load.requests":                 {maxItems: MaxKinds},
	"Load.max_workers":              {min: num(1), max: num(MaxWorkers), def: fmt.Sprint(DefaultMaxWorkers)},
	"Load.max_connections":          {min: num(1), max: num(MaxWorkers), def: "max_workers"},
	"Stage.rate":                    {required: true, exclMin: num(0), max: num(MaxRate)},
	"Stage.duration":                {required: true},
	"Request.method":                {pattern: tokenPattern, def: "POST with a body, else GET"},
	"Request.path":                  {pattern: pathPattern, def: "/"},
	"Request.timeout":               {def: DefaultTimeout.String()},
	"Request.headers":               {maxItems: maxHeaders, keys: tokenPattern},
	"RequestKind.name":              {required: true},
	"RequestKind.method":            {pattern: tokenPattern, def: "POST with a body, else GET"},
	"RequestKind.path":              {pattern: pathPattern, def: "/"},
	"RequestKind.timeout":           {def: DefaultTimeout.String()},
	"RequestKind.headers":           {maxItems: maxHeaders, keys: tokenPattern},
	"RequestKind.weight":            {def: "1"},
	"Body.kind":                     {enum: bodyKinds, def: "random, for a generated body (size)"},
	"Downstream.phases":             {maxItems: maxPhases},
	"Phase.at":                      {required: true},
	"Phase.name":                    {maxLength: maxLabel},
	"Phase.capacity":                {min: num(0), def: "0 (unlimited)"},
	"Phase.error_rate":              {min: num(0), max: num(1)},
	"Target.env":                    {keys: envPattern, reserved: reservedEnv},
	"Service.env":                   {keys: envPattern},
	"Service.name":                  {required: true},
	"Service.builtin":               {enum: serviceKinds},
	"Service.ready_timeout":         {def: DefaultServiceReadyTimeout.String()},
	"DownstreamEnv.name":            {required: true},
}

// typeRules relate the keys of one mapping, as the validator does: a
// target has builtin or command (not both), a service one of builtin,
// command and address, a body size or file, and a key that needs
// another. Keys given no value count as left out, as in the decoder.
var typeRules = map[string][]typeRule{
	"Target": {
		{"exactly one of builtin and command", oneGiven("builtin", "command")},
		{"max_restarts needs restart: " + RestartOnFailure, needs("max_restarts", obj{"restart": obj{"const": RestartOnFailure}}, "restart")},
	},
	"Service": {
		{"exactly one of builtin, command and address", oneGiven("builtin", "command", "address")},
		{"env needs command", needs("env", nil, "command")},
	},
	"Body": {
		{"size or file, not both", atMostOneGiven("size", "file")},
		{"kind needs size", needs("kind", nil, "size")},
	},
}

// typeRule is one rule across a mapping's keys: in words for the
// reference, and as a schema.
type typeRule struct {
	words  string
	schema obj
}

// given is the schema of a mapping where key has a value.
func given(key string) obj {
	return obj{"required": []any{key}, "properties": obj{key: obj{"not": obj{"type": "null"}}}}
}

// oneGiven: exactly one of keys has a value.
func oneGiven(keys ...string) obj {
	var alts []any
	for _, k := range keys {
		alts = append(alts, given(k))
	}
	return obj{"oneOf": alts}
}

// atMostOneGiven: no two of keys have a value.
func atMostOneGiven(keys ...string) obj {
	var pairs []any
	for i, a := range keys {
		for _, b := range keys[i+1:] {
			pairs = append(pairs, obj{"allOf": []any{given(a), given(b)}})
		}
	}
	return obj{"not": obj{"anyOf": pairs}}
}

// needs: when key has a value, so does each of others, with props' shapes.
func needs(key string, props obj, others ...string) obj {
	then := obj{}
	var all []any
	for _, o := range others {
		all = append(all, given(o))
	}
	if props != nil {
		all = append(all, obj{"properties": props})
	}
	then["allOf"] = all
	return obj{"if": given(key), "then": then}
}

// validatorOnly are the validator's rules a JSON Schema cannot state:
// they compare values across fields or items, or read a value's units. A file the validator refuses may pass the schema only
// when every problem it has is one of these; the editor's check is a
// first line, `oomlab validate` the last. Each entry is a fragment of the
// validator's message.
var validatorOnly = []string{
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
	"a body may be",               // a size with its units
	"is below 1KiB/s",             // a rate with its units
	"faster than loopback",        // a rate with its units
	"duplicate kind name",         // uniqueness of a field across items
	"unknown kind",                // names a kind of load.requests
	"is it a scenario?",           // the file's size in bytes
	"too many problems",           // a count of problems
}

// validatorOnlyFields are the keys naming a file the validator reads
// (a suffix of an *Error's Field): what is wrong in that file, or with
// it, no schema of the scenario can say.
var validatorOnlyFields = []string{"load.targets_file", "body.file"}

// ValidatorOnly returns the entry of validatorOnly or validatorOnlyFields
// that a validator problem (an *Error's Field and Msg) falls under, or ""
// when the schema states the rule it reports.
func ValidatorOnly(field, msg string) string {
	for _, f := range validatorOnlyFields {
		if strings.HasSuffix(field, f) {
			return f
		}
	}
	for _, c := range validatorOnly {
		if strings.Contains(msg, c) {
			return c
		}
	}
	return ""
}

// Schema returns the JSON Schema (draft-07, the draft editors' YAML
// language servers read best) of a scenario file,
// derived from the Go types the decoder walks and from fieldRules.
func Schema() []byte {
	return schemaFrom(fieldRules)
}

// schemaFrom is Schema with the given rules (a test weakens them to see
// the agreement test fail).
func schemaFrom(rules map[string]fieldRule) []byte {
	g := schemaGen{rules}
	s := g.schemaOf(reflect.TypeFor[Scenario](), fieldRule{})
	s["$schema"] = "http://json-schema.org/draft-07/schema#"
	s["$id"] = SchemaID
	s["title"] = "oomlab scenario"
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic("scenarios: schema: " + err.Error()) // maps of plain values always encode
	}
	return append(b, '\n')
}

type obj = map[string]any

// Shapes of the scalars that types decode themselves.
var (
	durationSchema = obj{"type": "string", "pattern": `^\s*\+?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)\s*$`,
		"description": `a duration such as "250ms", "10s" or "1m30s"`}
	// sizeUnits: a prefix letter needs i, iB or B after it (a
	// one-letter unit is refused: see ambiguousUnit), or plain B.
	sizeUnits  = `([KkMmGgTtPpEe]([Ii][Bb]?|[Bb])|[Bb])?`
	sizeSchema = obj{"anyOf": []any{
		obj{"type": "integer", "minimum": 0},
		obj{"type": "string", "pattern": `^\s*([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*` + sizeUnits + `\s*$`},
	}, "description": `a size such as "256MiB" (IEC) or "1MB" (SI), or a number of bytes`}
	rateSchema = obj{"anyOf": []any{
		obj{"type": "integer", "minimum": 0},
		obj{"type": "string", "pattern": `^\s*([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*` + sizeUnits + `\s*(/s)?\s*$`},
	}, "description": `bytes per second such as "1MB/s" or "512KiB/s"`}
	commandSchema = obj{"anyOf": []any{
		obj{"type": "string"},
		obj{"type": "array", "items": obj{"type": "string"}},
	}, "description": "an argv: a list of words, or one string split as a POSIX shell would (no shell runs)"}
	// figureSchema is a number, or a string with its unit (MemorySlope,
	// PerSecond, Ratio parse it).
	figureSchema = obj{"type": []any{"number", "string"}}
)

func windowedSchema(value obj) obj {
	bound := obj{"type": "object", "required": []any{"value"}, "additionalProperties": false,
		"properties": obj{"kind": obj{"type": "string"}, "window": obj{"type": "string"}, "value": value}}
	return obj{"anyOf": []any{
		value,
		bound,
		obj{"type": "object", "additionalProperties": value, "minProperties": 1},
		obj{"type": "array", "items": obj{"anyOf": []any{value, bound}}},
	}, "description": `one bound, a mapping of window names ("stage N" or a phase's name) to bounds, {kind, window, value}, or a list of those`}
}

// schemaGen makes a schema from rules by Go type and key.
type schemaGen struct{ rules map[string]fieldRule }

// schemaOf is the schema of a value of type t with rule r.
func (g schemaGen) schemaOf(t reflect.Type, r fieldRule) obj {
	switch t {
	case reflect.TypeFor[Duration]():
		return durationSchema
	case reflect.TypeFor[ByteSize]():
		return sizeSchema
	case reflect.TypeFor[ByteRate]():
		return rateSchema
	case reflect.TypeFor[Command]():
		return commandSchema
	case reflect.TypeFor[MemorySlope](), reflect.TypeFor[PerSecond](), reflect.TypeFor[Ratio]():
		return figureSchema
	case reflect.TypeFor[Windowed[MemorySlope]]():
		return windowedSchema(figureSchema)
	case reflect.TypeFor[Windowed[Duration]]():
		return windowedSchema(durationSchema)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schemaOf(t.Elem(), r)
	case reflect.Struct:
		return g.structSchema(t)
	case reflect.Slice:
		return g.listSchema(t, r)
	case reflect.Map:
		return mapSchema(r)
	case reflect.String:
		s := obj{"type": "string"}
		if r.enum != nil {
			s["enum"] = r.enum
		}
		if r.pattern != "" {
			s["pattern"] = r.pattern
		}
		if r.maxLength > 0 {
			s["maxLength"] = r.maxLength
		}
		return s
	case reflect.Float64, reflect.Int:
		s := obj{"type": "number"}
		if t.Kind() == reflect.Int {
			s["type"] = "integer"
		}
		for k, v := range map[string]*float64{"minimum": r.min, "maximum": r.max, "exclusiveMinimum": r.exclMin} {
			if v != nil {
				s[k] = *v
			}
		}
		return s
	case reflect.Bool:
		return obj{"type": "boolean"}
	}
	panic("scenarios: no schema for " + t.String())
}

func (g schemaGen) structSchema(t reflect.Type) obj {
	props := obj{}
	var required []any
	for i := range t.NumField() {
		key, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if key == "" || key == "-" {
			continue
		}
		r := g.rules[t.Name()+"."+key]
		p := g.schemaOf(t.Field(i).Type, r)
		if r.def != "" {
			p = withDefault(p, r.def)
		}
		if r.required {
			required = append(required, key)
			props[key] = p
			continue
		}
		// A key given no value is left out, as the decoder does.
		props[key] = obj{"anyOf": []any{obj{"type": "null"}, p}}
	}
	s := obj{"type": "object", "properties": props, "additionalProperties": false}
	if required != nil {
		s["required"] = required
		// A required key given no value is missing.
		notNull := obj{}
		for _, k := range required {
			notNull[k.(string)] = obj{"not": obj{"type": "null"}}
		}
		s["allOf"] = []any{obj{"properties": notNull}}
	}
	for _, r := range typeRules[t.Name()] {
		all, _ := s["allOf"].([]any)
		s["allOf"] = append(all, r.schema)
	}
	return s
}

// withDefault adds the default to a copy of p, in words (the reference's
// "default" column) as the schema's description.
func withDefault(p obj, def string) obj {
	c := obj{}
	for k, v := range p {
		c[k] = v
	}
	desc, _ := c["description"].(string)
	c["description"] = strings.TrimSpace(desc + " (default: " + def + ")")
	return c
}

func (g schemaGen) listSchema(t reflect.Type, r fieldRule) obj {
	item := g.schemaOf(t.Elem(), fieldRule{enum: r.enum, pattern: r.pattern})
	s := obj{"type": "array", "items": item, "maxItems": maxListItems}
	if r.minItems > 0 {
		s["minItems"] = r.minItems
	}
	if r.maxItems > 0 {
		s["maxItems"] = r.maxItems
	}
	if r.unique {
		s["uniqueItems"] = true
	}
	if t.Elem().Kind() == reflect.String {
		// A single word stands for a list of one.
		return obj{"anyOf": []any{item, s}}
	}
	return s
}

// mapSchema is env or headers: names to scalars (read as strings) or nothing.
func mapSchema(r fieldRule) obj {
	s := obj{"type": "object", "additionalProperties": obj{"type": []any{"string", "number", "boolean", "null"}}, "maxProperties": maxListItems}
	if r.maxItems > 0 {
		s["maxProperties"] = r.maxItems
	}
	names := obj{}
	if r.keys != "" {
		names["pattern"] = r.keys
	}
	if r.reserved != nil {
		names["not"] = obj{"enum": r.reserved}
	}
	if len(names) > 0 {
		s["propertyNames"] = names
	}
	return s
}
