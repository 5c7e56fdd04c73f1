package results

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestKindFiguresJSON(t *testing.T) {
	st := Stage{Index: 0, Kinds: []KindFigures{{Name: "export", Requests: 3, LatencyP95Ms: 12.5, DownloadBytesPerSecond: 65536}}}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kinds":[{"name":"export"`, `"latency_p95_ms":12.5`, `"download_bytes_per_second":65536`, `"upload_bytes_per_second":0`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("json.Marshal(stage) = %s; want it to contain %s", b, want)
		}
	}
	var back Stage
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Kinds) != 1 || !reflect.DeepEqual(back.Kinds[0], st.Kinds[0]) {
		t.Errorf("decoded kinds = %+v; want %+v", back.Kinds, st.Kinds)
	}
	// A run without kinds writes no "kinds" key (older readers, same schema).
	b, err = json.Marshal(Target{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"kinds"`) {
		t.Errorf("json.Marshal(Target{}) = %s; want no kinds key", b)
	}
}
