package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration written as "10s" or "1m30s" in YAML and JSON.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Seconds returns d in seconds.
func (d Duration) Seconds() float64 { return time.Duration(d).Seconds() }

// String formats d as time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalYAML parses a Go duration string ("250ms", "10s").
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a duration such as \"10s\"")
	}
	v, err := time.ParseDuration(strings.TrimSpace(n.Value))
	if err != nil {
		return fmt.Errorf("want a duration such as \"10s\", got %q", n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// MarshalJSON writes the duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// ByteSize is a count of bytes written as "256MiB", "1MB" (10^6) or a
// plain integer in YAML; in JSON it is a plain integer.
//
// Units are spelt out: IEC (KiB, MiB, GiB, and Kubernetes' Ki, Mi, Gi),
// SI (kB, MB, GB) or B. A unit of one letter ("256m", "256M", "1g") is
// refused with a did-you-mean (see AmbiguousSizeError): the container
// world disagrees on it — Docker reads 256m and 256M as 256 MiB,
// Kubernetes reads 256M as 256 MB (244 MiB) and 256m as 0.256 bytes — and
// a memory limit 5% off that nobody notices is worse than one more
// letter to type.
type ByteSize int64

// UnmarshalYAML parses sizes with SI (kB, MB) or IEC (KiB, MiB) units.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseBytes(n)
	if err != nil {
		return err
	}
	*b = ByteSize(v)
	return nil
}

// MarshalYAML writes the size exactly, in the largest unit that divides it
// ("256MiB", "1MB", "1500"), so that it reads back as the same number.
func (b ByteSize) MarshalYAML() (any, error) {
	s := exactBytes(int64(b))
	if s == strconv.FormatInt(int64(b), 10) {
		return int64(b), nil
	}
	return s, nil
}

// String formats the size in IEC units ("256 MiB").
func (b ByteSize) String() string { return humanize.IBytes(uint64(b)) }

// ByteRate is bytes per second, written "1MB/s" or "512KiB/s" in YAML.
type ByteRate int64

// UnmarshalYAML parses a size per second; the "/s" suffix is optional.
func (r *ByteRate) UnmarshalYAML(n *yaml.Node) error {
	c := *n
	c.Value = strings.TrimSuffix(strings.TrimSpace(c.Value), "/s")
	v, err := parseBytes(&c)
	var amb *AmbiguousSizeError
	if errors.As(err, &amb) {
		return err
	}
	if err != nil {
		return fmt.Errorf("want a rate such as \"1MB/s\", got %q", n.Value)
	}
	*r = ByteRate(v)
	return nil
}

// MarshalYAML writes the rate exactly with a "/s" suffix ("1MB/s").
func (r ByteRate) MarshalYAML() (any, error) { return exactBytes(int64(r)) + "/s", nil }

// String formats the rate ("1.0 MB/s").
func (r ByteRate) String() string { return humanize.Bytes(uint64(r)) + "/s" }

func parseBytes(n *yaml.Node) (int64, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, fmt.Errorf("want a size such as \"256MiB\"")
	}
	s := strings.TrimSpace(n.Value)
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("want a size >= 0, got %q", n.Value)
	}
	if err := ambiguousUnit(s); err != nil {
		return 0, err
	}
	v, err := humanize.ParseBytes(s)
	if err != nil {
		return 0, fmt.Errorf("want a size such as \"256MiB\", got %q", n.Value)
	}
	if v > 1<<62 {
		return 0, fmt.Errorf("size %q is too large", n.Value)
	}
	return int64(v), nil
}

// AmbiguousSizeError is a size whose unit is one letter ("256m", "1G"):
// Docker and Kubernetes read it differently, so it is refused with the
// two spellings that say what was meant.
type AmbiguousSizeError struct {
	Value  string // as written: "256m"
	Number string // "256"
	Letter string // "m"
}

func (e *AmbiguousSizeError) Error() string {
	up := strings.ToUpper(e.Letter)
	si := up + "B"
	if up == "K" {
		si = "kB"
	}
	return fmt.Sprintf("%q: a one-letter unit means powers of 1024 to Docker and of 1000 to Kubernetes: did you mean \"%s%siB\"? (or \"%s%s\" for powers of 1000)",
		e.Value, e.Number, up, e.Number, si)
}

// ambiguousUnit returns an *AmbiguousSizeError when s is a number
// followed by one of the letters k, m, g, t, p, e (either case) and
// nothing else; nil otherwise.
func ambiguousUnit(s string) error {
	i := strings.IndexFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.' || r == ' ') })
	if i <= 0 {
		return nil
	}
	num, unit := strings.TrimSpace(s[:i]), s[i:]
	if len(unit) == 1 && strings.ContainsAny(strings.ToLower(unit), "kmgtpe") {
		return &AmbiguousSizeError{Value: s, Number: num, Letter: unit}
	}
	return nil
}

// BareSizeHint is what to add to an error about a size too small to be
// meant (a memory limit of 256 bytes): a number without a unit is bytes,
// "did you mean 256MiB?". It is "" for sizes of 1 MiB and more, or 0.
func BareSizeHint(b ByteSize) string {
	if b <= 0 || b >= 1<<20 {
		return ""
	}
	return fmt.Sprintf(" (a number without a unit is bytes: did you mean \"%dMiB\"?)", int64(b))
}

// Command is an argv. In YAML it is a list of words or one string split
// into words as a POSIX shell would (quotes group, no expansion).
type Command []string

// UnmarshalYAML accepts a sequence or a string.
func (c *Command) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.SequenceNode:
		words := make([]string, 0, len(n.Content))
		for _, w := range n.Content {
			for w.Kind == yaml.AliasNode && w.Alias != nil {
				w = w.Alias
			}
			var s string
			if w.Kind != yaml.ScalarNode || w.Decode(&s) != nil {
				return fmt.Errorf("want each word of a command to be a string")
			}
			words = append(words, s)
		}
		*c = words
		return nil
	case yaml.ScalarNode:
		words, err := SplitWords(n.Value)
		if err != nil {
			return err
		}
		*c = words
		return nil
	}
	return fmt.Errorf("want a command as a string or a list of words")
}

// exactBytes formats v with the unit, SI or IEC, that leaves the smallest
// whole number (IEC on a tie), or as a plain integer when no unit divides it.
func exactBytes(v int64) string {
	best, unit := v, ""
	for _, u := range []struct {
		name string
		size int64
	}{
		{"EiB", 1 << 60}, {"PiB", 1 << 50}, {"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
		{"EB", 1e18}, {"PB", 1e15}, {"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"kB", 1e3},
	} {
		if v != 0 && v%u.size == 0 && v/u.size < best {
			best, unit = v/u.size, u.name
		}
	}
	return strconv.FormatInt(best, 10) + unit
}
