package runner

import (
	"strings"
	"testing"
)

// TestHooksFromEnv: the end-to-end tests' variable becomes the same hooks
// this package's tests set; anything else injects nothing.
func TestHooksFromEnv(t *testing.T) {
	tests := []struct {
		env        string
		wantAt     int
		wantInLoad bool
		wantNil    bool
	}{
		{env: "15", wantAt: 15},
		{env: "load:4", wantAt: 4, wantInLoad: true},
		{env: "", wantNil: true},
		{env: "0", wantNil: true},
		{env: "-3", wantNil: true},
		{env: "soon", wantNil: true},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv(TestPanicEnv, tt.env)
			k := hooksFromEnv()
			if tt.wantNil {
				if k != nil {
					t.Errorf("hooksFromEnv() with %q = %+v; want nil", tt.env, k)
				}
				return
			}
			if k == nil || k.panicAt != tt.wantAt || k.panicInLoad != tt.wantInLoad {
				t.Fatalf("hooksFromEnv() with %q = %+v; want panicAt %d, panicInLoad %v", tt.env, k, tt.wantAt, tt.wantInLoad)
			}
		})
	}
}

// TestHooksPanicAt: the panic comes at the Nth sample, not before, and
// only where it was asked (samples or load windows); nil hooks do nothing.
func TestHooksPanicAt(t *testing.T) {
	panics := func(f func()) (msg string) {
		defer func() {
			if v := recover(); v != nil {
				msg, _ = v.(string)
			}
		}()
		f()
		return ""
	}
	k := &hooks{panicAt: 3}
	for i := 1; i <= 2; i++ {
		if msg := panics(k.sample); msg != "" {
			t.Fatalf("sample %d panicked (%s); want the 3rd only", i, msg)
		}
	}
	if msg := panics(k.sample); !strings.HasPrefix(msg, "test hook "+TestPanicEnv+"=3") {
		t.Errorf("3rd sample: panic %q; want the test hook's", msg)
	}
	inLoad := &hooks{panicAt: 1, panicInLoad: true}
	if msg := panics(inLoad.sample); msg != "" || !inLoad.inLoad() {
		t.Errorf("samples with panicInLoad: panic %q, inLoad %v; want none, true", msg, inLoad.inLoad())
	}
	if msg := panics(inLoad.window); msg == "" {
		t.Error("1st load window: no panic; want the test hook's")
	}
	var none *hooks
	if msg := panics(none.sample); msg != "" || none.inLoad() {
		t.Errorf("nil hooks: panic %q, inLoad %v; want nothing", msg, none.inLoad())
	}
	if port, err := none.port("127.0.0.1"); err != nil || port <= 0 {
		t.Errorf("nil hooks: port() = %d, %v; want a free port", port, err)
	}
}
