package scenarios

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// withLoad is minimal with more lines under load: (indented by two).
func withLoad(lines string) string { return minimal + lines }

// mix is a valid load.requests block; cases edit it.
const mix = `  requests:
    - name: export
      weight: 3
      path: /export
      download_bandwidth: 64KiB/s
      slow_share: 0.5
    - name: upload
      body: {size: 1MiB}
      upload_bandwidth: 1MB/s
      keepalive: false
`

// kindErrorTests are invalid uses of the keys of issue 20 and the
// problems Parse must report; FuzzParse seeds its corpus from them.
var kindErrorTests = []struct {
	name string
	in   string
	want []want
}{
	{"request and requests", withLoad("  request: {path: /}\n" + mix), []want{{10, "load.requests", "set request (one kind) or requests (a mix), not both"}}},
	{"request and targets_file", withLoad("  request: {path: /}\n  targets_file: t.txt\n"), []want{{10, "load.targets_file", "set request or targets_file, not both"}, {10, "load.targets_file", "t.txt does not exist"}}},
	{"requests and targets_file", withLoad(mix + "  targets_file: t.txt\n"), []want{{19, "load.targets_file", "set requests or targets_file, not both"}, {19, "load.targets_file", "t.txt does not exist"}}},
	{"kind without name", withLoad("  requests:\n    - path: /a\n"), []want{{10, "load.requests[0].name", "missing"}}},
	{"duplicate kind", withLoad("  requests:\n    - name: a\n    - name: a\n"), []want{{11, "load.requests[1].name", `duplicate kind name "a" (also requests[0])`}}},
	{"upper-case name", withLoad("  requests:\n    - name: Export\n"), []want{{10, "load.requests[0].name", `"Export": want 1-64 of a-z, 0-9 and '-'`}}},
	{"name with a dot", withLoad("  requests:\n    - name: a.b\n"), []want{{10, "load.requests[0].name", `"a.b": want`}}},
	{"name too long", withLoad("  requests:\n    - name: " + strings.Repeat("a", 65) + "\n"), []want{{10, "load.requests[0].name", "want 1-64"}}},
	{"weight 0", withLoad("  requests:\n    - {name: a, weight: 0}\n"), []want{{10, "load.requests[0].weight", "must be > 0 and at most 1e+06, got 0"}}},
	{"weight negative", withLoad("  requests:\n    - {name: a, weight: -2}\n"), []want{{10, "load.requests[0].weight", "got -2"}}},
	{"weight NaN", withLoad("  requests:\n    - {name: a, weight: .nan}\n"), []want{{10, "load.requests[0].weight", "got NaN"}}},
	{"weight huge", withLoad("  requests:\n    - {name: a, weight: 1e9}\n"), []want{{10, "load.requests[0].weight", "at most 1e+06"}}},
	{"weight a word", withLoad("  requests:\n    - {name: a, weight: lots}\n"), []want{{10, "load.requests[0].weight", `want a number, got "lots"`}}},
	{"unknown kind key", withLoad("  requests:\n    - {name: a, download_bandwith: 1MB/s}\n"),
		[]want{{10, "load.requests[0].download_bandwith", `unknown field "download_bandwith" (did you mean "download_bandwidth"?)`}}},
	{"kind path without slash", withLoad("  requests:\n    - {name: a, path: export}\n"), []want{{10, "load.requests[0].path", `must start with '/'`}}},
	{"kind bad method", withLoad("  requests:\n    - {name: a, method: \"GE T\"}\n"), []want{{10, "load.requests[0].method", "is not an HTTP method"}}},
	{"kind bad header", withLoad("  requests:\n    - {name: a, headers: {\"X A\": v}}\n"), []want{{10, "load.requests[0].headers.X A", "is not a header name"}}},
	{"kind zero timeout", withLoad("  requests:\n    - {name: a, timeout: 0s}\n"), []want{{10, "load.requests[0].timeout", "must be > 0"}}},
	{"bandwidth 0", withLoad("  requests:\n    - {name: a, download_bandwidth: 0}\n"), []want{{10, "load.requests[0].download_bandwidth", "must be > 0 (leave it out for full speed)"}}},
	{"bandwidth too low", withLoad("  requests:\n    - {name: a, download_bandwidth: 100B/s}\n"),
		[]want{{10, "load.requests[0].download_bandwidth", "100/s is below 1KiB/s: that is a stalled client"}}},
	{"bandwidth absurd", withLoad("  requests:\n    - {name: a, body: {size: 1KiB}, upload_bandwidth: 20GiB/s}\n"),
		[]want{{10, "load.requests[0].upload_bandwidth", "20GiB/s is above 10GiB/s, faster than loopback"}}},
	{"bandwidth negative", withLoad("  requests:\n    - {name: a, download_bandwidth: -1MB/s}\n"), []want{{10, "load.requests[0].download_bandwidth", "want a rate"}}},
	{"bandwidth without unit word", withLoad("  requests:\n    - {name: a, download_bandwidth: fast}\n"), []want{{10, "load.requests[0].download_bandwidth", `want a rate such as "1MB/s", got "fast"`}}},
	{"upload without body", withLoad("  requests:\n    - {name: a, upload_bandwidth: 64KiB/s}\n"), []want{{10, "load.requests[0].upload_bandwidth", "needs a body to send slowly"}}},
	{"slow_share 0", withLoad("  requests:\n    - {name: a, download_bandwidth: 64KiB/s, slow_share: 0}\n"), []want{{10, "load.requests[0].slow_share", "must be > 0 and at most 1, got 0"}}},
	{"slow_share above 1", withLoad("  requests:\n    - {name: a, download_bandwidth: 64KiB/s, slow_share: 1.5}\n"), []want{{10, "load.requests[0].slow_share", "got 1.5"}}},
	{"slow_share without bandwidth", withLoad("  requests:\n    - {name: a, slow_share: 0.5}\n"), []want{{10, "load.requests[0].slow_share", "set download_bandwidth or upload_bandwidth too"}}},
	{"keepalive not a bool", withLoad("  requests:\n    - {name: a, keepalive: maybe}\n"), []want{{10, "load.requests[0].keepalive", `want true or false, got "maybe"`}}},
	{"request bandwidth 0", withLoad("  request: {download_bandwidth: 0}\n"), []want{{9, "load.request.download_bandwidth", "must be > 0"}}},
	{"request slow_share", withLoad("  request: {download_bandwidth: 1MiB/s, slow_share: 2}\n"), []want{{9, "load.request.slow_share", "must be > 0 and at most 1"}}},
	{"requests not a list", withLoad("  requests: {name: a}\n"), []want{{9, "load.requests", "want a list"}}},
	{"targets_file empty", withLoad("  targets_file: \"\"\n"), []want{{9, "load.targets_file", `want a file name, got ""`}}},
	{"p95 of an unknown kind", withTargets("  - name: a\n    builtin: b\n    expect: {max_p95: {kind: expor, value: 10s}}\n") + mix,
		[]want{{5, "targets[0].expect.max_p95.kind", `unknown kind "expor": want export, upload`}}},
	{"p95 of an unknown kind in a list", withTargets("  - name: a\n    builtin: b\n    expect:\n      max_p95:\n        - 5s\n        - {kind: nope, value: 10s}\n") + mix,
		[]want{{8, "targets[0].expect.max_p95[1].kind", `unknown kind "nope"`}}},
	{"p95 kind of a single request", withTargets("  - name: a\n    builtin: b\n    expect: {max_p95: {kind: export, value: 10s}}\n"),
		[]want{{5, "targets[0].expect.max_p95.kind", `unknown kind "export": want default`}}},
	{"p95 kind with an unknown window", withTargets("  - name: a\n    builtin: b\n    expect: {max_p95: {kind: export, window: stage 9, value: 10s}}\n") + mix,
		[]want{{5, "targets[0].expect.max_p95.stage 9", `unknown window "stage 9"`}}},
	{"p95 bound without value", withTargets("  - name: a\n    builtin: b\n    expect: {max_p95: [{kind: export}]}\n") + mix,
		[]want{{5, "targets[0].expect.max_p95", "item 1: a bound needs its value"}}},
	{"p95 bound with an unknown key", withTargets("  - name: a\n    builtin: b\n    expect: {max_p95: {kind: export, value: 1s, stage: 2}}\n") + mix,
		[]want{{5, "targets[0].expect.max_p95", `unknown key "stage" in a bound`}}},
	{"p95 kind twice", withTargets("  - name: a\n    builtin: b\n    expect: {max_p95: [{kind: export, value: 1s}, {kind: export, value: 2s}]}\n") + mix,
		[]want{{5, "targets[0].expect.max_p95", `kind "export" given twice`}}},
	{"p95 kind a bad value", withTargets("  - name: a\n    builtin: b\n    expect: {max_p95: {kind: export, value: soon}}\n") + mix,
		[]want{{5, "targets[0].expect.max_p95", `value: want a duration`}}},
	{"slope of a kind", withTargets("  - name: a\n    builtin: b\n    expect: {max_slope: {kind: export, value: 1MiB/s}}\n") + mix,
		[]want{{5, "targets[0].expect.max_slope.kind", "max_slope takes no kind"}}},
}

func TestKindErrors(t *testing.T) {
	for _, tt := range kindErrorTests {
		t.Run(tt.name, func(t *testing.T) { checkErrors(t, tt.in, tt.want) })
	}
}

// checkErrors parses in as s.yaml and checks its problems, in order.
func checkErrors(t *testing.T, in string, wants []want) {
	t.Helper()
	s, err := Parse("s.yaml", strings.NewReader(in))
	if err == nil {
		t.Fatalf("Parse(%q) = %+v, nil; want errors %v", in, s, wants)
	}
	got := unjoin(err)
	if len(got) != len(wants) {
		t.Fatalf("Parse(%q) gave %d errors:\n%v\nwant %d: %v", in, len(got), err, len(wants), wants)
	}
	for i, w := range wants {
		g := got[i]
		if g.File != "s.yaml" || g.Line != w.line || g.Field != w.field || !strings.Contains(g.Msg, w.msg) || !IsInvalid(g) {
			t.Errorf("Parse error %d = %s (line %d, field %q); want line %d, field %q, msg containing %q",
				i, g, g.Line, g.Field, w.line, w.field, w.msg)
		}
	}
}

func TestKinds(t *testing.T) {
	no, yes := false, true
	tests := []struct {
		name string
		in   string
		want []RequestKind
	}{
		{"no request", minimal, []RequestKind{{Name: DefaultKind, Weight: 1, Method: "GET", Path: "/", Timeout: DefaultTimeout, SlowShare: 1, KeepAlive: &yes}}},
		{"one request with a slow link", withLoad("  request: {path: /e, download_bandwidth: 64KiB/s, slow_share: 0.25, keepalive: false}\n"),
			[]RequestKind{{Name: DefaultKind, Weight: 1, Method: "GET", Path: "/e", Timeout: DefaultTimeout,
				DownloadBandwidth: 64 << 10, SlowShare: 0.25, KeepAlive: &no}}},
		{"a mix", withLoad(mix), []RequestKind{
			{Name: "export", Weight: 3, Method: "GET", Path: "/export", Timeout: DefaultTimeout, DownloadBandwidth: 64 << 10, SlowShare: 0.5, KeepAlive: &yes},
			{Name: "upload", Weight: 1, Method: "POST", Path: "/", Timeout: DefaultTimeout, Body: Body{Size: 1 << 20, Kind: "random"},
				UploadBandwidth: 1e6, SlowShare: 1, KeepAlive: &no},
		}},
		{"fractional weights and headers", withLoad("  requests:\n    - {name: a, weight: 0.25, headers: {Accept: text/csv}, timeout: 2m}\n    - {name: b-2, method: DELETE, path: \"/x?y=1\"}\n"), []RequestKind{
			{Name: "a", Weight: 0.25, Method: "GET", Path: "/", Headers: map[string]string{"Accept": "text/csv"}, Timeout: Duration(2 * time.Minute), SlowShare: 1, KeepAlive: &yes},
			{Name: "b-2", Weight: 1, Method: "DELETE", Path: "/x?y=1", Timeout: DefaultTimeout, SlowShare: 1, KeepAlive: &yes},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("s.yaml", strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got := s.Load.Kinds()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Kinds() =\n%+v\nwant\n%+v", got, tt.want)
			}
			// A copy: changing it leaves the scenario as it was.
			for i := range got {
				got[i].Weight = 99
				for k := range got[i].Headers {
					got[i].Headers[k] = "changed"
				}
			}
			if again := s.Load.Kinds(); !reflect.DeepEqual(again, tt.want) {
				t.Errorf("Kinds() after changing its result = %+v; want %+v", again, tt.want)
			}
			roundTrip(t, s)
		})
	}
}

// TestKindsMixDefaults checks what Parse fills in each kind of a mix.
func TestKindsMixDefaults(t *testing.T) {
	s, err := Parse("s.yaml", strings.NewReader(withLoad(mix)))
	if err != nil {
		t.Fatal(err)
	}
	k := s.Load.Requests
	if k[0].KeepAlive != nil || !k[0].KeepsAlive() || k[1].KeepsAlive() {
		t.Errorf("KeepAlive = %v, %v; want nil (keeps alive) and false", k[0].KeepAlive, *k[1].KeepAlive)
	}
	if k[1].Weight != 1 || k[1].SlowShare != 1 || k[1].Method != "POST" {
		t.Errorf("requests[1] = %+v; want weight 1, slow share 1, POST", k[1])
	}
}

func TestP95ByKind(t *testing.T) {
	tests := []struct {
		name, in string
		want     Windowed[Duration]
	}{
		{"one kind", "{kind: export, value: 10s}", Windowed[Duration]{{Kind: "export", Max: Duration(10 * time.Second)}}},
		{"kind in a window", `{kind: export, window: "stage 1", value: 10s}`, Windowed[Duration]{{Kind: "export", Window: "stage 1", Max: Duration(10 * time.Second)}}},
		{"a list, sorted by kind then window", `[{kind: upload, value: 3s}, 2s, {window: "stage 1", value: 1s}, {kind: export, value: 10s}]`, Windowed[Duration]{
			{Max: Duration(2 * time.Second)}, {Window: "stage 1", Max: Duration(time.Second)},
			{Kind: "export", Max: Duration(10 * time.Second)}, {Kind: "upload", Max: Duration(3 * time.Second)}}},
		{"old forms still", `{"stage 1": 4s}`, Windowed[Duration]{{Window: "stage 1", Max: Duration(4 * time.Second)}}},
		{"old scalar still", `4s`, Windowed[Duration]{{Max: Duration(4 * time.Second)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := withTargets("  - name: a\n    builtin: b\n    expect: {max_p95: "+tt.in+"}\n") + mix
			s, err := Parse("s.yaml", strings.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Targets[0].Expect.MaxP95; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("max_p95: %s = %+v; want %+v", tt.in, got, tt.want)
			}
			roundTrip(t, s)
		})
	}
}
