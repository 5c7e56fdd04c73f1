package gctrace

import (
	"slices"
	"testing"
)

func TestTraceArgs(t *testing.T) {
	base := []string{"PATH=/usr/bin", "HOME=/root"}
	with := func(extra ...string) []string { return append(slices.Clone(base), extra...) }
	tests := []struct {
		name     string
		runtime  string
		argv     []string
		env      []string
		wantArgv []string
		wantEnv  []string
	}{
		{"go adds GODEBUG", "go", []string{"./server"}, base,
			[]string{"./server"}, with("GODEBUG=gctrace=1")},
		{"go keeps other GODEBUG settings", "go", []string{"./server"}, with("GODEBUG=madvdontneed=1"),
			[]string{"./server"}, with("GODEBUG=madvdontneed=1,gctrace=1")},
		{"go turns gctrace=0 on", "go", []string{"./server"}, with("GODEBUG=gctrace=0,asyncpreemptoff=1"),
			[]string{"./server"}, with("GODEBUG=gctrace=1,asyncpreemptoff=1")},
		{"go leaves gctrace=2", "go", []string{"./server"}, with("GODEBUG=gctrace=2"),
			[]string{"./server"}, with("GODEBUG=gctrace=2")},
		{"go edits the last of two GODEBUG", "go", []string{"./server"}, with("GODEBUG=a=1", "GODEBUG=b=2"),
			[]string{"./server"}, with("GODEBUG=a=1", "GODEBUG=b=2,gctrace=1")},
		{"go with empty GODEBUG", "go", []string{"./server"}, with("GODEBUG="),
			[]string{"./server"}, with("GODEBUG=gctrace=1")},
		{"node inserts after the executable", "node", []string{"node", "server.js", "--port", "1"}, base,
			[]string{"node", "--trace-gc", "server.js", "--port", "1"}, base},
		{"nodejs by path, before other options", "node", []string{"/usr/bin/nodejs", "--max-old-space-size=256", "s.js"}, base,
			[]string{"/usr/bin/nodejs", "--trace-gc", "--max-old-space-size=256", "s.js"}, base},
		{"node already tracing", "node", []string{"node", "--trace-gc", "s.js"}, base,
			[]string{"node", "--trace-gc", "s.js"}, base},
		{"node tracing through NODE_OPTIONS", "node", []string{"node", "s.js"}, with("NODE_OPTIONS=--max-old-space-size=64 --trace-gc"),
			[]string{"node", "s.js"}, with("NODE_OPTIONS=--max-old-space-size=64 --trace-gc")},
		{"node through a wrapper is left alone", "node", []string{"npm", "start"}, base,
			[]string{"npm", "start"}, base},
		{"node with empty argv", "node", nil, base, nil, base},
		{"jvm adds JAVA_TOOL_OPTIONS", "jvm", []string{"java", "-Xmx64m", "Proxy"}, base,
			[]string{"java", "-Xmx64m", "Proxy"}, with("JAVA_TOOL_OPTIONS=" + JVMLogOption)},
		{"jvm appends to the last JAVA_TOOL_OPTIONS", "jvm", []string{"sh", "-c", "java Proxy"}, with("JAVA_TOOL_OPTIONS=-Da=1", "JAVA_TOOL_OPTIONS=-Xss512k"),
			[]string{"sh", "-c", "java Proxy"}, with("JAVA_TOOL_OPTIONS=-Da=1", "JAVA_TOOL_OPTIONS=-Xss512k "+JVMLogOption)},
		{"jvm with empty JAVA_TOOL_OPTIONS", "jvm", []string{"java", "P"}, with("JAVA_TOOL_OPTIONS= "),
			[]string{"java", "P"}, with("JAVA_TOOL_OPTIONS=" + JVMLogOption)},
		{"jvm already logging gc to stderr in argv", "jvm", []string{"java", "-Xlog:gc*:stderr", "P"}, base,
			[]string{"java", "-Xlog:gc*:stderr", "P"}, base},
		{"jvm already logging gc to stderr in JDK_JAVA_OPTIONS", "jvm", []string{"java", "P"}, with("JDK_JAVA_OPTIONS=-Xlog:gc=info:stderr:uptime"),
			[]string{"java", "P"}, with("JDK_JAVA_OPTIONS=-Xlog:gc=info:stderr:uptime")},
		{"jvm logging gc to stdout still gets stderr", "jvm", []string{"java", "-Xlog:gc", "P"}, base,
			[]string{"java", "-Xlog:gc", "P"}, with("JAVA_TOOL_OPTIONS=" + JVMLogOption)},
		{"jvm logging safepoints to stderr still gets gc", "jvm", []string{"java", "-Xlog:safepoint:stderr", "P"}, base,
			[]string{"java", "-Xlog:safepoint:stderr", "P"}, with("JAVA_TOOL_OPTIONS=" + JVMLogOption)},
		{"other unchanged", "other", []string{"python3", "s.py"}, base,
			[]string{"python3", "s.py"}, base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			argvIn, envIn := slices.Clone(tt.argv), slices.Clone(tt.env)
			gotArgv, gotEnv := TraceArgs(tt.runtime, tt.argv, tt.env)
			if !slices.Equal(gotArgv, tt.wantArgv) || !slices.Equal(gotEnv, tt.wantEnv) {
				t.Errorf("TraceArgs(%q, %q, %q) = %q, %q; want %q, %q",
					tt.runtime, tt.argv, tt.env, gotArgv, gotEnv, tt.wantArgv, tt.wantEnv)
			}
			if !slices.Equal(tt.argv, argvIn) || !slices.Equal(tt.env, envIn) {
				t.Errorf("TraceArgs(%q, ...) modified its inputs", tt.runtime)
			}
		})
	}
}

func TestTraceArgsNilEnvInherits(t *testing.T) {
	t.Setenv("OOMLAB_GCTRACE_TEST", "1")
	t.Setenv("GODEBUG", "madvdontneed=1")
	_, env := TraceArgs(RuntimeGo, []string{"./server"}, nil)
	if !slices.Contains(env, "OOMLAB_GCTRACE_TEST=1") || !slices.Contains(env, "GODEBUG=madvdontneed=1,gctrace=1") {
		t.Errorf("TraceArgs(go, argv, nil) env = %q; want the current environment with gctrace=1 merged", env)
	}
}
