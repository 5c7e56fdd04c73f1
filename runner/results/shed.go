package results

import "time"

// ShedMaxLatency is the longest a 503 or 429 may take to count as shed:
// a target that turns a request away on purpose answers at once, while
// a 503 after seconds is a failure that held the request (and its memory)
// first.
const ShedMaxLatency = time.Second

// IsShed reports whether an answer with this status code, after this
// latency, is load shed on purpose: 503 Service Unavailable or 429 Too
// Many Requests within ShedMaxLatency.
func IsShed(code uint16, latency time.Duration) bool {
	return (code == 503 || code == 429) && latency <= ShedMaxLatency
}
