package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// unsetVar marks a shell variable that had no value when a script was
// split: a command holding it cannot be checked.
const unsetVar = "\x00unset:"

// shellCommands splits a workflow step's script into its simple commands,
// each a list of words with quotes removed and $VAR, ${VAR} expanded from
// env (an unknown one becomes unsetVar+NAME). It knows as much shell as
// the example workflows use: quotes, line continuations, comments, the
// operators ; & | && || and newlines, redirections (their targets are
// dropped), and $( … ) and $(( … )), kept whole as opaque words.
func shellCommands(script string, env map[string]string) ([][]string, error) {
	s := strings.ReplaceAll(script, "\\\n", "")
	var cmds [][]string
	var cmd []string
	var word strings.Builder
	inWord, redirect := false, false
	endWord := func() {
		if !inWord {
			return
		}
		if redirect {
			redirect = false
		} else {
			cmd = append(cmd, word.String())
		}
		word.Reset()
		inWord = false
	}
	endCmd := func() {
		endWord()
		if len(cmd) > 0 {
			cmds = append(cmds, cmd)
		}
		cmd = nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated ' at byte %d", i)
			}
			word.WriteString(s[i+1 : i+1+j])
			inWord, i = true, i+1+j
		case c == '"':
			j, err := doubleQuoted(s, i+1, env, &word)
			if err != nil {
				return nil, err
			}
			inWord, i = true, j
		case c == '\\' && i+1 < len(s):
			word.WriteByte(s[i+1])
			inWord, i = true, i+1
		case c == '$':
			i = dollar(s, i, env, &word)
			inWord = true
		case c == '#' && !inWord:
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				i += j - 1
			} else {
				i = len(s)
			}
		case c == ' ' || c == '\t':
			endWord()
		case c == '\n' || c == ';' || c == '&' || c == '|':
			endCmd()
		case c == '>' || c == '<':
			endWord()
			if i+1 < len(s) && s[i+1] == '>' {
				i++
			}
			redirect = true
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	endCmd()
	return cmds, nil
}

// doubleQuoted copies the "…" string starting at s[i] to w, expanding
// variables, and returns the index of its closing quote.
func doubleQuoted(s string, i int, env map[string]string, w *strings.Builder) (int, error) {
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i, nil
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0:
			w.WriteByte(s[i+1])
			i++
		case c == '$':
			i = dollar(s, i, env, w)
		default:
			w.WriteByte(c)
		}
	}
	return 0, fmt.Errorf("unterminated \" in %q", s)
}

var varName = regexp.MustCompile(`^(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*|[?!$#0-9])`)

// dollar expands the $… at s[i] into w and returns the index of its last
// byte: a variable from env, or $( … ) kept whole.
func dollar(s string, i int, env map[string]string, w *strings.Builder) int {
	if i+1 < len(s) && s[i+1] == '(' {
		depth := 0
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '(':
				depth++
			case ')':
				if depth--; depth == 0 {
					w.WriteString(s[i : j+1])
					return j
				}
			}
		}
		w.WriteString(s[i:])
		return len(s)
	}
	m := varName.FindString(s[i+1:])
	if m == "" {
		w.WriteByte('$')
		return i
	}
	name := strings.Trim(m, "{}")
	if v, ok := env[name]; ok {
		w.WriteString(v)
	} else {
		w.WriteString(unsetVar + name)
	}
	return i + len(m)
}

// oomlabCommands keeps the commands that run oomlab — directly, after
// sudo and its options, a shell keyword or variable assignments — as
// oomlab's arguments.
func oomlabCommands(cmds [][]string) [][]string {
	skip := map[string]bool{"if": true, "then": true, "else": true, "elif": true, "do": true, "!": true, "{": true, "time": true}
	assign := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	var out [][]string
	for _, c := range cmds {
		i := 0
		for i < len(c) && (skip[c[i]] || assign.MatchString(c[i])) {
			i++
		}
		if i < len(c) && c[i] == "sudo" {
			for i++; i < len(c) && strings.HasPrefix(c[i], "-"); i++ {
			}
		}
		if i < len(c) && c[i] == "oomlab" {
			out = append(out, c[i+1:])
		}
	}
	return out
}

func TestShellCommands(t *testing.T) {
	env := map[string]string{"SHARD": "1/3", "B": "base dir"}
	tests := []struct {
		script string
		want   [][]string // oomlab's arguments
	}{
		{`sudo -E oomlab run --all --shard "$SHARD" --out leg-1 --no-gate`, [][]string{{"run", "--all", "--shard", "1/3", "--out", "leg-1", "--no-gate"}}},
		{"status=0\noomlab merge legs/x-* --out m || status=$?\nif [ -d m ]; then\n  oomlab gate m --baseline \"$B\" || status=$((status == 0 ? $? : status))\nfi",
			[][]string{{"merge", "legs/x-*", "--out", "m"}, {"gate", "m", "--baseline", "base dir"}}},
		{"oomlab list \\\n  --shards 3 --json > plan.json # the plan\necho oomlab run", [][]string{{"list", "--shards", "3", "--json"}}},
		{`oomlab gate '$B' --baseline ${B}/x "$NOPE"`, [][]string{{"gate", "$B", "--baseline", "base dir/x", unsetVar + "NOPE"}}},
		{`go install "x@$V"; sudo install -m 0755 "$(go env GOPATH)/bin/oomlab" /usr/local/bin/oomlab`, nil},
	}
	for _, tt := range tests {
		cmds, err := shellCommands(tt.script, env)
		if err != nil {
			t.Errorf("shellCommands(%q): %v", tt.script, err)
			continue
		}
		if got := oomlabCommands(cmds); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
			t.Errorf("oomlabCommands(%q) = %q; want %q", tt.script, got, tt.want)
		}
	}
}
