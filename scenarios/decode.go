package scenarios

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the nodes one document may expand to through aliases.
const maxNodes = 100_000

// maxListItems bounds one list or mapping of names (env, headers): no
// field needs more (64 targets, 1000 stages), and a longer one is refused
// before it is walked.
const maxListItems = 10_000

// maxDuration bounds every duration in a scenario; it keeps sums such as
// the default deadline far from overflowing.
const maxDuration = 24 * time.Hour

// maxDeadline bounds the deadline: the longest default deadline.
const maxDeadline = (maxDuration+time.Duration(DeadlineGrace))*maxTargets + time.Duration(DeadlineSlack)

type position struct{ line, col int }

// decoder fills a Scenario from a yaml.Node tree by walking it along the
// Go types' yaml tags, so that an unknown, duplicate or ill-typed key is
// reported with its path and line, all of them in one pass.
type decoder struct {
	*problems
	at    map[string]position // path -> where its key (or list item) is
	given map[string]bool     // paths with a non-null value in the file
	bad   map[string]bool     // paths already reported as ill-typed
	nodes int
}

func newDecoder(p *problems) *decoder {
	return &decoder{problems: p, at: map[string]position{}, given: map[string]bool{}, bad: map[string]bool{}}
}

// fail reports a problem at path, located at n.
func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.bad[path] = true
	d.add(n.Line, n.Column, path, format, args...)
}

var (
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	durationType    = reflect.TypeFor[Duration]()
)

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// describe names what a node holds, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return fmt.Sprintf("%q", truncate(n.Value))
	}
	return "nothing"
}

// value decodes n into v, the field at path.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	if d.nodes++; d.nodes > maxNodes {
		if d.nodes == maxNodes+1 {
			d.fail(n, "", "document expands to more than %d nodes (aliases?)", maxNodes)
		}
		return
	}
	n = resolve(n)
	if n.Kind == yaml.AliasNode {
		d.fail(n, path, "alias nests too deeply")
		return
	}
	if reflect.PointerTo(v.Type()).Implements(unmarshalerType) {
		if err := v.Addr().Interface().(yaml.Unmarshaler).UnmarshalYAML(n); err != nil {
			d.fail(n, path, "%s", err.Error())
			return
		}
		d.record(n, path)
		if v.Type() == durationType {
			limit := maxDuration
			if path == "deadline" {
				limit = maxDeadline
			}
			switch dur := time.Duration(v.Int()); {
			case dur < 0:
				d.fail(n, path, "must not be negative, got %s", dur)
			case dur > limit:
				d.fail(n, path, "must be at most %s, got %s", limit, dur)
			}
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer: // an optional block: present when given
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), path)
	case reflect.Struct:
		d.mapping(n, v, path)
	case reflect.Slice:
		d.list(n, v, path)
	case reflect.Map:
		d.stringMap(n, v, path)
	case reflect.String:
		d.scalar(n, v, path, "want a string, got %s")
	case reflect.Float64:
		d.scalar(n, v, path, "want a number, got %s")
	case reflect.Int:
		d.scalar(n, v, path, "want a whole number, got %s")
	case reflect.Bool:
		d.scalar(n, v, path, "want true or false, got %s")
	default:
		panic("scenarios: no decoder for " + v.Type().String())
	}
}

// record notes where the keys of a mapping, and the items of a list and
// their keys, are in a value a type decodes itself (max_slope's windows,
// max_p95's bounds), so that checks can point at them.
func (d *decoder) record(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := resolve(n.Content[i])
			d.at[join(path, k.Value)] = position{k.Line, k.Column}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			item = resolve(item)
			d.at[p] = position{item.Line, item.Column}
			if item.Kind == yaml.MappingNode {
				d.record(item, p)
			}
		}
	}
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, path, want string) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, want, describe(n))
		return
	}
	if v.Kind() != reflect.String && n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		d.fail(n, path, want+" (remove the quotes)", describe(n))
		return
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		d.fail(n, path, want, describe(n))
	}
}

// fieldsOf maps yaml keys to struct field indexes.
func fieldsOf(t reflect.Type) (map[string]int, []string) {
	idx := map[string]int{}
	var keys []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		idx[name] = i
		keys = append(keys, name)
	}
	return idx, keys
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping of keys, got %s", describe(n))
		return
	}
	idx, keys := fieldsOf(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "keys must be plain words, got %s", describe(k))
			continue
		}
		p := join(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			d.fail(k, p, "duplicate key (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		f, ok := idx[k.Value]
		if !ok {
			d.fail(k, p, "%s", unknownField(k.Value, keys))
			continue
		}
		d.at[p] = position{k.Line, k.Column}
		if isNull(resolve(val)) {
			continue
		}
		d.given[p] = true
		d.value(val, v.Field(f), p)
	}
}

// unknownField words the message for key, suggesting the closest known key.
func unknownField(key string, known []string) string {
	if key == "<<" {
		return "merge keys (<<) are not supported"
	}
	if best := Nearest(strings.ToLower(key), known); best != "" {
		return fmt.Sprintf("unknown field %q (did you mean %q?)", key, best)
	}
	sorted := append([]string(nil), known...)
	sort.Strings(sorted)
	return fmt.Sprintf("unknown field %q (known: %s)", key, strings.Join(sorted, ", "))
}

// Nearest returns the word of known closest to word, when it is close
// enough to be a misspelling of it (an edit distance of at most 2, or of
// a third of word's length); "" otherwise.
func Nearest(word string, known []string) string {
	best, dist := "", 1<<30
	for _, k := range known {
		if e := editDistance(word, k); e < dist {
			best, dist = k, e
		}
	}
	if dist <= 2 || dist <= len(word)/3 {
		return best
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// list decodes a sequence; a single scalar is accepted for a list of strings.
// An empty list stays nil, so that decode, encode and decode agree.
func (d *decoder) list(n *yaml.Node, v reflect.Value, path string) {
	items := n.Content
	switch {
	case n.Kind == yaml.ScalarNode && v.Type().Elem().Kind() == reflect.String:
		items = []*yaml.Node{n}
	case n.Kind != yaml.SequenceNode:
		d.fail(n, path, "want a list, got %s", describe(n))
		return
	}
	if len(items) == 0 {
		return
	}
	if len(items) > maxListItems {
		d.fail(n, path, "a list of %d items; at most %d", len(items), maxListItems)
		return
	}
	s := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, item := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		d.at[p] = position{item.Line, item.Column}
		d.given[p] = true
		d.value(item, s.Index(i), p)
	}
	v.Set(s)
}

// stringMap decodes a mapping of strings to strings (env, headers); a null
// value is the empty string.
func (d *decoder) stringMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping of names to strings, got %s", describe(n))
		return
	}
	if len(n.Content)/2 > maxListItems {
		d.fail(n, path, "a mapping of %d entries; at most %d", len(n.Content)/2, maxListItems)
		return
	}
	m := map[string]string{}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), resolve(n.Content[i+1])
		var key, s string
		if k.Kind != yaml.ScalarNode || k.Decode(&key) != nil {
			d.fail(k, path, "keys must be plain words, got %s", describe(k))
			continue
		}
		p := join(path, key)
		if first, dup := seen[key]; dup {
			d.fail(k, p, "duplicate key (first at line %d)", first)
			continue
		}
		seen[key] = k.Line
		d.at[p] = position{k.Line, k.Column}
		if val.Kind != yaml.ScalarNode || (!isNull(val) && val.Decode(&s) != nil) {
			d.fail(val, p, "want a string, got %s", describe(val))
			continue
		}
		m[key] = s
	}
	if len(m) > 0 {
		v.Set(reflect.ValueOf(m))
	}
}
