package load

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

func TestNormalizeError(t *testing.T) {
	tests := []struct {
		msg, want string
	}{
		{`Post "http://127.0.0.1:8080/up": read tcp 127.0.0.1:54321->127.0.0.1:8080: read: connection reset by peer`,
			"read tcp: read: connection reset by peer"},
		{`Get "http://127.0.0.1:8080/": dial tcp 127.0.0.1:8080: connect: connection refused`,
			"dial tcp: connect: connection refused"},
		{`Get "http://[::1]:9/": dial tcp [::1]:9: connect: connection refused`, "dial tcp: connect: connection refused"},
		{`Get "http://localhost:8080/x?q=\"a\"": EOF`, "EOF"},
		{`Get "http://127.0.0.1:1/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
			"context deadline exceeded (Client.Timeout exceeded while awaiting headers)"},
		{`write tcp 127.0.0.1:40000->127.0.0.1:8080: write: broken pipe`, "write tcp: write: broken pipe"},
		{"503 Service Unavailable", "503 Service Unavailable"},
		{"net/http: request canceled", "net/http: request canceled"},
		{`Get "unterminated`, `Get "unterminated`},
		{"read tcp localhost:3000: i/o timeout", "read tcp: i/o timeout"},
		{"", ""},
		{strings.Repeat("x", 500), strings.Repeat("x", maxKindLen)},
		{strings.Repeat("word ", 100), strings.TrimSpace(strings.Repeat("word ", 40))},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			if got := string(normalizeError(nil, tt.msg)); got != tt.want {
				t.Errorf("normalizeError(%q) = %q; want %q", tt.msg, got, tt.want)
			}
		})
	}
}

func TestErrorKindsBounded(t *testing.T) {
	var e errorKinds
	var buf []byte
	// 1000 distinct ports normalise to one kind.
	for port := 20000; port < 21000; port++ {
		buf = normalizeError(buf[:0], fmt.Sprintf(`Get "http://127.0.0.1:8080/": read tcp 127.0.0.1:%d->127.0.0.1:8080: read: connection reset by peer`, port))
		e.add(buf)
	}
	// 1000 truly distinct messages fill the kept kinds, then "other".
	for i := range 1000 {
		buf = normalizeError(buf[:0], fmt.Sprintf("weird error number %d", i))
		e.add(buf)
	}
	got := e.list()
	if len(got) != maxErrorKinds+1 {
		t.Fatalf("len(list()) = %d; want %d", len(got), maxErrorKinds+1)
	}
	want0 := results.ErrorCount{Error: "read tcp: read: connection reset by peer", Count: 1000}
	if got[0] != want0 {
		t.Errorf("list()[0] = %+v; want %+v", got[0], want0)
	}
	wantOther := results.ErrorCount{Error: otherKind, Count: 1000 - (maxErrorKinds - 1)}
	if last := got[len(got)-1]; last != wantOther {
		t.Errorf("list()[last] = %+v; want %+v", last, wantOther)
	}
	var empty errorKinds
	if got := empty.list(); got == nil || len(got) != 0 {
		t.Errorf("empty list() = %#v; want empty, non-nil", got)
	}
}

func TestErrorKindsOrder(t *testing.T) {
	var e errorKinds
	for _, k := range []string{"b", "a", "c", "c", "b", "c"} {
		e.add([]byte(k))
	}
	want := []results.ErrorCount{{Error: "c", Count: 3}, {Error: "b", Count: 2}, {Error: "a", Count: 1}}
	if got := e.list(); !reflect.DeepEqual(got, want) {
		t.Errorf("list() = %+v; want %+v", got, want)
	}
}
