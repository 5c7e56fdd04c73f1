package judge

import (
	"fmt"
	"math"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// clientReads is what a target's slow clients — those of the kinds with a
// download bandwidth — could read and did read while they were connected.
type clientReads struct {
	// CapacityBytes is Σ over the slow kinds k of B_k × ReadSeconds_k:
	// what the clients' links could have carried in the client-seconds
	// the target kept them connected (results.KindFigures.ReadSeconds).
	CapacityBytes float64
	// UsedBytes is Σ_k SlowBytesIn_k, the body bytes they read.
	UsedBytes uint64
}

// clientReadsOf sums the slow kinds of kinds, each kind's download
// bandwidth B_k taken from the scenario's load by the kind's name. A kind
// the scenario does not name, or names without a download bandwidth,
// counts nothing.
func clientReadsOf(spec *scenarios.Scenario, kinds []results.KindFigures) clientReads {
	var c clientReads
	if spec == nil {
		return c
	}
	bandwidth := make(map[string]float64)
	for _, k := range spec.Load.Kinds() {
		if k.DownloadBandwidth > 0 {
			bandwidth[k.Name] = float64(k.DownloadBandwidth)
		}
	}
	for _, k := range kinds {
		if b := bandwidth[k.Name]; b > 0 && k.ReadSeconds > 0 && !math.IsInf(k.ReadSeconds, 0) {
			c.CapacityBytes += b * k.ReadSeconds
			c.UsedBytes += k.SlowBytesIn
		}
	}
	return c
}

// goodput is the client goodput, the share of the slow clients' reading
// capacity that was used:
//
//	goodput = UsedBytes ÷ CapacityBytes = Σ_k SlowBytesIn_k ÷ Σ_k (B_k × ReadSeconds_k)
//
// at most 1 (a client on a link of B reads no more than B a second; the
// clock may round), rounded to 3 decimals; nil when no slow client read
// (no capacity). A server that builds a whole answer before its first
// byte keeps its clients waiting connected with nothing to read, one
// that answers 503 or fails sends them nothing: both lower it. One that
// feeds each client as fast as it reads keeps it near 1.
func (c clientReads) goodput() *float64 {
	if !(c.CapacityBytes > 0) || math.IsInf(c.CapacityBytes, 0) {
		return nil
	}
	g := format.Round(math.Min(float64(c.UsedBytes)/c.CapacityBytes, 1), 3)
	return &g
}

// goodputOf is a verdict's goodput ratio: the downstream's
// (results.Downstream.GoodputRatio) when it has one, else the client
// goodput of t's slow clients (clientReads.goodput), else nil. fromClients
// says which it is.
func goodputOf(res *results.Results, t results.Target) (ratio *float64, fromClients bool) {
	if g := t.Downstream.GoodputRatio; g != nil && !math.IsNaN(*g) {
		gr := format.Round(*g, 3)
		return &gr, false
	}
	if g := clientReadsOf(res.ScenarioSpec, t.Kinds).goodput(); g != nil {
		return g, true
	}
	return nil, false
}

// clientGoodputSymptom: "clients on slow links read 1,024 MiB of the 3,072
// MiB their links could carry while connected: client goodput 33 %", when
// the verdict's goodput is the clients' (v.GoodputRatio set and no
// downstream goodput).
func clientGoodputSymptom(res *results.Results, t results.Target) string {
	g, fromClients := goodputOf(res, t)
	if !fromClients {
		return ""
	}
	c := clientReadsOf(res.ScenarioSpec, t.Kinds)
	return fmt.Sprintf("clients on slow links read %s of the %s their links could carry while connected: client goodput %s (the goodput shown; no downstream)",
		format.MiB(float64(c.UsedBytes)/format.BytesPerMiB), format.MiB(c.CapacityBytes/format.BytesPerMiB), format.Percent(*g))
}
