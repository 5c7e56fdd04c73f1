package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// uiSummary is what the page's window.oomlab.summary() returns.
type uiSummary struct {
	Connected bool `json:"connected"`
	Finished  bool `json:"finished"`
	Verdicts  int  `json:"verdicts"`
	Targets   []struct {
		Name    string `json:"name"`
		Points  int    `json:"points"`
		Deaths  int    `json:"deaths"`
		Outcome string `json:"outcome"`
	} `json:"targets"`
}

func (s uiSummary) target(name string) (points, deaths int) {
	for _, t := range s.Targets {
		if t.Name == name {
			return t.Points, t.Deaths
		}
	}
	return 0, 0
}

// chromiumFlags start a headless browser that reaches nothing but the
// page under test.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
	"--window-size=1400,1150", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
	"--remote-allow-origins=*"}

// TestUIChromium is the browser end to end: a short parallel run with
// --ui, a real headless Chromium on the page, points arriving for both
// targets while the run goes, the OOM mark for the naive one, the verdicts
// at the end, and a screenshot kept as an artifact.
func TestUIChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 9 s scenario and a browser")
	}
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("SKIPPED: chromium is not installed, so the browser test of --ui did not run (.ci/run installs Debian's chromium)")
	}
	port := freePort(t)
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()

	run := exec.CommandContext(ctx, bin, "run", "testdata/short-upload.yaml", "--parallel", "--quiet",
		"--ui=127.0.0.1:"+port, "--out", filepath.Join(out, "run"))
	stdout, _ := run.StdoutPipe()
	run.Stderr = os.Stderr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	runDone := make(chan error, 1)
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		close(lines)
		runDone <- run.Wait()
	}()
	defer func() {
		run.Process.Signal(syscall.SIGINT)
		select {
		case err := <-runDone:
			if err != nil {
				t.Logf("oomlab after Ctrl-C: %v", err)
			}
		case <-time.After(30 * time.Second):
			run.Process.Kill()
			t.Error("oomlab did not stop on SIGINT")
		}
	}()
	url := ""
	for url == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("oomlab ended before serving the page")
			}
			if strings.HasPrefix(l, "ui ") {
				url = strings.Fields(l)[1]
			}
		case <-ctx.Done():
			t.Fatal("no ui line from oomlab")
		}
	}

	page := startChromium(t, ctx, browser, url)
	var live, final uiSummary
	sawLive, early, polled := false, false, false
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if err := page.eval("JSON.stringify(window.oomlab ? window.oomlab.summary() : {})", &final); err != nil {
			t.Fatal(err)
		}
		if !polled && final.Connected {
			// The page is up: did it come while the run still went?
			polled, early = true, !final.Finished
		}
		np, _ := final.target("upload-naive")
		ap, _ := final.target("upload-aware")
		if !sawLive && !final.Finished && np > 0 && ap > 0 {
			sawLive, live = true, final
		}
		if final.Finished && final.Verdicts > 0 && np >= 5 && ap >= 5 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	switch {
	case sawLive:
		t.Logf("while running: %+v", live)
	case early:
		t.Errorf("the page connected while the run went, but points never arrived for both targets before it ended (last: %+v)", final)
	default:
		t.Logf("the browser came up after the run had ended (a loaded machine): only the history was checked")
	}
	np, nd := final.target("upload-naive")
	ap, ad := final.target("upload-aware")
	if np < 5 || ap < 5 {
		t.Errorf("points at the end: naive %d, aware %d; want ≥ 5 each", np, ap)
	}
	if nd < 1 || ad != 0 {
		t.Errorf("OOM marks: naive %d, aware %d; want ≥ 1 for naive, none for aware", nd, ad)
	}
	if !final.Finished || final.Verdicts != 2 {
		t.Errorf("page at the end: %+v; want finished with 2 verdicts", final)
	}
	time.Sleep(300 * time.Millisecond) // a frame to draw the last state
	png, err := page.screenshot()
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("OOMLAB_ARTIFACTS")
	if dir == "" {
		dir = os.TempDir()
	}
	shot := filepath.Join(dir, "oomlab-ui-e2e.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// cdpPage is a page of a headless Chromium driven over the DevTools
// protocol.
type cdpPage struct {
	ws *websocket.Conn
	id int
}

// startChromium starts a headless Chromium on url in its own process
// group and profile, and connects to its page; the test's cleanup ends it.
func startChromium(t *testing.T, ctx context.Context, browser, url string) *cdpPage {
	t.Helper()
	profile := t.TempDir()
	cmd := exec.Command(browser, append(chromiumFlags, "--user-data-dir="+profile, url)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	devtools := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				devtools <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	var browserWS string
	select {
	case browserWS = <-devtools:
	case <-time.After(30 * time.Second):
		t.Fatal("chromium did not start its DevTools endpoint")
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	}
	host := strings.TrimPrefix(browserWS, "ws://")
	host = host[:strings.Index(host, "/")]
	var pageWS string
	for i := 0; i < 50 && pageWS == ""; i++ {
		resp, err := http.Get("http://" + host + "/json/list")
		if err == nil {
			var targets []struct {
				Type, URL            string
				WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
			}
			json.NewDecoder(resp.Body).Decode(&targets)
			resp.Body.Close()
			for _, tg := range targets {
				if tg.Type == "page" && strings.HasPrefix(tg.URL, url) {
					pageWS = tg.WebSocketDebuggerURL
				}
			}
		}
		if pageWS == "" {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if pageWS == "" {
		t.Fatal("chromium has no page for " + url)
	}
	ws, err := websocket.Dial(pageWS, "", "http://127.0.0.1/")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return &cdpPage{ws: ws}
}

// call sends one DevTools command and decodes its result into out.
func (p *cdpPage) call(method string, params any, out any) error {
	p.id++
	if err := websocket.JSON.Send(p.ws, map[string]any{"id": p.id, "method": method, "params": params}); err != nil {
		return err
	}
	p.ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := websocket.JSON.Receive(p.ws, &msg); err != nil {
			return fmt.Errorf("devtools %s: %w", method, err)
		}
		if msg.ID != p.id {
			continue // an event
		}
		if msg.Error != nil {
			return fmt.Errorf("devtools %s: %s", method, msg.Error.Message)
		}
		return json.Unmarshal(msg.Result, out)
	}
}

// eval evaluates a JavaScript expression that returns a JSON string and
// decodes it into out.
func (p *cdpPage) eval(expr string, out any) error {
	var r struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
	}
	if err := p.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r); err != nil {
		return err
	}
	if r.Result.Value == "" {
		return nil // the page has not loaded its script yet
	}
	return json.Unmarshal([]byte(r.Result.Value), out)
}

func (p *cdpPage) screenshot() ([]byte, error) {
	var r struct {
		Data string `json:"data"`
	}
	if err := p.call("Page.captureScreenshot", map[string]any{"format": "png"}, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}
