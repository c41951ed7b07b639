//go:build e2e_guest

package docexmpl

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

// TestConcurrentEchoes runs 16 goroutines on one client and 4 more clients
// at the same time, 1,000 echoes each. Every reply must carry its own
// request's message, and the kernel must hand out every sequence number
// once.
func TestConcurrentEchoes(t *testing.T) {
	const (
		sharedWorkers = 16
		clients       = 4
		perWorker     = 1000
	)
	ctx := guest.Ctx(t, 180*time.Second)
	shared := dial(t, ctx)
	workers := make([]*docexmpl.Client, 0, sharedWorkers+clients)
	for range sharedWorkers {
		workers = append(workers, shared)
	}
	for range clients {
		workers = append(workers, dial(t, ctx))
	}

	seqs := make([][]uint64, len(workers))
	errs := make([]error, len(workers))
	var wg sync.WaitGroup
	start := time.Now()
	for w, c := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seqs[w], errs[w] = echoLoop(ctx, c, w, perWorker)
		}()
	}
	wg.Wait()
	total := len(workers) * perWorker
	t.Logf("%d echoes from %d goroutines in %v", total, len(workers), time.Since(start))
	for w, err := range errs {
		if err != nil {
			t.Errorf("worker %d: %v", w, err)
		}
	}
	if t.Failed() {
		return
	}

	seen := make(map[uint64]int, total)
	lo, hi := ^uint64(0), uint64(0)
	for w, ss := range seqs {
		for _, s := range ss {
			if prev, dup := seen[s]; dup {
				t.Fatalf("seq %d given to workers %d and %d", s, prev, w)
			}
			seen[s] = w
			lo, hi = min(lo, s), max(hi, s)
		}
	}
	// Nothing else echoes meanwhile, so the numbers are one block.
	if hi-lo+1 != uint64(total) {
		t.Errorf("seqs span [%d, %d], %d numbers for %d echoes", lo, hi, hi-lo+1, total)
	}
}

// echoLoop sends n echoes tagged with worker w, checks each reply and
// returns the sequence numbers, which must grow.
func echoLoop(ctx context.Context, c *docexmpl.Client, w, n int) ([]uint64, error) {
	seqs := make([]uint64, 0, n)
	for i := range n {
		msg := fmt.Sprintf("worker %02d echo %04d", w, i)
		rsp, err := c.Echo(ctx, &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
		if err != nil {
			return seqs, fmt.Errorf("echo %d: %w", i, err)
		}
		if err := checkReply(msg, rsp); err != nil {
			return seqs, fmt.Errorf("echo %d: %w", i, err)
		}
		if i > 0 && rsp.Seq.V <= seqs[i-1] {
			return seqs, fmt.Errorf("echo %d: seq %d after %d", i, rsp.Seq.V, seqs[i-1])
		}
		seqs = append(seqs, rsp.Seq.V)
	}
	return seqs, nil
}
