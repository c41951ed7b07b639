package runtime

import (
	"context"
	"fmt"
	goruntime "runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// fakeHistory plays the kernel's part of a DOC_EXMPL history dump on the
// far end of a socket pair: it reads one request and answers with n
// entries (msg, seq, timestamp), packed into datagrams of about 32 KiB as
// the kernel packs dumps, then NLMSG_DONE. The socket pair's queue limit
// paces it the way the kernel's dump is paced by the reader.
func fakeHistory(fd int, family uint16, n int) error {
	req := make([]byte, 4096)
	if _, _, err := unix.Recvfrom(fd, req, 0); err != nil {
		return err
	}
	seq, port := ne.Uint32(req[8:]), ne.Uint32(req[12:])
	var e Encoder
	dgram := make([]byte, 0, 32<<10)
	flush := func() error {
		if len(dgram) == 0 {
			return nil
		}
		err := unix.Send(fd, dgram, 0)
		dgram = dgram[:0]
		return err
	}
	for i := range n {
		e.Begin(family, unix.NLM_F_MULTI, 2, 1)
		e.PutString(1, fmt.Sprintf("history entry %d", i))
		e.PutU64(2, uint64(i+1))
		e.PutU64(3, 1_700_000_000_000_000_000+uint64(i))
		m := e.finish(seq, port)
		if len(dgram)+len(m) > cap(dgram) {
			if err := flush(); err != nil {
				return err
			}
		}
		dgram = append(dgram, m...)
	}
	done := make([]byte, nlmsgHdrLen+4)
	ne.PutUint32(done, uint32(len(done)))
	ne.PutUint16(done[4:], unix.NLMSG_DONE)
	ne.PutUint16(done[6:], unix.NLM_F_MULTI)
	ne.PutUint32(done[8:], seq)
	ne.PutUint32(done[12:], port)
	if len(dgram)+len(done) > cap(dgram) {
		if err := flush(); err != nil {
			return err
		}
	}
	dgram = append(dgram, done...)
	return flush()
}

// fakeConn is a Conn whose one pooled socket is one end of a socket pair;
// the other end is returned.
func fakeConn(tb testing.TB) (*Conn, int) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		tb.Skipf("socketpair: %v", err)
	}
	tb.Cleanup(func() { unix.Close(fds[1]) })
	cfg := defaultConfig()
	cfg.maxIdle = 1
	s := &sock{fd: fds[0], portID: 4242, wake: cfg.wake}
	s.grow(cfg.recvBuf)
	if err := s.setTimeout(s.wake); err != nil {
		tb.Fatal(err)
	}
	c := &Conn{cfg: cfg, family: Family{Name: "DOC_EXMPL", ID: 0x42}, idle: []*sock{s}}
	tb.Cleanup(func() { c.Close() })
	return c, fds[1]
}

// historyEntry is what the generated docexmpl package decodes an entry
// into, written out here because runtime cannot import generated code.
type historyEntry struct {
	Msg            *string
	Seq, Timestamp *uint64
}

func (h *historyEntry) decode(b []byte) error {
	type vals struct {
		msg            string
		seq, timestamp uint64
	}
	s := new(vals)
	it := Attrs(b)
	for it.Next() {
		var err error
		switch it.Type() {
		case 1:
			s.msg, err = ReadNulString("msg", it.Data())
			h.Msg = &s.msg
		case 2:
			s.seq, err = ReadU64("seq", it.Data())
			h.Seq = &s.seq
		case 3:
			s.timestamp, err = ReadU64("timestamp", it.Data())
			h.Timestamp = &s.timestamp
		}
		if err != nil {
			return err
		}
	}
	return it.Err()
}

var testOpHistory = Op{Name: "history", Cmd: 2}

// BenchmarkDumpMemory is goal 5: a dump of 1k, 10k and 100k DOC_EXMPL
// history entries through Conn.Dump, each entry decoded into a fresh
// struct as the generated HistoryDump does and then dropped. peak-live-B is
// the largest live heap (after a forced collection) seen at ten points of
// the dump; it must not grow with the number of entries, because the
// runtime holds one receive buffer and never the dump.
func BenchmarkDumpMemory(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			c, peer := fakeConn(b)
			ctx := context.Background()
			var peak uint64
			var ms goruntime.MemStats
			b.ReportAllocs()
			for b.Loop() {
				errc := make(chan error, 1)
				go func() { errc <- fakeHistory(peer, c.family.ID, n) }()
				got := 0
				for m, err := range c.Dump(ctx, &testOpHistory, nil) {
					if err != nil {
						b.Fatal(err)
					}
					h := new(historyEntry)
					if err := h.decode(m.Payload); err != nil || *h.Seq != uint64(got+1) {
						b.Fatal(got, err)
					}
					got++
					if got%(n/10) == 0 {
						goruntime.GC()
						goruntime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapAlloc)
					}
				}
				if err := <-errc; err != nil || got != n {
					b.Fatal(got, err)
				}
			}
			b.ReportMetric(float64(peak), "peak-live-B")
		})
	}
}
