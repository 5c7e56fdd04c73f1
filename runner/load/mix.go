package load

import (
	"math"
	"sync"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// mix is the attack's targeter: it chooses each request's kind by weight
// and whether its client is slow, deterministically, so two runs of one
// scenario send the same sequence.
//
// Kinds are chosen by smooth weighted round-robin (as nginx balances
// upstreams): every pick adds each kind's weight w_i to its credit c_i,
// takes the kind with the most credit (the first on a tie) and takes the
// total weight W from that kind's credit. After n picks kind i has been
// chosen n·w_i/W times give or take one (the credits stay within ±W), so
// the weights hold to within one request per kind over any run, and the
// kinds are interleaved rather than sent in blocks. A pick costs
// O(len(kinds)) under one mutex.
//
// Within kind i, request n (from 0) is slow when
// ⌊(n+1)·s_i⌋ > ⌊n·s_i⌋ for its SlowShare s_i: exactly ⌊n·s_i⌋ of its
// first n requests are slow, spread evenly.
type mix struct {
	mu     sync.Mutex
	weight []float64
	credit []float64
	total  float64
	sent   []uint64 // requests of each kind so far
	share  []float64
	// targets holds each kind's target for a fast client [0] and a slow
	// one [1]; their bodies and headers are shared by every request.
	targets [][2]vegeta.Target
}

func newMix(kinds []Kind) *mix {
	m := &mix{
		weight:  make([]float64, len(kinds)),
		credit:  make([]float64, len(kinds)),
		sent:    make([]uint64, len(kinds)),
		share:   make([]float64, len(kinds)),
		targets: make([][2]vegeta.Target, len(kinds)),
	}
	for i, k := range kinds {
		m.weight[i] = k.Weight
		m.total += k.Weight
		if k.slow() {
			m.share[i] = k.SlowShare
		}
		for j, slow := range []bool{false, true} {
			m.targets[i][j] = vegeta.Target{Method: k.Method, URL: markedURL(k.URL, i, slow), Body: k.Body, Header: k.Header}
		}
	}
	return m
}

// next picks the next request's kind and whether its client is slow.
func (m *mix) next() (kind int, slow bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, w := range m.weight {
		m.credit[i] += w
		if m.credit[i] > m.credit[kind] {
			kind = i
		}
	}
	m.credit[kind] -= m.total
	n := float64(m.sent[kind])
	m.sent[kind]++
	s := m.share[kind]
	return kind, s > 0 && math.Floor((n+1)*s) > math.Floor(n*s)
}

// target is the vegeta.Targeter: it never fails.
func (m *mix) target(t *vegeta.Target) error {
	k, slow := m.next()
	j := 0
	if slow {
		j = 1
	}
	*t = m.targets[k][j]
	return nil
}
