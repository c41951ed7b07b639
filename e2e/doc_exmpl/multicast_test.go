//go:build e2e_guest

package docexmpl

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

// notifyEchoes is how many echoes TestNotifications sends.
const notifyEchoes = 1000

// subscriberQueue is the subscriber's SO_RCVBUF. Notifications are allocated
// generously (a page or more of truesize each), and under TCG the sender
// can outrun the reader, so the default queue could overflow.
const subscriberQueue = 32 << 20

// TestNotifications subscribes to the events group with one client while
// another echoes, and checks one notification per echo, in order, with the
// payload of the echo's reply.
func TestNotifications(t *testing.T) {
	ctx := guest.Ctx(t, 120*time.Second)
	// SO_RCVBUF is capped by rmem_max; raise it in the throwaway guest.
	if err := os.WriteFile("/proc/sys/net/core/rmem_max", []byte(fmt.Sprint(subscriberQueue)), 0); err != nil {
		t.Fatalf("raise rmem_max: %v", err)
	}
	listener := dial(t, ctx, runtime.WithSocketReceiveBuffer(subscriberQueue))
	sender := dial(t, ctx)
	sub, err := listener.Subscribe(ctx, docexmpl.GroupEvents)
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	defer sub.Close()

	type got struct {
		e   entry
		err error
	}
	ntfs := make(chan got, notifyEchoes+1)
	go func() {
		defer close(ntfs)
		// Each notification is checked and copied (entryOf) before the
		// next, so it may be decoded into the memory of the one before;
		// the reload tests read notifications the default way.
		for n, err := range sub.All(runtime.ReuseReplies()) {
			ntf, ok := n.(docexmpl.EchoNtf)
			if err == nil && !ok {
				err = fmt.Errorf("notification %#v, want echo-ntf", n)
			}
			var e entry
			if err == nil {
				v := ntf.DocExmpl
				if v == nil {
					err = fmt.Errorf("echo-ntf without attributes")
				} else if e, err = entryOf(v); err == nil && len(v.Unknown) != 0 {
					err = fmt.Errorf("echo-ntf with %d unknown attributes", len(v.Unknown))
				}
			}
			ntfs <- got{e, err}
			if err != nil {
				return
			}
		}
	}()

	want := make([]entry, 0, notifyEchoes+1)
	start := time.Now()
	for i := range notifyEchoes {
		msg := fmt.Sprintf("ntf-%04d %s", i, msgOfLen("n", i%200))
		rsp := echo(t, ctx, sender, msg)
		want = append(want, entry{msg, rsp.Seq.V, rsp.Timestamp.V})
	}
	// A last echo marks the end: it must be the very next notification,
	// so none was duplicated or left over.
	rsp := echo(t, ctx, sender, "ntf-end")
	want = append(want, entry{"ntf-end", rsp.Seq.V, rsp.Timestamp.V})
	t.Logf("%d echoes sent in %v", len(want), time.Since(start))

	for i, w := range want {
		var g got
		var ok bool
		select {
		case g, ok = <-ntfs:
		case <-ctx.Done():
			t.Fatalf("notification %d of %d: %v", i, len(want), ctx.Err())
		}
		switch {
		case !ok:
			t.Fatalf("subscription ended after %d of %d notifications", i, len(want))
		case g.err != nil:
			t.Fatalf("notification %d: %v", i, g.err)
		case g.e != w:
			t.Fatalf("notification %d is {%q seq %d ts %d}, want {%q seq %d ts %d}",
				i, short(g.e.msg), g.e.seq, g.e.ts, short(w.msg), w.seq, w.ts)
		}
	}
	t.Logf("%d notifications matched in %v", len(want), time.Since(start))
}
