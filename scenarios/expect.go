package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/dustin/go-humanize"
	"go.yaml.in/yaml/v3"
)

// MemorySlope is a rate of memory growth in bytes per second, written
// with a byte unit and "/s" ("0.5MiB/s", "2MB/s"): a bare number is an
// error, as a slope without its unit is ambiguous.
type MemorySlope float64

// ParseMemorySlope reads "0.5MiB/s" as 524288 bytes per second. The unit
// and the "/s" are required; the value is ≥ 0.
func ParseMemorySlope(s string) (MemorySlope, error) {
	t := strings.TrimSpace(s)
	num, ok := strings.CutSuffix(t, "/s")
	num = strings.TrimSpace(num)
	if !ok || num == "" || !strings.ContainsAny(num[len(num)-1:], "BbiI") {
		return 0, fmt.Errorf("want a memory slope with its unit, such as \"0.5MiB/s\", got %q", s)
	}
	if strings.HasPrefix(num, "-") {
		return 0, fmt.Errorf("want a slope >= 0, got %q", s)
	}
	// humanize.ParseBytes rounds fractions of a unit to whole bytes,
	// which is fine for a slope: 0.5MiB/s is 524288 B/s.
	v, err := humanize.ParseBytes(num)
	if err != nil || v > 1<<50 {
		return 0, fmt.Errorf("want a memory slope such as \"0.5MiB/s\", got %q", s)
	}
	return MemorySlope(v), nil
}

// MiBPerSec returns the slope in MiB/s.
func (m MemorySlope) MiBPerSec() float64 { return float64(m) / (1 << 20) }

// String writes the slope in MiB/s ("0.5MiB/s").
func (m MemorySlope) String() string {
	return strconv.FormatFloat(m.MiBPerSec(), 'f', -1, 64) + "MiB/s"
}

// UnmarshalYAML parses a slope with ParseMemorySlope.
func (m *MemorySlope) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a memory slope such as \"0.5MiB/s\", got %s", describe(n))
	}
	v, err := ParseMemorySlope(n.Value)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MarshalYAML writes the slope exactly, in B/s ("524288B/s").
func (m MemorySlope) MarshalYAML() (any, error) {
	return strconv.FormatFloat(float64(m), 'f', -1, 64) + "B/s", nil
}

// PerSecond is a count per second ("20", "20/s"): max_gc_rate.
type PerSecond float64

// ParsePerSecond reads "20", "20/s" or "1.5/s"; the value is ≥ 0 and
// finite.
func ParsePerSecond(s string) (PerSecond, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSpace(strings.TrimSuffix(t, "/s"))
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || strings.ContainsAny(t, "xXpP_") {
		return 0, fmt.Errorf("want a rate per second such as 20 or \"20/s\", got %q", s)
	}
	return PerSecond(v), nil
}

// UnmarshalYAML parses a rate with ParsePerSecond.
func (p *PerSecond) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a rate per second such as 20, got %s", describe(n))
	}
	v, err := ParsePerSecond(n.Value)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Ratio is a share from 0 to 1, written 0.9 or "90%".
type Ratio float64

// ParseRatio reads "0.9" or "90%" as 0.9; it must lie in [0, 1].
func ParseRatio(s string) (Ratio, error) {
	t := strings.TrimSpace(s)
	div := 1.0
	if p, ok := strings.CutSuffix(t, "%"); ok {
		t, div = strings.TrimSpace(p), 100
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || strings.ContainsAny(t, "xXpP_") || !(v/div >= 0 && v/div <= 1) {
		return 0, fmt.Errorf("want a share from 0 to 1 such as 0.9 or \"90%%\", got %q", s)
	}
	return Ratio(v / div), nil
}

// UnmarshalYAML parses a ratio with ParseRatio.
func (r *Ratio) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a share from 0 to 1, got %s", describe(n))
	}
	v, err := ParseRatio(n.Value)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// WindowBound is one bound of a per-window expectation: Window is empty
// for the default window (see Expectation), else a downstream phase's
// name or "stage N" (counted from 1). Kind, when set, bounds only that
// request kind's figures (a RequestKind's name; max_p95 only).
type WindowBound[T any] struct {
	Window string `json:"window,omitempty"`
	Kind   string `json:"kind,omitempty"`
	Max    T      `json:"max"`
}

// Windowed is a bound written as one value (the default window), as a
// mapping from window names to values, as one bound naming a request
// kind, or as a list of values and such bounds:
//
//	max_slope: 0.5MiB/s
//	max_slope: {"slow downstream": 0.5MiB/s, "stage 4": 1MiB/s}
//	max_p95: {kind: export, value: 10s}
//	max_p95: [2s, {kind: export, value: 10s}, {kind: export, window: "stage 4", value: 30s}]
//
// A mapping with a "value" key is one bound (keys kind, window, value),
// never a mapping of windows. Bounds are kept sorted by kind, then window,
// and no two have the same kind and window.
type Windowed[T any] []WindowBound[T]

// UnmarshalYAML accepts a scalar, a mapping of window names to values, a
// bound {kind, window, value}, or a list of scalars and bounds.
func (w *Windowed[T]) UnmarshalYAML(n *yaml.Node) error {
	decode := func(node *yaml.Node) (T, error) {
		var v T
		u, ok := any(&v).(yaml.Unmarshaler)
		if !ok {
			return v, node.Decode(&v)
		}
		return v, u.UnmarshalYAML(resolve(node))
	}
	var out Windowed[T]
	switch {
	case n.Kind == yaml.ScalarNode:
		v, err := decode(n)
		if err != nil {
			return err
		}
		out = Windowed[T]{{Max: v}}
	case n.Kind == yaml.MappingNode && hasKey(n, "value"):
		b, err := decodeBound(n, decode)
		if err != nil {
			return err
		}
		out = Windowed[T]{b}
	case n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := resolve(n.Content[i])
			if k.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "" {
				return fmt.Errorf("want window names (a phase's name or \"stage N\") as keys, got %s", describe(k))
			}
			v, err := decode(n.Content[i+1])
			if err != nil {
				return fmt.Errorf("%s: %w", k.Value, err)
			}
			out = append(out, WindowBound[T]{Window: k.Value, Max: v})
		}
	case n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			item = resolve(item)
			var b WindowBound[T]
			var err error
			switch item.Kind {
			case yaml.ScalarNode:
				b.Max, err = decode(item)
			case yaml.MappingNode:
				b, err = decodeBound(item, decode)
			default:
				err = fmt.Errorf("want a value or {kind: ..., value: ...}, got %s", describe(item))
			}
			if err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
			out = append(out, b)
		}
	default:
		return fmt.Errorf("want a value or a mapping of window names to values, got %s", describe(n))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Window < out[j].Window
	})
	for i := 1; i < len(out); i++ {
		if a, b := out[i-1], out[i]; a.Kind == b.Kind && a.Window == b.Window {
			return fmt.Errorf("%s given twice", boundName(b.Kind, b.Window))
		}
	}
	if len(out) > 0 {
		*w = out
	}
	return nil
}

// boundName names a bound's kind and window for messages.
func boundName(kind, window string) string {
	switch {
	case kind != "" && window != "":
		return fmt.Sprintf("kind %q in window %q", kind, window)
	case kind != "":
		return fmt.Sprintf("kind %q", kind)
	case window != "":
		return fmt.Sprintf("window %q", window)
	}
	return "the default bound"
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := resolve(n.Content[i]); k.Kind == yaml.ScalarNode && k.Value == key {
			return true
		}
	}
	return false
}

// decodeBound reads {kind: K, window: W, value: V}; value is required.
func decodeBound[T any](n *yaml.Node, decode func(*yaml.Node) (T, error)) (WindowBound[T], error) {
	var b WindowBound[T]
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return b, fmt.Errorf("want the keys kind, window and value, got %s", describe(k))
		}
		if seen[k.Value] {
			return b, fmt.Errorf("%s given twice", k.Value)
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "kind", "window":
			var s string
			if v.Kind != yaml.ScalarNode || isNull(v) || v.Decode(&s) != nil || strings.TrimSpace(s) == "" {
				return b, fmt.Errorf("%s: want a name, got %s", k.Value, describe(v))
			}
			if k.Value == "kind" {
				b.Kind = s
			} else {
				b.Window = s
			}
		case "value":
			if b.Max, err = decode(v); err != nil {
				return b, fmt.Errorf("value: %w", err)
			}
		default:
			return b, fmt.Errorf("unknown key %q in a bound (want kind, window, value)", truncate(k.Value))
		}
	}
	if !seen["value"] {
		return b, fmt.Errorf("a bound needs its value")
	}
	return b, nil
}

// MarshalYAML writes one default bound as a scalar, bounds by window
// alone as a mapping, and any other set as a list of bounds.
func (w Windowed[T]) MarshalYAML() (any, error) {
	if len(w) == 1 && w[0].Window == "" && w[0].Kind == "" {
		return w[0].Max, nil
	}
	byWindow := true
	for _, b := range w {
		byWindow = byWindow && b.Kind == "" && b.Window != ""
	}
	if byWindow {
		m := make(map[string]T, len(w))
		for _, b := range w {
			m[b.Window] = b.Max
		}
		return m, nil
	}
	list := make([]map[string]any, len(w))
	for i, b := range w {
		m := map[string]any{"value": b.Max}
		if b.Kind != "" {
			m["kind"] = b.Kind
		}
		if b.Window != "" {
			m["window"] = b.Window
		}
		list[i] = m
	}
	return list, nil
}

// WindowKind says what a window name refers to.
type WindowKind int

// Window kinds.
const (
	WindowNone  WindowKind = iota // not a window of this scenario
	WindowStage                   // a load stage: "stage N"
	WindowPhase                   // a downstream phase, by name
)

// ResolveWindow finds the window a name refers to in s: "stage N" (N from
// 1 to the number of stages) or the name of a downstream phase. index
// counts from 0. A phase named like a stage is found as the phase.
func ResolveWindow(s *Scenario, name string) (kind WindowKind, index int) {
	for i, p := range s.Downstream.Phases {
		if p.Name != "" && p.Name == name {
			return WindowPhase, i
		}
	}
	if rest, ok := strings.CutPrefix(name, "stage "); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil && n >= 1 && n <= len(s.Load.Stages) {
			return WindowStage, n - 1
		}
	}
	return WindowNone, -1
}

// windowNames lists what a window may be called in s, for messages.
func windowNames(s *Scenario, phases bool) string {
	var names []string
	if n := len(s.Load.Stages); n > 0 {
		names = append(names, fmt.Sprintf("\"stage 1\" to \"stage %d\"", n))
	}
	if phases {
		for _, p := range s.Downstream.Phases {
			if p.Name != "" {
				names = append(names, strconv.Quote(p.Name))
			}
		}
	}
	return strings.Join(names, ", ")
}
