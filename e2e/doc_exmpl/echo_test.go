//go:build e2e_guest

package docexmpl

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

// TestFamily checks what Dial resolved through nlctrl.
func TestFamily(t *testing.T) {
	ctx := guest.Ctx(t, 30*time.Second)
	c := dial(t, ctx)
	f := c.Conn().Family()
	if f.Name != docexmpl.FamilyName {
		t.Errorf("family name %q, want %q", f.Name, docexmpl.FamilyName)
	}
	if f.ID <= unix.GENL_ID_CTRL {
		t.Errorf("family id %d, want a dynamically allocated one (> %d)", f.ID, unix.GENL_ID_CTRL)
	}
	if f.Version != docexmpl.FamilyVersion {
		t.Errorf("family version %d, want %d", f.Version, docexmpl.FamilyVersion)
	}
	if f.HeaderSize != 0 {
		t.Errorf("header size %d, want 0 (the spec has no fixed header)", f.HeaderSize)
	}
	if id, ok := f.Groups[docexmpl.GroupEvents]; !ok || id == 0 {
		t.Errorf("multicast groups %v, want %q with a non-zero id", f.Groups, docexmpl.GroupEvents)
	}
	if len(f.Groups) != 1 {
		t.Errorf("multicast groups %v, want only %q", f.Groups, docexmpl.GroupEvents)
	}
}

// TestEcho sends messages of 1, 100 and the maximum number of bytes and
// checks the replies: same message, sequence numbers one apart, timestamps
// of CLOCK_REALTIME taken while the request was in the kernel.
func TestEcho(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) { testEcho(t, tr.opts...) })
	}
}

// transports are the two ways a request socket can talk to the kernel:
// one io_uring_enter for the send and the first receive (the default),
// and a send and a recvfrom.
var transports = []struct {
	name string
	opts []runtime.Option
}{
	{"io_uring", nil},
	{"plain", []runtime.Option{runtime.WithIOURing(false)}},
}

// TestIOURingUsable: the guest's 6.12 kernel has an io_uring the runtime
// can use, so the default transport the other tests run is the ring.
func TestIOURingUsable(t *testing.T) {
	if !runtime.IOURingUsable() {
		t.Fatal("the runtime's probe rejects the 6.12 kernel's io_uring")
	}
}

func testEcho(t *testing.T, opts ...runtime.Option) {
	ctx := guest.Ctx(t, 30*time.Second)
	c := dial(t, ctx, opts...)
	const slack = time.Second // generous: both ends read the same clock
	var prevSeq, prevTS uint64
	for i, n := range []int{1, 100, docexmpl.MsgMaxLen, 1, docexmpl.MsgMaxLen} {
		msg := msgOfLen(string(rune('a'+i)), n)
		before := time.Now()
		rsp := echo(t, ctx, c, msg)
		after := time.Now()

		seq, ts := rsp.Seq.V, rsp.Timestamp.V
		if seq == 0 {
			t.Errorf("echo of %d bytes: seq 0; the first echo is 1", n)
		}
		if i > 0 && seq != prevSeq+1 {
			t.Errorf("echo of %d bytes: seq %d after %d, want %d", n, seq, prevSeq, prevSeq+1)
		}
		got := time.Unix(0, int64(ts))
		if got.Before(before.Add(-slack)) || got.After(after.Add(slack)) {
			t.Errorf("echo of %d bytes: timestamp %v, want between %v and %v", n, got, before, after)
		}
		if ts < prevTS {
			t.Errorf("echo of %d bytes: timestamp %d before the previous echo's %d", n, ts, prevTS)
		}
		t.Logf("echo %3d bytes: seq %d, timestamp %v (round trip %v)", n, seq, got.Format(time.RFC3339Nano), after.Sub(before))
		prevSeq, prevTS = seq, ts
	}
}

// TestNoAckRequestWithoutReply sends "clear", which has no reply, the way
// operations with a reply are sent: without NLM_F_ACK (runtime.Op.DoReply).
// Finding nothing queued once the send returns must read as success, the
// handler must really have run, and the pooled socket must stay in step
// for the requests after it.
func TestNoAckRequestWithoutReply(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) { testNoAckRequestWithoutReply(t, tr.opts...) })
	}
}

func testNoAckRequestWithoutReply(t *testing.T, opts ...runtime.Option) {
	ctx := guest.Ctx(t, 30*time.Second)
	c := dial(t, ctx, opts...)
	echo(t, ctx, c, "before")
	clearNoAck := runtime.Op{Name: "clear", Cmd: 3, DoReply: true} // spec/doc_exmpl.yaml: clear is command 3
	replies := 0
	for range 3 {
		err := c.Conn().Do(ctx, &clearNoAck, nil, func(runtime.Message) error { replies++; return nil })
		if err != nil {
			t.Fatalf("clear without NLM_F_ACK: %v", err)
		}
	}
	if replies != 0 {
		t.Fatalf("clear without NLM_F_ACK: %d replies, want none", replies)
	}
	entries := 0
	for _, err := range c.HistoryDump(ctx) {
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		entries++
	}
	if entries != 0 {
		t.Fatalf("history has %d entries after clear: the request did not run", entries)
	}
	rsp := echo(t, ctx, c, "after")
	if rsp.Seq.V == 0 {
		t.Fatalf("echo after clear: seq 0")
	}
}
