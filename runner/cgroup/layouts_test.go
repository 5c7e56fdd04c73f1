package cgroup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// hybridV1Group is this machine's own v1 memory cgroup, as recorded in
// testdata/layouts/hybrid-v1.
const hybridV1Group = "/sys/fs/cgroup/memory/process_api/7b3c16f58a35f45554944dcb233b2b2c"

// TestLayouts runs Detect, New, Add and Remove on the recorded layouts
// (testdata/layouts, see its README) with the fake kernel, and checks the
// placement chosen, the refusals before it, every write (refused ones
// included), the files the new group gets, and what cleanup leaves; then
// checks that Explain, which writes nothing, predicts the same.
func TestLayouts(t *testing.T) {
	tests := []struct {
		layout      string
		scopeSlice  string // where the fake systemd puts scopes
		wantMode    string
		wantPlace   Placement
		wantParent  string   // as on the machine; "" under PlaceScope
		wantRefused []string // "<placement>: ... <substring of why>", in order
		wantWrites  []string // during Detect, refused ones included
		wantGroup   string   // the group's directory, as on the machine
		wantFiles   map[string]string
		wantScope   []string // systemd-run's argv, when a scope is made
		wantKilled  []int    // by Remove
		wantLeft    []string // what the placement leaves on purpose
		// A second Detect, as a second harness in the same process or
		// container makes, after the first has placed itself.
		wantAgain       Placement
		wantAgainParent string
	}{
		{
			layout: "gha-sudo", wantMode: ModeV2, wantPlace: PlaceSlice, wantParent: "/sys/fs/cgroup/oomlab.slice",
			wantRefused: []string{"own-cgroup: cgroup v2 at /sys/fs/cgroup/system.slice/hosted-compute-agent.service: cannot enable memory for child groups: device or resource busy (the cgroup holds 6 processes"},
			wantWrites: []string{
				"/sys/fs/cgroup/system.slice/hosted-compute-agent.service/cgroup.subtree_control <- +memory",
				"/sys/fs/cgroup/oomlab.slice/cgroup.subtree_control <- +memory",
			},
			wantGroup:  "/sys/fs/cgroup/oomlab.slice/oomlab-2740-naive",
			wantFiles:  map[string]string{"memory.max": "67108864", "memory.swap.max": "0", "memory.oom.group": "1", "cgroup.procs": "9001\n"},
			wantKilled: []int{9001}, wantLeft: []string{"/sys/fs/cgroup/oomlab.slice"},
			wantAgain: PlaceSlice, wantAgainParent: "/sys/fs/cgroup/oomlab.slice",
		},
		{
			layout: "gha-user", wantMode: ModeNone, wantPlace: PlaceNone,
			wantRefused: []string{
				"own-cgroup: cgroup v2: /sys/fs/cgroup/system.slice/hosted-compute-agent.service not writable (not root): permission denied",
				"oomlab.slice: not root (euid 1001)",
				"namespace-leaf: not in a cgroup namespace",
				"systemd-scope: not root, and no systemd user manager runs for uid 1001",
				"cgroup-v1: cgroup v1: no memory hierarchy mounted",
			},
		},
		{
			layout: "docker-privileged", wantMode: ModeV2, wantPlace: PlaceLeaf, wantParent: "/sys/fs/cgroup",
			wantRefused: []string{
				"own-cgroup: cgroup v2 at /sys/fs/cgroup: cannot enable memory for child groups: device or resource busy (the cgroup holds 1 process",
				"oomlab.slice: /sys/fs/cgroup is a cgroup namespace's root (it has cgroup.type), not the host's",
			},
			wantWrites: []string{
				"/sys/fs/cgroup/cgroup.subtree_control <- +memory",
				"/sys/fs/cgroup/oomlab.harness/cgroup.procs <- 1",
				"/sys/fs/cgroup/cgroup.subtree_control <- +memory",
			},
			wantGroup:  "/sys/fs/cgroup/oomlab-1-naive",
			wantFiles:  map[string]string{"memory.max": "67108864", "memory.swap.max": "0", "memory.oom.group": "1", "cgroup.procs": "9001\n"},
			wantKilled: []int{9001}, wantLeft: []string{"/sys/fs/cgroup/oomlab.harness"},
			wantAgain: PlaceOwn, wantAgainParent: "/sys/fs/cgroup",
		},
		{
			layout: "docker-default", wantMode: ModeNone, wantPlace: PlaceNone,
			wantRefused: []string{
				"own-cgroup: cgroup v2: /sys/fs/cgroup not writable: read-only file system",
				"oomlab.slice: /sys/fs/cgroup is a cgroup namespace's root",
				"namespace-leaf: /sys/fs/cgroup not writable: read-only file system (Docker mounts a private cgroup namespace read-only unless the container is --privileged)",
				"systemd-scope: systemd is not PID 1 here",
				"cgroup-v1: cgroup v1: no memory hierarchy mounted",
			},
		},
		{
			layout: "docker-init", wantMode: ModeNone, wantPlace: PlaceNone,
			wantRefused: []string{
				"own-cgroup: cgroup v2 at /sys/fs/cgroup: cannot enable memory for child groups: device or resource busy (the cgroup holds 2 processes",
				"oomlab.slice: /sys/fs/cgroup is a cgroup namespace's root",
				"namespace-leaf: /sys/fs/cgroup also holds processes that are not oomlab's: 1 (docker-init)",
				"systemd-scope: systemd is not PID 1 here",
				"cgroup-v1: cgroup v1: no memory hierarchy mounted",
			},
			wantWrites: []string{"/sys/fs/cgroup/cgroup.subtree_control <- +memory"},
		},
		{
			layout: "desktop", scopeSlice: "user.slice/user-1000.slice/user@1000.service/app.slice",
			wantMode: ModeV2, wantPlace: PlaceScope,
			wantRefused: []string{
				"own-cgroup: cgroup v2 at /sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-8d5c6f5e-3b0c-4c8e-9d0e-2f1a7c3b9e41.scope: cannot enable memory for child groups: device or resource busy (the cgroup holds 2 processes",
				"oomlab.slice: not root (euid 1000)",
				"namespace-leaf: not in a cgroup namespace",
			},
			wantWrites: []string{"/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-8d5c6f5e-3b0c-4c8e-9d0e-2f1a7c3b9e41.scope/cgroup.subtree_control <- +memory"},
			wantGroup:  "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/oomlab-48213-naive.scope",
			wantFiles:  map[string]string{"memory.max": "67108864", "memory.swap.max": "0", "memory.oom.group": "1", "cgroup.procs": "7777\n9001\n"},
			wantScope: []string{"/usr/bin/systemd-run", "--user", "--scope", "--quiet", "--collect", "--unit=oomlab-48213-naive.scope",
				"--description=oomlab target oomlab-48213-naive", "-p", "MemoryMax=67108864", "--", "/usr/bin/sleep", "infinity"},
			wantKilled: []int{7777, 9001},
		},
		{
			layout: "hybrid-v1", wantMode: ModeV1, wantPlace: PlaceV1, wantParent: hybridV1Group,
			wantRefused: []string{`cgroup-v2: cgroup v2 at /sys/fs/cgroup/unified: no memory controller (cgroup.controllers: "hugetlb"): the memory controller is bound to cgroup v1 here`},
			wantGroup:   hybridV1Group + "/oomlab-" + hybridPid(t) + "-naive",
			wantFiles:   map[string]string{"memory.limit_in_bytes": "67108864", "memory.swappiness": "0", "cgroup.procs": "9001\n"},
			wantKilled:  []int{9001},
		},
		{
			layout: "v2-init", wantMode: ModeV2, wantPlace: PlaceOwn, wantParent: "/sys/fs/cgroup",
			wantGroup:  "/sys/fs/cgroup/oomlab-312-naive",
			wantFiles:  map[string]string{"memory.max": "67108864", "memory.swap.max": "0", "memory.oom.group": "1", "cgroup.procs": "9001\n"},
			wantKilled: []int{9001},
		},
	}
	for _, tt := range tests {
		t.Run(tt.layout, func(t *testing.T) {
			k := newFake(t, filepath.Join("layouts", tt.layout), "")
			k.recorded, k.scopeSlice = true, tt.scopeSlice
			explained, err := Explain(filepath.Join("testdata", "layouts", tt.layout))
			if err != nil {
				t.Fatalf("Explain() = %v", err)
			}
			m := k.detect(t)
			if m.Mode() != tt.wantMode || m.Placement() != tt.wantPlace || m.show(m.Parent()) != tt.wantParent && tt.wantParent != "" {
				t.Fatalf("Detect() = %s via %s at %q; want %s via %s at %q\nnote: %s", m.Mode(), m.Placement(), m.show(m.Parent()),
					tt.wantMode, tt.wantPlace, tt.wantParent, m.Note())
			}
			var refused []Attempt
			for _, a := range m.Attempts() {
				if !a.Used {
					refused = append(refused, a)
				}
			}
			if len(refused) != len(tt.wantRefused) {
				t.Errorf("Detect() refused %d placements; want %d\nnote: %s", len(refused), len(tt.wantRefused), m.Note())
			}
			for i, a := range refused[:min(len(refused), len(tt.wantRefused))] {
				if got := string(a.Placement) + ": " + a.Detail; !strings.Contains(got, tt.wantRefused[i]) {
					t.Errorf("refusal #%d = %q; want it to contain %q", i, got, tt.wantRefused[i])
				}
			}
			if !slices.Equal(k.writes, tt.wantWrites) {
				t.Errorf("Detect() wrote %q; want %q", k.writes, tt.wantWrites)
			}
			checkExplained(t, explained, m)
			if tt.wantMode == ModeNone {
				if note := m.Note(); !strings.HasPrefix(note, "no memory cgroup (") {
					t.Errorf("Note() = %q; want it to start \"no memory cgroup (\"", note)
				}
				return
			}
			if !strings.Contains(m.Note(), string(tt.wantPlace)) {
				t.Errorf("Note() = %q; want it to name %s", m.Note(), tt.wantPlace)
			}
			g, err := m.New("naive", 64<<20)
			if err != nil {
				t.Fatalf("New() = %v", err)
			}
			if err := g.Add(9001); err != nil {
				t.Fatalf("Add(9001) = %v", err)
			}
			if got := m.show(g.Path()); got != tt.wantGroup {
				t.Errorf("New() made %s; want %s", got, tt.wantGroup)
			}
			for file, want := range tt.wantFiles {
				if got := readFile(t, filepath.Join(g.Path(), file)); got != want {
					t.Errorf("%s/%s = %q; want %q", tt.wantGroup, file, got, want)
				}
			}
			if tt.wantScope != nil && (len(k.scopes) != 1 || !slices.Equal(k.scopes[0], tt.wantScope)) {
				t.Errorf("systemd-run argv = %q; want %q", k.scopes, tt.wantScope)
			}
			if err := g.Remove(context.Background()); err != nil {
				t.Fatalf("Remove() = %v", err)
			}
			if _, err := os.Stat(g.Path()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("after Remove, stat(%s) = %v; want not exist", tt.wantGroup, err)
			}
			if got := k.killedPids(); !slices.Equal(got, tt.wantKilled) {
				t.Errorf("Remove() killed %v; want %v", got, tt.wantKilled)
			}
			for _, p := range tt.wantLeft {
				if _, err := os.Stat(filepath.Join(k.root, p)); err != nil {
					t.Errorf("after Remove, %s: %v; want it left in place", p, err)
				}
			}
			if tt.wantAgain != "" {
				again := k.detect(t)
				if again.Placement() != tt.wantAgain || again.show(again.Parent()) != tt.wantAgainParent {
					t.Errorf("second Detect() = %s at %s; want %s at %s\nnote: %s", again.Placement(), again.show(again.Parent()),
						tt.wantAgain, tt.wantAgainParent, again.Note())
				}
				g, err := again.New("naive", 64<<20)
				if err != nil {
					t.Fatalf("second New() = %v", err)
				}
				if err := g.Remove(context.Background()); err != nil {
					t.Errorf("second Remove() = %v", err)
				}
			}
		})
	}
}

// checkExplained compares Explain's decision with Detect's: the same
// placements tried, the same refusals word for word, the same one used.
func checkExplained(t *testing.T, explained, detected *Manager) {
	t.Helper()
	e, d := explained.Attempts(), detected.Attempts()
	if len(e) != len(d) {
		t.Fatalf("Explain() tried %d placements, Detect() %d\nexplained: %s\ndetected: %s", len(e), len(d), explained.Note(), detected.Note())
	}
	for i := range e {
		if e[i].Placement != d[i].Placement || e[i].Used != d[i].Used || !e[i].Used && e[i].Detail != d[i].Detail {
			t.Errorf("attempt #%d: Explain() %+v; Detect() %+v", i, e[i], d[i])
		}
	}
	if explained.Mode() != detected.Mode() || explained.show(explained.Parent()) != detected.show(detected.Parent()) {
		t.Errorf("Explain() = %s at %s; Detect() = %s at %s", explained.Mode(), explained.Parent(), detected.Mode(), detected.Parent())
	}
}

// hybridPid is the pid recorded in the hybrid-v1 layout.
func hybridPid(t *testing.T) string {
	b, err := os.ReadFile("testdata/layouts/hybrid-v1/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Pid:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatal("no Pid: in the hybrid-v1 status")
	return ""
}

// TestKernelRefusals checks the refusals the kernel gives that no
// recorded layout shows: EOPNOTSUPP for memory in a threaded subtree
// (Detect and Explain alike), ENOENT for a controller the parent does
// not hand down.
func TestKernelRefusals(t *testing.T) {
	tests := []struct {
		name  string
		file  string // under the layout's sys/fs/cgroup
		value string
		want  []string
	}{
		{name: "threaded", file: "cgroup.type", value: "domain threaded\n", want: []string{
			"own-cgroup: cgroup v2 at /sys/fs/cgroup: cannot enable memory for child groups: operation not supported",
			"namespace-leaf: cannot enable memory at /sys/fs/cgroup after moving the harness out: operation not supported"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFake(t, "layouts/docker-privileged", "")
			k.recorded = true
			if err := os.WriteFile(filepath.Join(k.root, "sys/fs/cgroup", tt.file), []byte(tt.value), 0o644); err != nil {
				t.Fatal(err)
			}
			explained, err := Explain(k.root)
			if err != nil {
				t.Fatal(err)
			}
			m := k.detect(t)
			if m.Mode() != ModeNone {
				t.Errorf("Detect() = %s via %s; want none", m.Mode(), m.Placement())
			}
			for _, w := range tt.want {
				if got := m.Note(); !strings.Contains(got, strings.Replace(w, ": ", " refused: ", 1)) {
					t.Errorf("Note() = %q; want it to contain %q", got, w)
				}
			}
			checkExplained(t, explained, m)
		})
	}
	t.Run("controller not handed down", func(t *testing.T) {
		k := newFake(t, "layouts/docker-privileged", "")
		dir := filepath.Join(k.root, "sys/fs/cgroup")
		if err := k.subtreeControl(dir, "+rdma +nonesuch"); !errors.Is(err, syscall.ENOENT) {
			t.Errorf("writing +nonesuch to cgroup.subtree_control = %v; want ENOENT", err)
		}
	})
}
