package main

import (
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/scenarios"
)

// TestTargetFlags: --target replaces a target of the scenario and refuses
// a name it does not have (with a did-you-mean and --add-target);
// --add-target adds one and refuses a name it has; a target named by
// either always runs, whatever --runtime keeps.
func TestTargetFlags(t *testing.T) {
	tests := []struct {
		name    string
		f       runFlags
		want    []string // the targets that run, in order
		wantErr string
	}{
		{"replace", runFlags{runtime: "all", targets: []string{"upload-naive=./srv"}},
			[]string{"upload-naive", "upload-aware", "node-upload-naive", "node-upload-aware"}, ""},
		{"add", runFlags{runtime: "go", addTargets: []string{"mine=./srv -p"}},
			[]string{"upload-naive", "upload-aware", "mine"}, ""},
		{"named target survives --runtime", runFlags{runtime: "go", targets: []string{"node-upload-aware=node x.js"}},
			[]string{"upload-naive", "upload-aware", "node-upload-aware"}, ""},
		{"misspelt", runFlags{runtime: "all", targets: []string{"upload-naiv=./srv"}}, nil,
			`--target "upload-naiv=./srv": scenarios: upload-proxy has no target upload-naiv (did you mean upload-naive?)`},
		{"unknown", runFlags{runtime: "all", targets: []string{"mine=./srv"}}, nil, "use --add-target mine=COMMAND"},
		{"add a known name", runFlags{runtime: "all", addTargets: []string{"upload-aware=./srv"}}, nil,
			`--add-target "upload-aware=./srv": scenarios: upload-proxy already has a target upload-aware: to run another command in its place, use --target upload-aware=COMMAND`},
		{"no command", runFlags{runtime: "all", addTargets: []string{"mine="}}, nil, `--add-target "mine=": want NAME=COMMAND`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := scenarios.Builtin("upload-proxy")
			if err != nil {
				t.Fatal(err)
			}
			tt.f.limitMode = "auto"
			err = applyFlags(sc, tt.f)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("applyFlags = %v; want an error saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tg := range sc.Targets {
				got = append(got, tg.Name)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("targets = %v; want %v", got, tt.want)
			}
		})
	}
}

// TestUnknownTargetExit: a misspelt --target name ends the run before it
// starts, exit 2, naming the scenario's targets and --add-target.
func TestUnknownTargetExit(t *testing.T) {
	text, code := oomlab(t, 30*time.Second, "run", "upload-proxy", "--target", "upload-naiv=./srv", "--out", t.TempDir())
	if code != exitBadInput || !strings.Contains(text, "did you mean upload-naive?") || !strings.Contains(text, "--add-target upload-naiv=COMMAND") {
		t.Errorf("run --target upload-naiv=…: exit %d; want %d with a did-you-mean and --add-target\n%s", code, exitBadInput, text)
	}
}
