package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Service is something the targets need that oomlab brings up before them
// and takes down after them, or only checks: exactly one of Builtin
// (a service oomlab knows how to run: "postgres", a throwaway database in
// a temporary directory), Command (any program; ${PORT} in its words and
// PORT in its environment are a free loopback port) and Address (an
// address that must already accept TCP connections).
type Service struct {
	// Name is unique among the services; downstream.proxy.service names one.
	Name string `yaml:"name" json:"name"`
	// Builtin names a service oomlab runs itself (ServicePostgres).
	Builtin ServiceKind `yaml:"builtin,omitempty" json:"builtin,omitempty"`
	// Command is an argv run without a shell, in its own process group.
	Command Command `yaml:"command,omitempty" json:"command,omitempty"`
	// Address is host:port of a service that is already running.
	Address string `yaml:"address,omitempty" json:"address,omitempty"`
	// Env is added to a command's environment.
	Env map[string]string `yaml:"env,omitempty" json:"env,omitempty"`
	// ReadyTimeout bounds the wait until it accepts connections (default
	// 2m: initdb takes a few seconds, and over a minute on a machine
	// loaded with other work).
	ReadyTimeout Duration `yaml:"ready_timeout,omitempty" json:"ready_timeout"`
}

// ServiceKind names a builtin service.
type ServiceKind string

// Builtin services.
const (
	// ServicePostgres is a throwaway PostgreSQL: initdb and postgres -k in
	// a temporary directory, listening on a free loopback port, owned by an
	// unprivileged user when oomlab runs as root; a database "oomlab" owned
	// by the role "oomlab", trusted on loopback.
	ServicePostgres ServiceKind = "postgres"
)

// serviceKinds lists the builtin services.
var serviceKinds = []string{string(ServicePostgres)}

// DefaultServiceReadyTimeout is a service's ready_timeout.
const DefaultServiceReadyTimeout = Duration(2 * time.Minute)

// maxServices bounds the services of one scenario.
const maxServices = 8

// Proxy puts oomlab's TCP fault proxy in front of a real service: the
// targets are given its address (${DOWNSTREAM_ADDR}) and the phases slow
// it. Exactly one of Upstream and Service is set.
type Proxy struct {
	// Upstream is host:port of the service behind the proxy.
	Upstream string `yaml:"upstream,omitempty" json:"upstream,omitempty"`
	// Service names an entry of services: the proxy forwards to its address.
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
}

// Enabled reports whether the scenario asked for the proxy.
func (p Proxy) Enabled() bool { return p.Upstream != "" || p.Service != "" }

func (c *checker) services(ss []Service) {
	if len(ss) > maxServices {
		c.errf("services", "at most %d services, got %d", maxServices, len(ss))
		return
	}
	first := map[string]int{}
	for i := range ss {
		path := fmt.Sprintf("services[%d]", i)
		c.serviceEntry(path, &ss[i])
		if j, dup := first[ss[i].Name]; dup && ss[i].Name != "" {
			c.errf(path+".name", "duplicate service name %q (also services[%d])", ss[i].Name, j)
		} else {
			first[ss[i].Name] = i
		}
	}
}

func (c *checker) serviceEntry(path string, s *Service) {
	if c.required(path + ".name") {
		c.name(path+".name", s.Name)
	}
	n := 0
	for _, k := range []string{"builtin", "command", "address"} {
		if c.given[path+"."+k] {
			n++
		}
	}
	switch {
	case n == 0:
		c.errf(path, "needs builtin (%s), command (a program oomlab starts) or address (host:port it only checks)", strings.Join(serviceKinds, ", "))
	case n > 1:
		c.errf(path, "set one of builtin, command and address")
	case c.given[path+".builtin"]:
		c.oneOf(path+".builtin", string(s.Builtin), serviceKinds)
	case c.given[path+".command"] && (len(s.Command) == 0 || s.Command[0] == ""):
		c.errf(path+".command", "empty command")
	case c.given[path+".address"]:
		if err := hostPort(s.Address); err != nil {
			c.errf(path+".address", "%v", err)
		}
	}
	if c.given[path+".env"] && !c.given[path+".command"] {
		c.errf(path+".env", "applies to a command")
	}
	for k := range s.Env {
		if !envNameOK(k) {
			c.errf(path+".env."+k, "want a variable name of letters, digits and '_', not starting with a digit")
		}
	}
	c.positive(path+".ready_timeout", s.ReadyTimeout == 0, DefaultServiceReadyTimeout)
}

// hostPort checks a host:port address with a numeric port.
func hostPort(addr string) error {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return fmt.Errorf("want host:port, got %q", addr)
	}
	host, port := strings.TrimSuffix(strings.TrimPrefix(addr[:i], "["), "]"), addr[i+1:]
	if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 || host == "" {
		return fmt.Errorf("want host:port with a port 1-65535, got %q", addr)
	}
	return nil
}

// proxy checks downstream.proxy and the phase fields that only one kind
// of downstream understands.
func (c *checker) proxy(s *Scenario) {
	const path = "downstream.proxy"
	p := s.Downstream.Proxy
	on := c.given[path]
	switch up, svc := c.given[path+".upstream"], c.given[path+".service"]; {
	case on && up && svc:
		c.errf(path+".service", "set upstream (host:port) or service (a name from services), not both")
	case on && !up && !svc:
		c.errf(path, "needs upstream (host:port) or service (a name from services)")
	case up:
		if err := hostPort(p.Upstream); err != nil {
			c.errf(path+".upstream", "%v", err)
		}
	case svc:
		if !slices.ContainsFunc(s.Services, func(x Service) bool { return x.Name == p.Service }) {
			c.errf(path+".service", "no service named %q in services", p.Service)
		}
	}
	for i, ph := range s.Downstream.Phases {
		pp := fmt.Sprintf("downstream.phases[%d]", i)
		if on {
			if ph.ErrorRate != 0 {
				c.errf(pp+".error_rate", "the proxy speaks no protocol and cannot answer an error: use reset_rate")
			}
			c.ratio(pp+".reset_rate", ph.ResetRate)
			continue
		}
		if c.given[pp+".write_bandwidth"] {
			c.errf(pp+".write_bandwidth", "applies to downstream.proxy only")
		}
		if c.given[pp+".reset_rate"] {
			c.errf(pp+".reset_rate", "applies to downstream.proxy only (the mock downstream has error_rate)")
		}
	}
	for i, t := range s.Targets {
		for k, v := range t.Env {
			if !on && strings.Contains(v, "${DOWNSTREAM_ADDR}") {
				c.errf(fmt.Sprintf("targets[%d].env.%s", i, k), "${DOWNSTREAM_ADDR} is the proxy's address: set downstream.proxy")
			}
		}
	}
}
