package runner

import "testing"

func TestPortHint(t *testing.T) {
	tests := []struct {
		name      string
		listening []string
		want      string
	}{
		{"fixed port", []string{"0.0.0.0:8000"},
			"its processes listen on 0.0.0.0:8000 instead: it must listen on the port oomlab gives it in $PORT (41347 here), not a fixed one — read PORT from the environment, or put ${PORT} in its command"},
		{"two", []string{"127.0.0.1:8000", "[::]:9090"}, "its processes listen on 127.0.0.1:8000, [::]:9090 instead"},
		{"none", nil, "none of its processes listens on a TCP port: it must serve HTTP on 127.0.0.1:$PORT (PORT=41347 here; ${PORT} in its command is expanded)"},
		{"right port, no answer", []string{"127.0.0.1:41347"}, "it listens on 127.0.0.1:41347, but did not answer the readiness probe in time (raise ready_timeout, or check ready_path)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := portHint("127.0.0.1:41347", tt.listening)
			if len(got) < len(tt.want) || got[:len(tt.want)] != tt.want {
				t.Errorf("portHint(%q) = %q; want it to start %q", tt.listening, got, tt.want)
			}
		})
	}
}
