package results

// ProxyFigures is what the TCP fault proxy saw while one target ran.
type ProxyFigures struct {
	// Upstream is the address the proxy forwarded to.
	Upstream string `json:"upstream"`
	// Totals over the run, within phases and outside them.
	Connections     uint64  `json:"connections"`
	Waits           uint64  `json:"waits"`
	WaitSeconds     float64 `json:"wait_seconds"`
	Resets          uint64  `json:"resets"`
	BytesToUpstream uint64  `json:"bytes_to_upstream"`
	BytesToClient   uint64  `json:"bytes_to_client"`
	DialErrors      uint64  `json:"dial_errors"`
	// Phases has one entry per downstream phase, in order.
	Phases []ProxyPhase `json:"phases"`
}

// ProxyPhase is what the proxy saw during one phase.
type ProxyPhase struct {
	Name string `json:"name,omitempty"`
	// Connections arrived from the target during the phase.
	Connections uint64 `json:"connections"`
	// Waits counts connections let in after waiting for capacity;
	// WaitSeconds is their waiting summed.
	Waits       uint64  `json:"waits"`
	WaitSeconds float64 `json:"wait_seconds"`
	// Resets counts connections reset by the phase's reset_rate.
	Resets          uint64 `json:"resets"`
	BytesToUpstream uint64 `json:"bytes_to_upstream"`
	BytesToClient   uint64 `json:"bytes_to_client"`
}
