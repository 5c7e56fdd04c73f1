package runner

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/load"
	"github.com/oomlab/oomlab/scenarios"
)

func TestLoadKinds(t *testing.T) {
	off := false
	l := scenarios.Load{Requests: []scenarios.RequestKind{
		{Name: "export", Weight: 1, Method: "GET", Path: "/export?rows=10", Headers: map[string]string{"accept": "text/csv"},
			Timeout: scenarios.Duration(time.Minute), DownloadBandwidth: 256 << 10, SlowShare: 0.5},
		{Name: "upload", Weight: 3, Path: "/upload", Body: scenarios.Body{Size: 4, Kind: "zeros"}, UploadBandwidth: 1 << 10, KeepAlive: &off},
	}}
	kinds := l.Kinds()
	bodies, err := makeBodies(kinds)
	if err != nil {
		t.Fatal(err)
	}
	got := loadKinds(kinds, "http://127.0.0.1:9", bodies)
	want := []load.Kind{
		{Name: "export", Weight: 1, Method: "GET", URL: "http://127.0.0.1:9/export?rows=10", Header: http.Header{"Accept": {"text/csv"}}, Body: []byte{},
			Timeout: time.Minute, DownloadBytesPerSecond: 256 << 10, SlowShare: 0.5, KeepAlive: true},
		{Name: "upload", Weight: 3, URL: "http://127.0.0.1:9/upload", Header: http.Header{}, Body: make([]byte, 4),
			UploadBytesPerSecond: 1 << 10, SlowShare: 1, KeepAlive: false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("loadKinds() = %+v\nwant %+v", got, want)
	}
	// One request: one kind, named default.
	one := scenarios.Load{Request: scenarios.Request{Method: "POST", Path: "/", Timeout: scenarios.Duration(time.Second)}}.Kinds()
	if k := loadKinds(one, "http://x", [][]byte{nil}); len(k) != 1 || k[0].Name != load.DefaultKind || k[0].URL != "http://x/" || !k[0].KeepAlive {
		t.Errorf("loadKinds(one request) = %+v; want one keep-alive kind %q", k, load.DefaultKind)
	}
}
