package scenarios

import (
	"strings"
	"testing"
)

// TestServicesAndProxyErrors: each problem with services or the proxy is
// reported at its file, line and field.
func TestServicesAndProxyErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"service without kind", minimal + "services:\n  - name: db\n", []want{{10, "services[0]", "needs builtin"}}},
		{"service two kinds", minimal + "services:\n  - name: db\n    builtin: postgres\n    address: 127.0.0.1:5432\n", []want{{10, "services[0]", "set one of"}}},
		{"unknown builtin service", minimal + "services:\n  - name: db\n    builtin: mysql\n", []want{{11, "services[0].builtin", `unknown name "mysql"`}}},
		{"bad address", minimal + "services:\n  - name: db\n    address: localhost\n", []want{{11, "services[0].address", "want host:port"}}},
		{"bad port", minimal + "services:\n  - name: db\n    address: 127.0.0.1:99999\n", []want{{11, "services[0].address", "port 1-65535"}}},
		{"duplicate service", minimal + "services:\n  - {name: db, address: 127.0.0.1:1}\n  - {name: db, address: 127.0.0.1:2}\n", []want{{11, "services[1].name", "duplicate service name"}}},
		{"env without command", minimal + "services:\n  - name: db\n    builtin: postgres\n    env: {A: b}\n", []want{{12, "services[0].env", "applies to a command"}}},
		{"proxy without upstream", minimal + "downstream:\n  proxy: {}\n", []want{{10, "downstream.proxy", "needs upstream"}}},
		{"proxy both", minimal + "downstream:\n  proxy: {upstream: 127.0.0.1:1, service: db}\n", []want{{10, "downstream.proxy.service", "not both"}}},
		{"proxy unknown service", minimal + "downstream:\n  proxy:\n    service: db\n", []want{{11, "downstream.proxy.service", `no service named "db"`}}},
		{"proxy bad upstream", minimal + "downstream:\n  proxy:\n    upstream: db\n", []want{{11, "downstream.proxy.upstream", "want host:port"}}},
		{"proxy error rate", minimal + "downstream:\n  proxy: {upstream: 127.0.0.1:5432}\n  phases:\n    - at: 0s\n      error_rate: 0.5\n", []want{{13, "downstream.phases[0].error_rate", "use reset_rate"}}},
		{"proxy reset rate", minimal + "downstream:\n  proxy: {upstream: 127.0.0.1:5432}\n  phases:\n    - at: 0s\n      reset_rate: 2\n", []want{{13, "downstream.phases[0].reset_rate", "between 0 and 1"}}},
		{"mock write bandwidth", minimal + "downstream:\n  phases:\n    - at: 0s\n      write_bandwidth: 1MB/s\n", []want{{12, "downstream.phases[0].write_bandwidth", "downstream.proxy only"}}},
		{"mock reset rate", minimal + "downstream:\n  phases:\n    - at: 0s\n      reset_rate: 0.1\n", []want{{12, "downstream.phases[0].reset_rate", "downstream.proxy only"}}},
		{"addr without proxy", withTargets("  - name: a\n    builtin: x\n    env: {DATABASE_URL: \"postgres://${DOWNSTREAM_ADDR}/x\"}\n"), []want{{5, "targets[0].env.DATABASE_URL", "set downstream.proxy"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("s.yaml", strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Parse = %+v; want errors %v", s, tt.want)
			}
			got := unjoin(err)
			if len(got) != len(tt.want) {
				t.Fatalf("Parse gave %d errors:\n%v\nwant %d: %v", len(got), err, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.File != "s.yaml" || g.Line != w.line || g.Field != w.field || !strings.Contains(g.Msg, w.msg) {
					t.Errorf("Parse error %d = %s (line %d, field %q); want line %d, field %q, msg containing %q", i, g, g.Line, g.Field, w.line, w.field, w.msg)
				}
			}
		})
	}
}

// TestProxyScenario: a valid proxy scenario parses with its defaults.
func TestProxyScenario(t *testing.T) {
	in := minimal + `services:
  - name: db
    builtin: postgres
  - name: cache
    command: "redis-server --port ${PORT}"
    env: {A: b}
downstream:
  proxy: {service: db}
  phases:
    - {at: 0s, duration: 5s, latency: 10ms, read_bandwidth: 1MB/s, write_bandwidth: 2MB/s, capacity: 8, reset_rate: 0.1}
    - {at: 5s, stall: true}
`
	s, err := Parse("s.yaml", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Downstream.Proxy.Enabled() || s.Downstream.Proxy.Service != "db" {
		t.Errorf("Proxy = %+v; want service db", s.Downstream.Proxy)
	}
	if len(s.Services) != 2 || s.Services[0].Builtin != ServicePostgres || s.Services[1].ReadyTimeout != DefaultServiceReadyTimeout ||
		strings.Join(s.Services[1].Command, " ") != "redis-server --port ${PORT}" {
		t.Errorf("Services = %+v; want postgres and a command, ready_timeout defaulted", s.Services)
	}
	ph := s.Downstream.Phases[0]
	if ph.WriteBandwidth != 2e6 || ph.ResetRate != 0.1 || ph.Capacity != 8 {
		t.Errorf("phase = %+v; want write_bandwidth 2MB/s, reset_rate 0.1, capacity 8", ph)
	}
}
