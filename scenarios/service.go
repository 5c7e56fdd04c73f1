package scenarios

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// DownstreamEnv puts the downstream's address into a variable a service
// already reads.
type DownstreamEnv struct {
	// Name is the variable ("DATABASE_URL").
	Name string `yaml:"name" json:"name"`
	// URL is its value, a template expanded like a command's words
	// (default "${DOWNSTREAM_URL}"): "${DOWNSTREAM_URL}/v2".
	URL string `yaml:"url,omitempty" json:"url,omitempty"`
}

// DefaultDownstreamURL is downstream_env.url when it is left out.
const DefaultDownstreamURL = "${DOWNSTREAM_URL}"

// TargetVars are the names Expand replaces in a target's command words,
// env values and downstream_env.url: the harness knows their values only
// when it starts the target (runner.targetVars gives them). Nothing else
// is expanded; a test ties the two lists.
var TargetVars = []string{"PORT", "DOWNSTREAM_URL", "DOWNSTREAM_ADDR"}

// Expand replaces each "${NAME}" whose NAME is a key of vars with its
// value, in one pass (a value is not expanded again). Anything else —
// "$NAME" without braces, "${OTHER}", "$$" — is left exactly as it is:
// commands run without a shell.
func Expand(s string, vars map[string]string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+2:], '}')
		if j < 0 {
			break
		}
		name := s[i+2 : i+2+j]
		v, ok := vars[name]
		b.WriteString(s[:i])
		if ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+3+j])
		}
		s = s[i+3+j:]
	}
	b.WriteString(s)
	return b.String()
}

// service checks what lets a user's own service start as it is: its
// dir (made absolute against the scenario file's folder) and its
// downstream_env.
func (c *checker) service(path string, t *Target) {
	if c.given[path+".dir"] && (t.Dir == "" || strings.ContainsRune(t.Dir, 0)) {
		c.errf(path+".dir", "want a directory, got %q", t.Dir)
	} else if c.dir != "" && t.Builtin == "" {
		dir := t.Dir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(c.dir, dir)
		}
		fi, err := os.Stat(dir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			c.errf(path+".dir", "%s does not exist", dir)
		case err != nil:
			c.errf(path+".dir", "%v", err)
		case !fi.IsDir():
			c.errf(path+".dir", "%s is not a directory", dir)
		default:
			t.Dir = dir
		}
	}
	if e := t.DownstreamEnv; e != nil {
		p := path + ".downstream_env"
		switch {
		case !c.given[p+".name"]:
			c.errf(p+".name", "missing: the variable the service reads its downstream's address from")
		case !envNameOK(e.Name):
			c.errf(p+".name", "want a variable name of letters, digits and '_', not starting with a digit")
		case slices.Contains(reservedEnv, e.Name):
			c.errf(p+".name", "%s is set by the harness already; name the variable your service reads", e.Name)
		case t.Env[e.Name] != "":
			c.errf(p+".name", "%s is also set in env; set it in one place", e.Name)
		}
		if strings.ContainsRune(e.URL, 0) {
			c.errf(p+".url", "contains a NUL byte")
		}
		if e.URL == "" {
			e.URL = DefaultDownstreamURL
		}
	}
}

// Warnings returns what in a valid scenario is probably a mistake but not
// an error, one line each as "file: field: message": a "$NAME" in a
// command word, env value or downstream_env.url that will not be
// expanded (only ${PORT} and ${DOWNSTREAM_URL} are, and no shell runs).
func Warnings(file string, s *Scenario) []string {
	var out []string
	warn := func(field, v string) {
		for _, name := range unexpanded(v) {
			out = append(out, fmt.Sprintf("%s: %s: %s is not expanded: only %s are, and the command runs without a shell (use [\"sh\", \"-c\", ...] for one)",
				file, field, name, knownVars()))
		}
	}
	for i, t := range s.Targets {
		path := fmt.Sprintf("targets[%d]", i)
		for j, w := range t.Command {
			if j > 0 && isShell(t.Command[0]) && t.Command[j-1] == "-c" {
				continue // the shell's script: the shell expands $NAME itself
			}
			warn(fmt.Sprintf("%s.command[%d]", path, j), w)
		}
		keys := make([]string, 0, len(t.Env))
		for k := range t.Env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			warn(path+".env."+k, t.Env[k])
		}
		if t.DownstreamEnv != nil {
			warn(path+".downstream_env.url", t.DownstreamEnv.URL)
		}
	}
	return out
}

// isShell reports whether a program is a POSIX-like shell, whose -c
// script expands variables itself.
func isShell(prog string) bool {
	return slices.Contains([]string{"sh", "bash", "dash", "zsh", "ksh", "ash", "busybox"}, filepath.Base(prog))
}

func knownVars() string {
	names := make([]string, len(TargetVars))
	for i, n := range TargetVars {
		names[i] = "${" + n + "}"
	}
	return strings.Join(names, " and ")
}

// unexpanded lists the "$NAME" and "${NAME}" references in v that Expand
// leaves alone, as written ("$HOME", "${PORT:-8080}", "$PORT").
func unexpanded(v string) []string {
	var out []string
	for i := 0; i < len(v); i++ {
		if v[i] != '$' || i+1 >= len(v) {
			continue
		}
		if v[i+1] == '{' {
			j := strings.IndexByte(v[i+2:], '}')
			if j < 0 {
				out = append(out, v[i:])
				break
			}
			if name := v[i+2 : i+2+j]; !slices.Contains(TargetVars, name) {
				out = append(out, v[i:i+3+j])
			}
			i += 2 + j
			continue
		}
		j := i + 1
		for j < len(v) && (v[j] == '_' || v[j] >= 'a' && v[j] <= 'z' || v[j] >= 'A' && v[j] <= 'Z' || j > i+1 && v[j] >= '0' && v[j] <= '9') {
			j++
		}
		if j > i+1 {
			out = append(out, v[i:j])
			i = j - 1
		}
	}
	return out
}
