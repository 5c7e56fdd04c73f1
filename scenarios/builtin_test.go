package scenarios

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestBuiltins(t *testing.T) {
	infos := Builtins()
	if len(infos) == 0 {
		t.Fatal("Builtins() is empty")
	}
	for i, info := range infos {
		if i > 0 && infos[i-1].Name >= info.Name {
			t.Errorf("Builtins() not sorted: %q before %q", infos[i-1].Name, info.Name)
		}
		t.Run(info.Name, func(t *testing.T) {
			s, err := Builtin(info.Name)
			if err != nil {
				t.Fatalf("Builtin(%q) = %v", info.Name, err)
			}
			if s.Name != info.Name || s.Description == "" || s.Pattern == "" || len(info.Runtimes) == 0 {
				t.Errorf("Builtin(%q) = name %q, description %q, pattern %q, runtimes %v; want the file's name and all set",
					info.Name, s.Name, s.Description, s.Pattern, info.Runtimes)
			}
			if s.Load.Request.Body.File != "" {
				t.Errorf("Builtin(%q) uses body.file %q; builtins cannot ship files", info.Name, s.Load.Request.Body.File)
			}
			roundTrip(t, s)
		})
	}
}

// runtimesOf returns the runtimes Builtins lists for the builtin name.
func runtimesOf(name string) []string {
	for _, info := range Builtins() {
		if info.Name == name {
			return info.Runtimes
		}
	}
	return nil
}

func TestBuiltinUploadProxy(t *testing.T) {
	s, err := Builtin("upload-proxy")
	if err != nil {
		t.Fatal(err)
	}
	sec := func(n int) Duration { return Duration(time.Duration(n) * time.Second) }
	tests := []struct {
		name      string
		got, want any
	}{
		{"targets", []string{s.Targets[0].Name, s.Targets[1].Name}, []string{"upload-naive", "upload-aware"}},
		{"roles", []string{s.Targets[0].Role, s.Targets[1].Role}, []string{"naive", "aware"}},
		{"naive outcomes", s.Targets[0].Expect.Outcomes, []string{"oom-killed", "limit-stall"}},
		{"naive oom_within", s.Targets[0].Expect.OOMWithin, sec(60)},
		{"aware outcomes", s.Targets[1].Expect.Outcomes, []string{"survived"}},
		{"aware max_rss", s.Targets[1].Expect.MaxRSS, ByteSize(64 << 20)},
		{"aware env", s.Targets[1].Env, map[string]string{"MAX_IN_FLIGHT": "32"}},
		{"memory_limit", s.MemoryLimit, ByteSize(256 << 20)},
		{"deadline", s.Deadline, sec(280)},
		{"stages", s.Load.Stages, []Stage{{10, sec(10)}, {20, sec(10)}, {40, sec(10)}, {80, sec(10)}}},
		{"request", s.Load.Request, Request{Method: "POST", Path: "/upload",
			Headers: map[string]string{"Content-Type": "application/octet-stream"},
			Body:    Body{Size: 1 << 20, Kind: "random"}, Timeout: sec(30)}},
		{"phases", s.Downstream.Phases, []Phase{{Name: "slow downstream", Latency: sec(2), ReadBandwidth: 1e6, Capacity: 32}}},
		{"node targets", []string{s.Targets[2].Name, s.Targets[3].Name}, []string{"node-upload-naive", "node-upload-aware"}},
		{"node aware max_rss", s.Targets[3].Expect.MaxRSS, ByteSize(128 << 20)},
		{"runtimes", runtimesOf("upload-proxy"), []string{"go", "node"}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("Builtin(upload-proxy) %s = %v; want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestBuiltinUnknown(t *testing.T) {
	for _, name := range []string{"nope", "../scenario", "builtin/upload-proxy", ""} {
		_, err := Builtin(name)
		if !errors.Is(err, ErrNoBuiltin) || !strings.Contains(err.Error(), "upload-proxy") {
			t.Errorf("Builtin(%q) = %v; want ErrNoBuiltin listing the builtins", name, err)
		}
	}
}

func BenchmarkParseBuiltin(b *testing.B) {
	data, err := builtinFS.ReadFile("builtin/upload-proxy.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("upload-proxy.yaml", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBuiltinSlowClient(t *testing.T) {
	s, err := Builtin("slow-client")
	if err != nil {
		t.Fatal(err)
	}
	kinds := s.Load.Kinds()
	tests := []struct {
		name      string
		got, want any
	}{
		{"targets", []string{s.Targets[0].Name, s.Targets[1].Name, s.Targets[2].Name, s.Targets[3].Name},
			[]string{"slow-client-naive", "slow-client-aware", "node-slow-client-naive", "node-slow-client-aware"}},
		{"naive outcomes", s.Targets[0].Expect.Outcomes, []string{"oom-killed", "limit-stall"}},
		{"aware env", s.Targets[1].Env, map[string]string{"MAX_IN_FLIGHT": "4"}},
		{"aware max_rss", s.Targets[1].Expect.MaxRSS, ByteSize(64 << 20)},
		{"memory_limit", s.MemoryLimit, ByteSize(256 << 20)},
		{"one kind", len(kinds), 1},
		{"download_bandwidth", kinds[0].DownloadBandwidth, ByteRate(512 << 10)},
		{"method", kinds[0].Method, "GET"},
		{"runtimes", runtimesOf("slow-client"), []string{"go", "node"}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("Builtin(slow-client) %s = %v; want %v", tt.name, tt.got, tt.want)
		}
	}
}
