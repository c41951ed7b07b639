//go:build e2e_guest

package e2ealltypes

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"iter"
	"os"
	"testing"
	"time"

	"github.com/genlgen/genlgen/e2e/guest"
	at "github.com/genlgen/genlgen/internal/gogen/alltypes"
	"github.com/genlgen/genlgen/runtime"
)

var (
	koPath     = flag.String("ko", "/e2e/modules/alltypes.ko", "the module file, for the unload test's insmod")
	moduleName = flag.String("module", "alltypes", "the module's name, for rmmod and /sys/module")
	seed       = flag.Uint64("seed", 0, "seed of the random values (0: from the clock; logged)")
	echoes     = flag.Int("echoes", 5000, "valid echoes per batch")
	invalids   = flag.Int("invalid", 1000, "invalid requests")
	strict     = flag.Bool("strict-known", true, "fail on the generated-helper bugs these probes once found (fixed since); false only logs them")
)

// seedOf returns the run's seed, logged so a failure can be replayed with
// -seed.
func seedOf(t *testing.T, salt uint64) uint64 {
	t.Helper()
	s := *seed
	if s == 0 {
		s = uint64(time.Now().UnixNano())
		*seed = s
	}
	t.Logf("seed %d (replay: -seed=%d)", s, s)
	return s ^ salt
}

func TestMain(m *testing.M) {
	flag.Parse()
	guest.Main(m, "alltypes", func(mode string) int {
		fmt.Fprintf(os.Stderr, "alltypes: no helper mode %q\n", mode)
		return 2
	})
}

// dial connects a new client, closed when the test ends.
func dial(t *testing.T, ctx context.Context, opts ...runtime.Option) *at.Client {
	t.Helper()
	c, err := at.Dial(ctx, opts...)
	if err != nil {
		t.Fatalf("dial %s: %v", at.FamilyName, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// notifications subscribes c to the things group and returns a function
// that waits for the next notification, and the subscription's end.
func notifications(t *testing.T, ctx context.Context, c *at.Client) (next func() (at.Notification, error), stop func()) {
	t.Helper()
	sub, err := c.Subscribe(ctx, at.GroupThings)
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	pull, stopPull := iter.Pull2(sub.All())
	next = func() (at.Notification, error) {
		n, err, ok := pull()
		if !ok {
			return n, errors.New("subscription ended")
		}
		return n, err
	}
	return next, func() { sub.Close(); stopPull() }
}

// kernelErr returns the kernel's error inside err, or why there is none.
func kernelErr(err error) (*runtime.Error, error) {
	if err == nil {
		return nil, errors.New("succeeded, want a kernel error")
	}
	var ke *runtime.Error
	if !errors.As(err, &ke) {
		return nil, fmt.Errorf("%v (%T), want a *runtime.Error from the kernel", err, err)
	}
	return ke, nil
}
