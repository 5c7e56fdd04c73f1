package load

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/oomlab/oomlab/runner/results"
)

// Defaults used by Run for the zero values of Config's fields.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxWorkers = 1024
	DefaultWindow     = time.Second
)

// Config is one attack on one target.
type Config struct {
	// URL is requested on every hit when Kinds is empty. Its host must be
	// on loopback (localhost, 127.0.0.0/8, ::1) unless AllowRemote is set.
	URL string
	// Method defaults to POST when Body is set, GET otherwise.
	Method string
	Header http.Header
	// Body is sent with every request; it is shared, never copied.
	Body []byte
	// Kinds is the request mix (see Kind and mix), at most MaxKinds. Empty
	// means one kind named DefaultKind with URL, Method, Header and Body,
	// full speed and keep-alive.
	Kinds []Kind
	// Stages is the rate schedule (see StagedPacer); each needs Rate > 0
	// and Duration > 0.
	Stages []Stage
	// Timeout bounds each request, body included (default 30s), unless
	// its kind has a Timeout of its own.
	Timeout time.Duration
	// MaxWorkers bounds the requests in flight (default 1024). Vegeta
	// starts with min(10, MaxWorkers) workers and adds more as needed.
	// Slow clients hold their worker until their answer is read: when
	// they hold every one, the attack falls behind and its stages say so
	// (results.Stage.Behind); the offered rate is never lowered.
	MaxWorkers int
	// MaxConnections bounds the open and the idle connections to the
	// target (default MaxWorkers), for the keep-alive kinds and for the
	// others each.
	MaxConnections int
	// Window is the length of one LoadRow (default 1s); windows are
	// aligned to the attack's start.
	Window time.Duration
	// Name is sent in Vegeta's X-Vegeta-Attack header.
	Name string
	// AllowRemote lets URL point away from loopback.
	AllowRemote bool
	// Finish, when closed, ends the schedule early (--fast): no request
	// is sent from then on, and Run returns as at the schedule's end,
	// once the requests in flight have finished or timed out, with the
	// stages figured as run until then. nil: the schedule runs out.
	Finish <-chan struct{}
}

// Figures is what Run measured.
type Figures struct {
	// Stages holds the figures of each stage that began, each with its
	// kinds' figures (results.Stage.Kinds).
	Stages []results.Stage
	// Kinds holds each request kind's figures over the whole run, in
	// Config.Kinds order (one DefaultKind when that is empty).
	Kinds []results.KindFigures
}

// withDefaults validates c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	if len(c.Stages) == 0 {
		return c, errors.New("load: no stages")
	}
	for i, s := range c.Stages {
		if !(s.Rate > 0) || math.IsInf(s.Rate, 0) {
			return c, fmt.Errorf("load: stage %d: rate must be > 0, is %v", i+1, s.Rate)
		}
		if s.Duration <= 0 {
			return c, fmt.Errorf("load: stage %d: duration must be > 0, is %v", i+1, s.Duration)
		}
	}
	if c.Timeout < 0 || c.MaxWorkers < 0 || c.MaxConnections < 0 || c.Window < 0 {
		return c, errors.New("load: timeout, max workers, max connections and window must not be negative")
	}
	if c.Method == "" {
		c.Method = http.MethodGet
		if len(c.Body) > 0 {
			c.Method = http.MethodPost
		}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxWorkers == 0 {
		c.MaxWorkers = DefaultMaxWorkers
	}
	if c.MaxConnections == 0 {
		c.MaxConnections = c.MaxWorkers
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	kinds, err := c.kindsWithDefaults()
	if err != nil {
		return c, err
	}
	c.Kinds = kinds
	return c, nil
}

// Run attacks cfg's kinds (or cfg.URL) with an open-loop, staged request
// stream and returns the figures of each stage that began and of each
// request kind. It blocks until the
// schedule has ended and every request in flight has finished or timed
// out, or until ctx ends.
//
// While it runs, Run calls onWindow (if not nil) with one row per Window,
// in time order, as soon as the window has passed on the wall clock, even
// when no result arrives. A row's Target is left empty for the caller.
// onWindow runs on the goroutine that reads Vegeta's results, so it must be
// quick (write a CSV row, store a value): while it runs, finished requests
// wait to be counted and the attack's workers block.
//
// A stage counts the requests that started in it (latencies included);
// its BytesOut and BytesIn are the bytes written to and read from the
// target's connections while it ran, HTTP headers included. Its Kinds
// split the same counts and bytes by request kind, so they add up to the
// stage's: the kind of each result is read from its URL (see markedURL),
// a byte's kind is that of the request using the connection. A kind's
// ReadSeconds and SlowBytesIn are those of its slow readers' requests
// sent in the stage (see slowReads).
//
// When cfg.Finish is closed, Run stops sending and ends as it would at
// the schedule's end, with no error.
//
// When ctx ends, Run stops sending, aborts the requests in flight by
// closing their connections (their errors count as "interrupted by the
// harness"), and returns the stages run so far with an error wrapping
// ctx.Err(); it returns within one pacing interval (1/rate) of ctx ending,
// slow clients included. Other errors mean the attack could not start
// (ErrNotLoopback, an invalid Config) and come with no figures. Run closes every connection
// it opened before it returns; it is safe to call concurrently.
func Run(ctx context.Context, cfg Config, onWindow func(results.LoadRow)) (Figures, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Figures{}, err
	}
	if err := ctx.Err(); err != nil {
		return Figures{}, fmt.Errorf("load: not started: %w", err)
	}
	pacer := StagedPacer{Stages: cfg.Stages}
	abortCtx, abort := context.WithCancel(context.Background())
	defer abort()

	start := time.Now()
	cs := newConns(pacer, len(cfg.Kinds), start, abortCtx)
	reads := newSlowReads(pacer, len(cfg.Kinds), start)
	tr := newKindTransport(cfg.Kinds, cs, reads, cfg.MaxConnections, abortCtx.Done())
	defer tr.closeIdle()
	atk := newAttacker(cfg, tr)
	names := make([]string, len(cfg.Kinds))
	for i, k := range cfg.Kinds {
		names[i] = k.Name
	}
	tp := &trackedPacer{StagedPacer: pacer, done: ctx.Done(), finish: cfg.Finish, lags: make([]time.Duration, len(pacer.Stages))}
	agg := newAggregator(pacer, start, cfg.Window, onWindow, names)

	resc := atk.Attack(newMix(cfg.Kinds).target, tp, 0, cfg.Name)

	// Vegeta's Attack takes no context: this loop is the one place that
	// stops it when ctx ends, and it drains results until Vegeta closes
	// the channel, which it does once every worker has returned.
	timer := time.NewTimer(time.Until(start.Add(agg.windowEnd())))
	defer timer.Stop()
	done, finish := ctx.Done(), cfg.Finish
	ranUntil := pacer.Duration()
	interrupted := false
	for resc != nil {
		select {
		case r, ok := <-resc:
			if !ok {
				resc = nil
				break
			}
			agg.add(r, tp.sent.Load())
		case <-timer.C:
			agg.tick(time.Since(start), tp.sent.Load())
			timer.Reset(time.Until(start.Add(agg.windowEnd())))
		case <-finish:
			finish = nil
			now := time.Since(start)
			ranUntil = min(now, ranUntil)
			agg.stopSending(now)
		case <-done:
			done = nil
			now := time.Since(start)
			interrupted, ranUntil = true, min(now, ranUntil)
			agg.interrupt(now)
			atk.Stop()
			abort()
			cs.closeAll()
		}
	}
	// Vegeta closed the channel after its pacing goroutine's last Pace
	// call, so tp.lags is ours to read.
	stages := agg.finish(time.Since(start), ranUntil, tp.sent.Load(), tp.lags)
	// Bytes that moved after the last stage that began count in it.
	eachCounted(stages, cs.stages(), func(i int, st *results.Stage) {
		for k := range st.Kinds {
			in, out := cs.bytes(i, k)
			st.BytesIn += in
			st.BytesOut += out
			st.Kinds[k].BytesIn += in
			st.Kinds[k].BytesOut += out
		}
	})
	addSlowReads(stages, reads)
	for i := range stages {
		setKindRates(&stages[i])
	}
	fig := Figures{Stages: stages, Kinds: agg.runKinds(stages)}
	if interrupted {
		return fig, fmt.Errorf("load: interrupted after %.1fs: %w", ranUntil.Seconds(), ctx.Err())
	}
	return fig, nil
}

// newAttacker returns an open-loop attacker that sends through tr,
// redirects not followed, response bodies discarded unread (never kept),
// min(10, MaxWorkers) workers to start with. The client has no Timeout:
// tr applies each kind's. Vegeta's transport options are not used: they
// type-assert an *http.Transport (see kindTransport).
func newAttacker(cfg Config, tr *kindTransport) *vegeta.Attacker {
	return vegeta.NewAttacker(
		vegeta.Client(&http.Client{Transport: tr}), // first: the options below modify it
		vegeta.Workers(uint64(min(10, cfg.MaxWorkers))),
		vegeta.MaxWorkers(uint64(cfg.MaxWorkers)),
		vegeta.MaxBody(0),
		vegeta.Redirects(vegeta.NoFollow),
	)
}

// trackedPacer is the StagedPacer as Run hands it to Vegeta: it publishes
// how many hits were sent, stops pacing once done or finish is closed,
// and records the largest lag it sees in each stage.
type trackedPacer struct {
	StagedPacer
	done, finish <-chan struct{}
	sent         atomic.Uint64
	// lags is written by Vegeta's pacing goroutine only, and read once
	// Vegeta has closed the results channel.
	lags []time.Duration
}

var _ vegeta.Pacer = (*trackedPacer)(nil)

// Pace implements vegeta.Pacer.
func (p *trackedPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	p.sent.Store(hits)
	select {
	case <-p.done:
		return 0, true
	case <-p.finish:
		return 0, true
	default:
	}
	// Past the end, the lag at the end is what the last stage left undone.
	at := min(elapsed, p.Duration())
	if i := p.stageIndex(at); i < len(p.lags) {
		p.lags[i] = max(p.lags[i], p.Lag(at, hits))
	}
	return p.StagedPacer.Pace(elapsed, hits)
}
