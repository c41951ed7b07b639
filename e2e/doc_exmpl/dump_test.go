//go:build e2e_guest

package docexmpl

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

// dumpEchoes is how many echoes TestHistoryDump records and lists: far more
// than one dump datagram holds.
const dumpEchoes = 10000

// entry is one history record, compared field by field.
type entry struct {
	msg     string
	seq, ts uint64
}

func entryOf(v *docexmpl.DocExmpl) (entry, error) {
	if !v.Msg.Present || !v.Seq.Present || !v.Timestamp.Present {
		return entry{}, fmt.Errorf("history entry %+v lacks msg, seq or timestamp", v)
	}
	return entry{v.Msg.V, v.Seq.V, v.Timestamp.V}, nil
}

// TestHistoryDump echoes dumpEchoes messages into an empty history and
// checks that the dump lists each exactly once, oldest first, with the seq
// and timestamp the echo replied with, and that it took many datagrams.
func TestHistoryDump(t *testing.T) {
	if n := historyCapacity(t); n < dumpEchoes {
		t.Fatalf("the module keeps %d history entries, the test needs %d", n, dumpEchoes)
	}
	ctx := guest.Ctx(t, 120*time.Second)
	c := dial(t, ctx)
	clearHistory(t, ctx, c)
	if h := history(t, ctx, c); len(h) != 0 {
		t.Fatalf("history has %d entries right after clear", len(h))
	}

	// A few senders keep both guest CPUs busy; the kernel's seq orders
	// the history, so that is the order the dump must list.
	const senders = 4
	replies := make([][]entry, senders)
	errs := make([]error, senders)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < dumpEchoes; i += senders {
				// Lengths vary so that entries straddle datagram
				// boundaries at different offsets.
				msg := fmt.Sprintf("dump-%05d-%s", i, msgOfLen("p", i%61))
				rsp, err := c.Echo(ctx, &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
				if err == nil {
					err = checkReply(msg, rsp)
				}
				if err != nil {
					errs[w] = fmt.Errorf("echo %d: %w", i, err)
					return
				}
				replies[w] = append(replies[w], entry{msg, rsp.Seq.V, rsp.Timestamp.V})
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d echoes in %v", dumpEchoes, time.Since(start))
	want := slices.Concat(replies...)
	slices.SortFunc(want, func(a, b entry) int { return cmp.Compare(a.seq, b.seq) })
	for i := 1; i < len(want); i++ {
		if want[i].seq != want[i-1].seq+1 {
			t.Fatalf("echo replies: seq %d follows %d", want[i].seq, want[i-1].seq)
		}
	}

	start = time.Now()
	got := history(t, ctx, c)
	t.Logf("typed dump of %d entries in %v", len(got), time.Since(start))
	compareHistory(t, "typed dump", got, want)

	// The same dump decoding every entry into the memory of the one
	// before (runtime.ReuseReplies): each is copied as it comes, strings
	// included, and checked against the echoes once the dump is over.
	start = time.Now()
	var reused []entry
	for v, err := range c.HistoryDump(ctx, runtime.ReuseReplies()) {
		if err != nil {
			t.Fatal(err)
		}
		e, err := entryOf(v)
		if err != nil {
			t.Fatal(err)
		}
		reused = append(reused, e)
	}
	t.Logf("typed dump reusing memory: %d entries in %v", len(reused), time.Since(start))
	if len(reused) != len(want) {
		t.Errorf("dump reusing memory: %d entries, want %d", len(reused), len(want))
	}
	for i := range min(len(reused), len(want)) {
		if reused[i] != want[i] {
			t.Fatalf("dump reusing memory: entry %d is {%q seq %d ts %d}, want {%q seq %d ts %d}",
				i, short(reused[i].msg), reused[i].seq, reused[i].ts, short(want[i].msg), want[i].seq, want[i].ts)
		}
	}

	// The same dump on a socket of our own, to see its datagrams.
	raw, datagrams := rawHistory(t, c.Conn().Family().ID)
	t.Logf("raw dump: %d entries in %d datagrams", len(raw), datagrams)
	compareHistory(t, "raw dump", raw, want)
	if datagrams < 2 {
		t.Errorf("raw dump: %d entries came in %d datagram(s); a dump this size needs several dumpit calls", len(raw), datagrams)
	}
}

func compareHistory(t *testing.T, what string, got []*docexmpl.DocExmpl, want []entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d entries, want %d", what, len(got), len(want))
	}
	bad := 0
	for i := range min(len(got), len(want)) {
		e, err := entryOf(got[i])
		if err == nil && e != want[i] {
			err = fmt.Errorf("entry %d is {%q seq %d ts %d}, want {%q seq %d ts %d}",
				i, short(e.msg), e.seq, e.ts, short(want[i].msg), want[i].seq, want[i].ts)
		}
		if err != nil {
			t.Errorf("%s: %v", what, err)
			if bad++; bad == 10 {
				t.Fatalf("%s: giving up after %d bad entries", what, bad)
			}
		}
	}
}

// TestDumpStopEarly stops reading history dumps after a few entries, while
// the kernel still holds the rest of the dump, and checks the connection (a
// single pooled socket) still works, and that a full dump afterwards is
// complete.
func TestDumpStopEarly(t *testing.T) {
	const atLeast = 2000 // entries: several datagrams
	ctx := guest.Ctx(t, 60*time.Second)
	c := dial(t, ctx, runtime.WithPoolSize(1))
	full := len(history(t, ctx, c))
	for ; full < atLeast; full++ {
		echo(t, ctx, c, fmt.Sprintf("early-%d", full))
	}
	for round := range 20 {
		n := 0
		for _, err := range c.HistoryDump(ctx) {
			if err != nil {
				t.Fatalf("round %d: dump: %v", round, err)
			}
			if n++; n == 1+round {
				break
			}
		}
		echo(t, ctx, c, fmt.Sprintf("after early stop %d", round))
		full++
	}
	// The history is bounded: the oldest entries make room.
	if got, want := len(history(t, ctx, c)), min(full, historyCapacity(t)); got != want {
		t.Errorf("full dump after the early stops: %d entries, want %d", got, want)
	}
}

// rawHistory runs the history dump on a plain AF_NETLINK socket and returns
// the entries and the number of datagrams they came in.
func rawHistory(t *testing.T, family uint16) ([]*docexmpl.DocExmpl, int) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	defer unix.Close(fd)
	tv := unix.NsecToTimeval((10 * time.Second).Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		t.Fatalf("SO_RCVTIMEO: %v", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	ne := binary.NativeEndian
	const seq = 4242
	req := make([]byte, unix.NLMSG_HDRLEN+unix.GENL_HDRLEN)
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], family)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], seq)
	req[unix.NLMSG_HDRLEN] = cmdHistory
	req[unix.NLMSG_HDRLEN+1] = docexmpl.FamilyVersion
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatalf("send: %v", err)
	}

	var out []*docexmpl.DocExmpl
	buf := make([]byte, 1<<20)
	for datagrams := 1; ; datagrams++ {
		n, _, err := unix.Recvfrom(fd, buf, unix.MSG_TRUNC)
		if err != nil {
			t.Fatalf("receive datagram %d: %v", datagrams, err)
		}
		if n > len(buf) {
			t.Fatalf("datagram %d of %d bytes truncated", datagrams, n)
		}
		for b := buf[:n]; len(b) > 0; {
			if len(b) < unix.NLMSG_HDRLEN {
				t.Fatalf("datagram %d: %d stray bytes", datagrams, len(b))
			}
			l := int(ne.Uint32(b))
			if l < unix.NLMSG_HDRLEN || l > len(b) {
				t.Fatalf("datagram %d: message length %d with %d bytes left", datagrams, l, len(b))
			}
			typ, flags := ne.Uint16(b[4:]), ne.Uint16(b[6:])
			if got := ne.Uint32(b[8:]); got != seq {
				t.Fatalf("datagram %d: message with seq %d, want %d", datagrams, got, seq)
			}
			body := b[unix.NLMSG_HDRLEN:l]
			b = b[min((l+3)&^3, len(b)):]
			switch typ {
			case unix.NLMSG_DONE:
				if len(body) >= 4 && ne.Uint32(body) != 0 {
					t.Fatalf("dump ended with error %v", unix.Errno(-int32(ne.Uint32(body))))
				}
				return out, datagrams
			case unix.NLMSG_ERROR:
				t.Fatalf("dump failed: %v", unix.Errno(-int32(ne.Uint32(body))))
			case family:
			default:
				t.Fatalf("unexpected message type %d", typ)
			}
			if flags&unix.NLM_F_MULTI == 0 {
				t.Errorf("dump message without NLM_F_MULTI")
			}
			if flags&unix.NLM_F_DUMP_INTR != 0 {
				t.Errorf("dump message flagged NLM_F_DUMP_INTR, though nothing changed the history")
			}
			if len(body) < unix.GENL_HDRLEN || body[0] != cmdHistory {
				t.Fatalf("dump message without a history genl header: % x", body[:min(len(body), 4)])
			}
			v := new(docexmpl.DocExmpl)
			if err := v.Decode(body[unix.GENL_HDRLEN:]); err != nil {
				t.Fatalf("decode entry %d: %v", len(out), err)
			}
			out = append(out, v)
		}
	}
}

// checkClearInterruptsDump starts a history dump of many datagrams, clears
// the history after the first entry and checks that the dump ends with
// ErrDumpInterrupted (the kernel flags NLM_F_DUMP_INTR) rather than
// silently ending short. It leaves the history empty.
func checkClearInterruptsDump(t *testing.T, ctx context.Context, c *docexmpl.Client) {
	t.Helper()
	// Entries of the maximum length: 1500 fill about 15 datagrams, more
	// than the kernel prepares ahead of the reader.
	for len(history(t, ctx, c)) < 1500 {
		for i := range 100 {
			echo(t, ctx, c, msgOfLen(fmt.Sprintf("intr-%d", i), docexmpl.MsgMaxLen))
		}
	}
	clearer := dial(t, ctx)
	n := 0
	var last error
	for _, err := range c.HistoryDump(ctx) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 1 {
			clearHistory(t, ctx, clearer)
		}
	}
	if !errors.Is(last, runtime.ErrDumpInterrupted) {
		t.Errorf("history dump with a clear after its first entry: %d entries, then %v; want ErrDumpInterrupted", n, last)
	} else {
		t.Logf("history dump with a clear after its first entry: %d entries, then %v", n, last)
	}
}

// TestClearInterruptsDump: see checkClearInterruptsDump.
func TestClearInterruptsDump(t *testing.T) {
	ctx := guest.Ctx(t, 60*time.Second)
	checkClearInterruptsDump(t, ctx, dial(t, ctx))
}
