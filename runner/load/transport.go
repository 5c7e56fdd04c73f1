package load

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"time"
)

// kindTransport is the attack's http.RoundTripper. It reads each request's
// kind from the mark in its URL's fragment (see markedURL) and gives the
// request its kind's client: the keep-alive pool or, for a kind without
// keep-alive, a transport that opens a connection per request; its
// kind's timeout, over the whole request, body included; and, for a slow client, a
// request body and a response body read through a throttledReader. It
// also tells the connection which kind is using it (httptrace GotConn),
// so that conns counts each kind's bytes, and meters each slow read
// (slowReads): from the moment RoundTrip is called, when the request is
// sent, until the answer's body ends or the request fails.
//
// Vegeta's options that configure a transport (Connections,
// MaxConnections, KeepAlive, HTTP2) type-assert the client's Transport to
// *http.Transport: newKindTransport sets those fields on its two
// transports itself, and newAttacker does not use those options. Nor does
// the http.Client get a Timeout: for a RoundTripper it does not know, it
// would start a goroutine per request to enforce it.
type kindTransport struct {
	keep, close *http.Transport
	kinds       []kindRoute
	abort       <-chan struct{}
	reads       *slowReads
}

var _ http.RoundTripper = (*kindTransport)(nil)

// kindRoute is how one kind's requests are sent.
type kindRoute struct {
	Kind
	trace *httptrace.ClientTrace
}

// newKindTransport returns the transport for kinds, dialling through cs:
// HTTP/1.1 only, at most maxConns connections to the target per pool
// (open and idle), redirects left to the client. abort ends throttled
// waits when the attack is interrupted; reads counts the slow reads.
func newKindTransport(kinds []Kind, cs *conns, reads *slowReads, maxConns int, abort <-chan struct{}) *kindTransport {
	pool := func(keepAlive bool) *http.Transport {
		return &http.Transport{
			DialContext:         cs.dialContext,
			ForceAttemptHTTP2:   false,
			TLSNextProto:        map[string]func(string, *tls.Conn) http.RoundTripper{}, // HTTP/1.1 only
			MaxIdleConnsPerHost: maxConns,
			MaxConnsPerHost:     maxConns,
			DisableKeepAlives:   !keepAlive,
		}
	}
	t := &kindTransport{keep: pool(true), close: pool(false), kinds: make([]kindRoute, len(kinds)), abort: abort, reads: reads}
	for i, k := range kinds {
		t.kinds[i] = kindRoute{Kind: k, trace: &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
			if c, ok := info.Conn.(*conn); ok {
				c.kind.Store(int32(i))
			}
		}}}
	}
	return t
}

// RoundTrip implements http.RoundTripper. A request without a kind mark
// goes through the keep-alive pool as it is.
func (t *kindTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	i, slow, err := parseMark(req.URL.Fragment)
	if err != nil || i >= len(t.kinds) {
		return t.keep.RoundTrip(req)
	}
	k := &t.kinds[i]
	var meter *readMeter
	if slow && k.DownloadBytesPerSecond > 0 {
		meter = t.reads.begin(i)
	}
	ctx, cancel := context.WithTimeout(httptrace.WithClientTrace(req.Context(), k.trace), k.Timeout)
	out := req.WithContext(ctx)
	if slow && k.UploadBytesPerSecond > 0 && req.Body != nil && req.Body != http.NoBody {
		out.Body = newThrottledReader(ctx, t.abort, req.Body, k.UploadBytesPerSecond)
		if get := req.GetBody; get != nil {
			out.GetBody = func() (io.ReadCloser, error) {
				b, err := get()
				if err != nil {
					return nil, err
				}
				return newThrottledReader(ctx, t.abort, b, k.UploadBytesPerSecond), nil
			}
		}
	}
	rt := t.keep
	if !k.KeepAlive {
		rt = t.close
	}
	resp, err := rt.RoundTrip(out)
	if err != nil {
		err = timedOut(ctx, err, k.Timeout, "awaiting headers")
		cancel()
		if meter != nil {
			meter.end()
		}
		return nil, err
	}
	body := resp.Body
	if meter != nil {
		tr := newThrottledReader(ctx, t.abort, body, k.DownloadBytesPerSecond)
		tr.meter = meter
		body = tr
	}
	resp.Body = &timedBody{ReadCloser: body, ctx: ctx, cancel: cancel, timeout: k.Timeout, meter: meter}
	return resp, nil
}

// timeoutError is a request that ran out of its kind's Timeout.
type timeoutError struct {
	timeout time.Duration
	while   string
}

func (e *timeoutError) Error() string {
	return "request timeout (" + e.timeout.String() + ") exceeded " + e.while
}

// Timeout reports true, as a net.Error would.
func (e *timeoutError) Timeout() bool { return true }

// timedOut returns err, or a *timeoutError when ctx's deadline passed.
func timedOut(ctx context.Context, err error, timeout time.Duration, while string) error {
	if err != nil && err != io.EOF && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &timeoutError{timeout: timeout, while: while}
	}
	return err
}

// closeIdle closes both pools' idle connections.
func (t *kindTransport) closeIdle() {
	t.keep.CloseIdleConnections()
	t.close.CloseIdleConnections()
}

// timedBody is an answer's body under its request's timeout: it ends the
// request's context when it is closed, and says so when a read failed for
// the timeout. A slow read's body also has its meter (nil otherwise),
// which it ends at the body's end (io.EOF), at an error, or at Close,
// whichever comes first; its throttledReader counts the bytes.
type timedBody struct {
	io.ReadCloser
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
	meter   *readMeter
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.meter != nil && err != nil {
		b.meter.end()
	}
	return n, timedOut(b.ctx, err, b.timeout, "reading the body")
}

// WriteTo implements io.WriterTo, which io.Copy prefers: through a
// throttledReader's own WriteTo when the body is throttled, so that a slow
// client holds no buffer while it waits.
func (b *timedBody) WriteTo(w io.Writer) (int64, error) {
	var n int64
	var err error
	if wt, ok := b.ReadCloser.(io.WriterTo); ok {
		n, err = wt.WriteTo(w)
	} else {
		n, err = io.Copy(w, struct{ io.Reader }{b.ReadCloser})
	}
	if b.meter != nil {
		b.meter.end()
	}
	return n, timedOut(b.ctx, err, b.timeout, "reading the body")
}

func (b *timedBody) Close() error {
	if b.meter != nil {
		b.meter.end()
	}
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
