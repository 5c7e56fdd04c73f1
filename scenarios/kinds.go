package scenarios

// DefaultKind names the one kind of a load given as request: (Load.Kinds).
const DefaultKind = "default"

// RequestKind is one kind of request in a mix (load.requests, or a target
// of load.targets_file): what is sent, how often relative to the other
// kinds, and how fast its clients read and send.
type RequestKind struct {
	// Name is unique in the load, of [a-z0-9-]; results and tables name
	// the kind's figures by it.
	Name string `yaml:"name" json:"name"`
	// Weight is the kind's share of the hits relative to the other kinds'
	// weights (> 0, default 1): weights 3 and 1 send 75 % and 25 %.
	Weight float64 `yaml:"weight,omitempty" json:"weight"`
	// Method, Path, Headers, Body and Timeout are as for a Request, with
	// the same defaults.
	Method  string            `yaml:"method,omitempty" json:"method"`
	Path    string            `yaml:"path,omitempty" json:"path"`
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	Body    Body              `yaml:"body,omitempty" json:"body"`
	Timeout Duration          `yaml:"timeout,omitempty" json:"timeout"`
	// DownloadBandwidth is the bytes per second at which each slow client
	// reads its answer ("64KiB/s"); zero is full speed.
	DownloadBandwidth ByteRate `yaml:"download_bandwidth,omitempty" json:"download_bandwidth_bytes_per_second,omitempty"`
	// UploadBandwidth is the bytes per second at which each slow client
	// sends its body; zero is full speed.
	UploadBandwidth ByteRate `yaml:"upload_bandwidth,omitempty" json:"upload_bandwidth_bytes_per_second,omitempty"`
	// SlowShare is the share of this kind's clients on the slow link
	// (0 < s ≤ 1, default 1); the others read and send at full speed.
	SlowShare float64 `yaml:"slow_share,omitempty" json:"slow_share,omitempty"`
	// KeepAlive, when false, opens a new connection for every request;
	// nil means true (see KeepsAlive).
	KeepAlive *bool `yaml:"keepalive,omitempty" json:"keepalive,omitempty"`
}

// KeepsAlive reports whether the kind's clients reuse connections: true
// unless KeepAlive is set to false.
func (k RequestKind) KeepsAlive() bool { return k.KeepAlive == nil || *k.KeepAlive }

// Kinds returns the load's effective request kinds, in the order given:
// the kinds read from TargetsFile, else Requests, else Request as one kind
// named DefaultKind. Each is a copy with its defaults filled (weight 1,
// slow share 1, KeepAlive never nil), so callers may change it freely.
func (l Load) Kinds() []RequestKind {
	var src []RequestKind
	switch {
	case l.TargetsFile != "":
		src = l.TargetsFileKinds
	case len(l.Requests) > 0:
		src = l.Requests
	default:
		r := l.Request
		src = []RequestKind{{Name: DefaultKind, Method: r.Method, Path: r.Path, Headers: r.Headers, Body: r.Body,
			Timeout: r.Timeout, DownloadBandwidth: r.DownloadBandwidth, UploadBandwidth: r.UploadBandwidth,
			SlowShare: r.SlowShare, KeepAlive: r.KeepAlive}}
	}
	out := make([]RequestKind, len(src))
	for i, k := range src {
		if k.Headers != nil {
			h := make(map[string]string, len(k.Headers))
			for name, v := range k.Headers {
				h[name] = v
			}
			k.Headers = h
		}
		setIfZero(&k.Weight, 1)
		setIfZero(&k.SlowShare, 1)
		keep := k.KeepsAlive()
		k.KeepAlive = &keep
		out[i] = k
	}
	return out
}
