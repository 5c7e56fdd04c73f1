package runner

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
)

// TestGuardLines: a panic in a callback reading a target's lines, on a
// goroutine that is not the run's, is recovered there, recorded as the
// run's internal error (ErrPanic) and stops the run; later lines are
// dropped rather than handed to a parser in an unknown state.
func TestGuardLines(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	h := &harness{opts: Options{Log: io.Discard}}
	h.panics.cancel = cancel
	var seen []string
	fn := h.guardLines(func(line string) {
		if line == "bad" {
			panic("a parser's fault on this line")
		}
		seen = append(seen, line)
	})
	var wg sync.WaitGroup
	wg.Go(func() { // proc reads each stream on a goroutine of its own
		for _, l := range []string{"ok", "bad", "after"} {
			fn(l)
		}
	})
	wg.Wait()
	if len(seen) != 1 || seen[0] != "ok" {
		t.Errorf("lines seen = %q; want only the one before the panic", seen)
	}
	if err := context.Cause(ctx); !errors.Is(err, ErrPanic) {
		t.Errorf("run stopped with %v; want ErrPanic", err)
	}
	if h.guardLines(nil) != nil {
		t.Error("guardLines(nil) != nil; want no callback where there was none")
	}
}
