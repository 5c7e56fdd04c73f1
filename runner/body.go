package runner

import (
	"bytes"
	"fmt"
	"math/rand/v2"

	"github.com/oomlab/oomlab/scenarios"
)

// makeBody returns the request body a scenario asks for: the file's bytes,
// or Size bytes of the given kind. The generator is seeded, so two runs of
// one scenario send the same bytes.
func makeBody(b scenarios.Body) ([]byte, error) {
	if b.File != "" {
		data, err := scenarios.ReadRegularFile(b.File, scenarios.MaxBodyBytes)
		if err != nil {
			return nil, fmt.Errorf("runner: request body: %w", err)
		}
		return data, nil
	}
	n := int64(b.Size)
	if n > scenarios.MaxBodyBytes {
		return nil, fmt.Errorf("runner: request body size %d is more than the %d allowed", n, scenarios.MaxBodyBytes)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	switch b.Kind {
	case "zeros":
		return make([]byte, n), nil
	case "ndjson", "json":
		return jsonBody(rng, n, b.Kind == "json"), nil
	default:
		buf := make([]byte, n)
		for i := 0; i+8 <= len(buf); i += 8 {
			v := rng.Uint64()
			for j := 0; j < 8; j++ {
				buf[i+j] = byte(v >> (8 * j))
			}
		}
		for i := len(buf) &^ 7; i < len(buf); i++ {
			buf[i] = byte(rng.Uint32())
		}
		return buf, nil
	}
}

// makeBodies returns each kind's body (makeBody), in order; kinds that
// ask for the same body share one slice.
func makeBodies(kinds []scenarios.RequestKind) ([][]byte, error) {
	out := make([][]byte, len(kinds))
	made := make(map[scenarios.Body][]byte, len(kinds))
	for i, k := range kinds {
		b, ok := made[k.Body]
		if !ok {
			var err error
			if b, err = makeBody(k.Body); err != nil {
				return nil, fmt.Errorf("%w (request kind %s)", err, k.Name)
			}
			made[k.Body] = b
		}
		out[i] = b
	}
	return out, nil
}

// jsonBody writes records {"id":N,"name":"...","value":F} one per line
// (NDJSON) or as one array (JSON) until the body reaches about n bytes.
func jsonBody(rng *rand.Rand, n int64, array bool) []byte {
	var buf bytes.Buffer
	buf.Grow(int(n) + 128)
	if array {
		buf.WriteByte('[')
	}
	for i := 0; int64(buf.Len()) < n-2; i++ {
		if array && i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"id":%d,"name":"record-%08x","value":%.4f,"tags":["a","b","c"]}`, i, rng.Uint32(), rng.Float64()*1000)
		if !array {
			buf.WriteByte('\n')
		}
	}
	if array {
		buf.WriteByte(']')
	}
	return buf.Bytes()
}
