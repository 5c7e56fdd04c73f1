package scenarios

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// builtinFS holds the catalog; each file is named after its scenario.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// Info summarises a builtin scenario for listings.
type Info struct {
	Name        string
	Description string
	Pattern     string
	// Runtimes lists the targets' runtimes, sorted, without repeats.
	Runtimes []string
}

// builtinNames lists the catalog's scenario names, sorted.
func builtinNames() []string {
	entries, _ := fs.ReadDir(builtinFS, "builtin")
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Builtin returns the builtin scenario called name, parsed and completed
// like any file; an unknown name gives an error wrapping ErrNoBuiltin.
func Builtin(name string) (*Scenario, error) {
	if !slices.Contains(builtinNames(), name) {
		return nil, fmt.Errorf("scenarios: %q (builtins: %s): %w", name, strings.Join(builtinNames(), ", "), ErrNoBuiltin)
	}
	file := "builtin/" + name + ".yaml"
	data, err := builtinFS.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("scenarios: read builtin %s: %w", name, err)
	}
	return Parse(file, bytes.NewReader(data))
}

// Builtins lists the builtin scenarios sorted by name. A builtin that fails
// to parse (a bug the tests catch) is listed with the error as description.
func Builtins() []Info {
	var infos []Info
	for _, name := range builtinNames() {
		s, err := Builtin(name)
		if err != nil {
			infos = append(infos, Info{Name: name, Description: "invalid builtin: " + err.Error()})
			continue
		}
		info := Info{Name: s.Name, Description: s.Description, Pattern: s.Pattern}
		for _, t := range s.Targets {
			if !slices.Contains(info.Runtimes, t.Runtime) {
				info.Runtimes = append(info.Runtimes, t.Runtime)
			}
		}
		slices.Sort(info.Runtimes)
		infos = append(infos, info)
	}
	return infos
}
