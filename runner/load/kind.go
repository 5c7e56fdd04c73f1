package load

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxKinds is the most request kinds one Config may hold: each kind keeps
// a latency digest (up to about 16 KiB) for every stage it ran in.
const MaxKinds = 100

// DefaultKind is the name of the one kind made from Config's own Method,
// URL, Header and Body when Config.Kinds is empty.
const DefaultKind = "default"

// Kind is one kind of request in the load's mix: what is sent, how often
// relative to the other kinds, and how fast its clients send and read.
//
// A client's speed is that of its link, per request: with
// DownloadBytesPerSecond B a slow client reads the answer's body through a
// token bucket filled at B bytes/s (see throttle), so once the sockets'
// buffers are full the server's writes block, as behind a real slow link.
// A slow request holds one of the attacker's workers and one connection
// until it ends or times out, and nothing else: the harness's memory is
// bounded by Config.MaxWorkers and MaxConnections whatever the speed.
type Kind struct {
	// Name names the kind in the figures (results.KindFigures.Name); it
	// must be unique within Config.Kinds.
	Name string
	// Weight is the kind's share of the requests: Weight ÷ the sum of
	// every kind's Weight. 0 means 1; it must not be negative.
	Weight float64
	// Method defaults to POST when Body is set, GET otherwise.
	Method string
	// URL is requested by this kind. Its host must be on loopback unless
	// Config.AllowRemote is set. A fragment (#…) is dropped: the attack
	// uses it to mark each request's kind.
	URL    string
	Header http.Header
	// Body is sent with every request of this kind; it is shared, never
	// copied.
	Body []byte
	// Timeout bounds each request of this kind, body included; 0 means
	// Config.Timeout.
	Timeout time.Duration
	// DownloadBytesPerSecond is how fast a slow client of this kind reads
	// the answer's body; 0 means as fast as it comes.
	DownloadBytesPerSecond int64
	// UploadBytesPerSecond is how fast a slow client of this kind sends
	// the request's body; 0 means as fast as the connection takes it.
	UploadBytesPerSecond int64
	// SlowShare is the share of this kind's requests sent by slow clients
	// (0 < SlowShare ≤ 1; 0 means 1, all of them); the others send and
	// read at full speed. The choice is deterministic: request n of the
	// kind (from 0) is slow when ⌊(n+1)·SlowShare⌋ > ⌊n·SlowShare⌋.
	SlowShare float64
	// KeepAlive reuses connections between requests; false opens a new
	// connection for every request of this kind and closes it after the
	// answer.
	KeepAlive bool
}

// slow reports whether the kind has a slow link at all.
func (k Kind) slow() bool { return k.DownloadBytesPerSecond > 0 || k.UploadBytesPerSecond > 0 }

// kindsWithDefaults returns c's kinds, validated and with their defaults
// filled in: one DefaultKind made from c's Method, URL, Header and Body
// when c.Kinds is empty.
func (c Config) kindsWithDefaults() ([]Kind, error) {
	in := c.Kinds
	if len(in) == 0 {
		in = []Kind{{Name: DefaultKind, Method: c.Method, URL: c.URL, Header: c.Header, Body: c.Body, KeepAlive: true}}
	}
	if len(in) > MaxKinds {
		return nil, fmt.Errorf("load: %d request kinds; at most %d", len(in), MaxKinds)
	}
	out := make([]Kind, len(in))
	seen := make(map[string]bool, len(in))
	for i, k := range in {
		if k.Name == "" || seen[k.Name] {
			return nil, fmt.Errorf("load: kind %d: name %q is empty or not unique", i+1, k.Name)
		}
		seen[k.Name] = true
		if !c.AllowRemote {
			if err := checkLoopback(k.URL); err != nil {
				return nil, fmt.Errorf("%w (kind %s)", err, k.Name)
			}
		}
		switch {
		case k.Weight < 0 || math.IsNaN(k.Weight) || math.IsInf(k.Weight, 0):
			return nil, fmt.Errorf("load: kind %s: weight must be >= 0 and finite, is %v", k.Name, k.Weight)
		case k.DownloadBytesPerSecond < 0 || k.UploadBytesPerSecond < 0:
			return nil, fmt.Errorf("load: kind %s: bandwidths must not be negative", k.Name)
		case !(k.SlowShare >= 0 && k.SlowShare <= 1):
			return nil, fmt.Errorf("load: kind %s: slow share must be in [0, 1], is %v", k.Name, k.SlowShare)
		case k.Timeout < 0:
			return nil, fmt.Errorf("load: kind %s: timeout must not be negative", k.Name)
		}
		if k.Weight == 0 {
			k.Weight = 1
		}
		if k.SlowShare == 0 {
			k.SlowShare = 1
		}
		if k.Timeout == 0 {
			k.Timeout = c.Timeout
		}
		if k.Method == "" {
			k.Method = http.MethodGet
			if len(k.Body) > 0 {
				k.Method = http.MethodPost
			}
		}
		if i := strings.IndexByte(k.URL, '#'); i >= 0 {
			k.URL = k.URL[:i]
		}
		out[i] = k
	}
	return out, nil
}

// Each request carries its kind, and whether its client is slow, in its
// URL's fragment, "oomlab-kind=3" or "oomlab-kind=3-slow": a fragment is
// never sent to the server, Vegeta copies the URL into every result
// (errors included), and the transport reads it back from the request.
const (
	markPrefix = "oomlab-kind="
	markSlow   = "-slow"
)

// markedURL returns the URL of kind i's requests, slow clients or not.
func markedURL(url string, i int, slow bool) string {
	u := url + "#" + markPrefix + strconv.Itoa(i)
	if slow {
		u += markSlow
	}
	return u
}

// errNoMark is returned by parseMark for a fragment that is not a mark.
var errNoMark = errors.New("load: no kind mark")

// parseMark reads a mark back from a fragment (without the '#').
func parseMark(fragment string) (kind int, slow bool, err error) {
	s, ok := strings.CutPrefix(fragment, markPrefix)
	if !ok {
		return 0, false, errNoMark
	}
	s, slow = strings.CutSuffix(s, markSlow)
	kind, err = strconv.Atoi(s)
	if err != nil || kind < 0 {
		return 0, false, errNoMark
	}
	return kind, slow, nil
}

// kindOfURL returns the kind marked in a result's URL, or 0 when it has
// no mark (a result whose target could not be built).
func kindOfURL(url string, kinds int) int {
	i := strings.LastIndexByte(url, '#')
	if i < 0 {
		return 0
	}
	k, _, err := parseMark(url[i+1:])
	if err != nil || k >= kinds {
		return 0
	}
	return k
}
