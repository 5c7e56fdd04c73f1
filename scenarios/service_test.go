package scenarios

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	vars := map[string]string{"PORT": "8123", "DOWNSTREAM_URL": "http://127.0.0.1:9/x"}
	tests := []struct{ in, want string }{
		{"--port=${PORT}", "--port=8123"},
		{"${DOWNSTREAM_URL}/v2?p=${PORT}", "http://127.0.0.1:9/x/v2?p=8123"},
		{"$PORT", "$PORT"},
		{"${HOME}/x", "${HOME}/x"},
		{"${PORT:-80}", "${PORT:-80}"},
		{"${PORT", "${PORT"},
		{"$${PORT}", "$8123"},
		{"${}", "${}"},
		{"", ""},
		{"plain", "plain"},
	}
	for _, tt := range tests {
		if got := Expand(tt.in, vars); got != tt.want {
			t.Errorf("Expand(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	// A value is not expanded again.
	if got := Expand("${PORT}", map[string]string{"PORT": "${PORT}"}); got != "${PORT}" {
		t.Errorf("Expand twice = %q", got)
	}
}

func TestServiceFields(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "svc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notadir"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	const head = "name: s\nload: {stages: [{rate: 1, duration: 1s}]}\ndownstream: {phases: [{at: 0s}]}\ntargets:\n"
	tests := []struct {
		name    string
		target  string
		wantErr string
		check   func(t *testing.T, tg Target)
	}{
		{name: "dir defaults to the file's folder", target: `  - {name: a, command: "./run"}`,
			check: func(t *testing.T, tg Target) {
				if tg.Dir != dir {
					t.Errorf("dir = %q; want %q", tg.Dir, dir)
				}
			}},
		{name: "relative dir", target: `  - {name: a, command: "./run", dir: svc}`,
			check: func(t *testing.T, tg Target) {
				if tg.Dir != filepath.Join(dir, "svc") {
					t.Errorf("dir = %q; want %q", tg.Dir, filepath.Join(dir, "svc"))
				}
			}},
		{name: "missing dir", target: `  - {name: a, command: "./run", dir: nope}`, wantErr: "targets[0].dir: " + filepath.Join(dir, "nope") + " does not exist"},
		{name: "dir is a file", target: `  - {name: a, command: "./run", dir: notadir}`, wantErr: "is not a directory"},
		{name: "downstream_env default url", target: `  - {name: a, command: "./run", downstream_env: {name: DATABASE_URL}}`,
			check: func(t *testing.T, tg Target) {
				if tg.DownstreamEnv.URL != DefaultDownstreamURL {
					t.Errorf("url = %q; want %q", tg.DownstreamEnv.URL, DefaultDownstreamURL)
				}
			}},
		{name: "downstream_env without name", target: `  - {name: a, command: "./run", downstream_env: {url: "${DOWNSTREAM_URL}"}}`,
			wantErr: "targets[0].downstream_env.name: missing"},
		{name: "downstream_env reserved", target: `  - {name: a, command: "./run", downstream_env: {name: PORT}}`,
			wantErr: "set by the harness already"},
		{name: "downstream_env also in env", target: `  - {name: a, command: "./run", env: {DB: x}, downstream_env: {name: DB}}`,
			wantErr: "also set in env"},
		{name: "downstream_env unknown key", target: `  - {name: a, command: "./run", downstream_env: {name: DB, template: x}}`,
			wantErr: "targets[0].downstream_env.template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, "s.yaml")
			if err := os.WriteFile(file, []byte(head+tt.target+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			sc, err := LoadFile(file)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadFile() error = %v; want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, sc.Targets[0])
		})
	}
}

func TestWarnings(t *testing.T) {
	sc, err := Parse("w.yaml", strings.NewReader(`
name: w
load: {stages: [{rate: 1, duration: 1s}]}
downstream: {phases: [{at: 0s}]}
targets:
  - name: a
    command: ["./server", "--port", "${PORT}", "--home=$HOME", "${DB_HOST}"]
    env: {UPSTREAM: "${DOWNSTREAM_URL}", LISTEN: ":$PORT", OK: "a$"}
    downstream_env: {name: DATABASE_URL, url: "postgres://${USER}@x"}
  - name: b
    command: ["sh", "-c", "exec ./server --port $PORT", "$0arg"]
`))
	if err != nil {
		t.Fatal(err)
	}
	got := Warnings("w.yaml", sc)
	want := []string{
		"w.yaml: targets[0].command[3]: $HOME is not expanded",
		"w.yaml: targets[0].command[4]: ${DB_HOST} is not expanded",
		"w.yaml: targets[0].env.LISTEN: $PORT is not expanded",
		"w.yaml: targets[0].downstream_env.url: ${USER} is not expanded",
	}
	if len(got) != len(want) {
		t.Fatalf("Warnings() = %q;\nwant prefixes %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("Warnings()[%d] = %q; want prefix %q", i, got[i], want[i])
		}
	}
	if !slices.Contains(TargetVars, "PORT") || !strings.Contains(got[0], "${PORT} and ${DOWNSTREAM_URL}") {
		t.Errorf("warning %q should name what is expanded", got[0])
	}
}

func TestDetectNodeLaunchers(t *testing.T) {
	for _, cmd := range []string{"npm start", "npx serve", "yarn start", "node server.js", "env FOO=1 npm start"} {
		words, err := SplitWords(cmd)
		if err != nil {
			t.Fatal(err)
		}
		if got := detectRuntime(Target{Command: words}); got != "node" {
			t.Errorf("detectRuntime(%q) = %s; want node", cmd, got)
		}
	}
}
