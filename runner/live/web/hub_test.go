package web

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oomlab/oomlab/runner/results"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var testInfo = results.RunInfo{Scenario: "s", MemoryLimitBytes: 256 << 20, Parallel: true,
	Targets: []results.TargetInfo{{Name: "naive"}, {Name: "aware"}}}

// A client that never reads is dropped once its buffer is full; the
// recorder's calls never wait for it.
func TestSlowClientDropped(t *testing.T) {
	h := NewHub()
	h.RunStarted(testInfo)
	c, _, ok := h.subscribe()
	if !ok {
		t.Fatal("subscribe refused")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range clientBuffer * 3 {
			h.Sample(results.SampleRow{Target: "naive", TSeconds: float64(i), RSSBytes: 1 << 20, GCCount: -1, CgroupUsageBytes: -1})
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Sample blocked on a client that does not read")
	}
	if !c.dropped.Load() {
		t.Error("client with a full buffer not dropped")
	}
	if _, dropped, n := h.Stats(); dropped != 1 || n != 0 {
		t.Errorf("Stats: dropped %d, clients %d; want 1, 0", dropped, n)
	}
	h.unsubscribe(c) // after a drop: no double close
}

// The history stays bounded however long the run, and keeps the run's
// whole time span.
func TestHistoryBounded(t *testing.T) {
	h := NewHub()
	h.RunStarted(testInfo)
	const n = maxHistoryPoints * 5
	for i := range n {
		h.Sample(results.SampleRow{Target: "naive", TSeconds: float64(i) / 10, RSSBytes: 1 << 20, GCCount: -1, CgroupUsageBytes: -1})
	}
	for range maxEvents + 10 {
		h.Event(results.RunEvent{Kind: results.EventWarning, Target: "naive"})
	}
	_, hist, _ := h.subscribe()
	samples := 0
	last := ""
	for _, m := range hist {
		if strings.HasPrefix(string(m), "event: sample") {
			samples++
			last = string(m)
		}
	}
	if samples >= maxHistoryPoints || samples < maxHistoryPoints/4 {
		t.Errorf("history holds %d samples of %d; want between %d and %d", samples, n, maxHistoryPoints/4, maxHistoryPoints)
	}
	if !strings.Contains(last, `"t":19`) {
		t.Errorf("last sample kept = %s; want one near the end (t ≈ 1999)", last)
	}
	if len(h.events) != maxEvents {
		t.Errorf("events kept = %d; want %d", len(h.events), maxEvents)
	}
	h.closeAll()
}

// eventScanner scans an SSE stream.
func eventScanner(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	return sc
}

// readEvents reads SSE events from sc until it has n of the given kind.
func readEvents(t *testing.T, sc *bufio.Scanner, kind string, n int) []string {
	t.Helper()
	var got []string
	ev := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			ev = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: ") && ev == kind:
			got = append(got, strings.TrimPrefix(line, "data: "))
			if len(got) == n {
				return got
			}
		}
	}
	t.Fatalf("stream ended after %d %s events (%v); want %d", len(got), kind, sc.Err(), n)
	return nil
}

// A browser that connects late gets the history, then the live stream;
// the page and its script are served from the binary.
func TestServerHistoryThenLive(t *testing.T) {
	h := NewHub()
	s := NewServer(h)
	url, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h.RunStarted(testInfo)
	h.Sample(results.SampleRow{Target: "naive", TSeconds: 0.1, RSSBytes: 10 << 20, GCCount: 3, CgroupUsageBytes: -1})
	h.Event(results.RunEvent{Kind: results.EventDeath, Target: "naive", AtSeconds: 21.9, Outcome: "oom-killed"})

	for _, p := range []string{"", "app.js", "style.css"} {
		resp, err := http.Get(url + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) < 100 || strings.Contains(string(b), "http://") || strings.Contains(string(b), "https://") {
			t.Errorf("GET /%s: %d, %d bytes; want 200, the embedded file, no outside address", p, resp.StatusCode, len(b))
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type = %q", ct)
	}
	sc := eventScanner(resp.Body)
	got := readEvents(t, sc, "sample", 1) // the history: the browser is subscribed
	h.Sample(results.SampleRow{Target: "aware", TSeconds: 0.2, RSSBytes: 20 << 20, GCCount: -1, CgroupUsageBytes: 5 << 20})
	got = append(got, readEvents(t, sc, "sample", 1)...)
	if !strings.Contains(got[0], `"target":"naive"`) || !strings.Contains(got[1], `"target":"aware"`) || !strings.Contains(got[1], `"cgroup":5`) {
		t.Errorf("samples = %v; want the history (naive) then the live one (aware)", got)
	}
}
