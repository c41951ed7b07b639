package runtime

import (
	"context"
	"testing"

	"golang.org/x/sys/unix"
)

// FuzzParseMessages feeds arbitrary datagrams to the reply parser: it must
// end with a message, a done or an error, never panic, and allocate in
// proportion to its input.
func FuzzParseMessages(f *testing.F) {
	sent := sentRequest()
	f.Add(msg(tFamily, 0, tSeq, tPid, genl(1, 8, 0, 1, 0, 42, 0, 0, 0)))
	f.Add(msg(2, 0x300, tSeq, tPid, errBody(-22, []byte{8, 0, 2, 0, 24, 0, 0, 0})))
	f.Add(msg(3, 2, tSeq, tPid, doneBody(0)))
	f.Fuzz(func(t *testing.T, dgram []byte) {
		stopped := false
		parse := func() {
			var r reader
			flags := []uint16{unix.NLM_F_REQUEST, unix.NLM_F_REQUEST | unix.NLM_F_ACK, unix.NLM_F_REQUEST | unix.NLM_F_DUMP}[len(dgram)%3]
			r.reset(&fakeSource{dgrams: [][]byte{dgram}}, nil, tFamily, tSeq, tPid, &tOp, sent, nlmsgHdrLen+genlHdrLen, flags)
			for range len(dgram)/nlmsgHdrLen + 2 {
				done, err := r.next(context.Background())
				m := r.msg
				if err != nil || done {
					stopped = true
					return
				}
				it := Attrs(m.Payload)
				for it.Next() {
				}
			}
		}
		// Allocations come from building one error and its extended ACK
		// (message, cookie, policy), so they are bounded by the input.
		if a := testing.AllocsPerRun(1, parse); a > float64(64+len(dgram)/4) {
			t.Fatalf("%v allocations for %d bytes", a, len(dgram))
		}
		if !stopped {
			t.Fatal("reader did not stop")
		}
	})
}

// FuzzAttrs walks arbitrary attribute bytes, recursing into every
// attribute as if it were a nest, and maps every offset to a path.
func FuzzAttrs(f *testing.F) {
	f.Add(sentRequest()[nlmsgHdrLen+genlHdrLen:])
	f.Add([]byte{8, 0, 1, 0x80, 4, 0, 2, 0})
	f.Add([]byte{5, 0, 1, 0, 7})
	f.Fuzz(func(t *testing.T, b []byte) {
		walk(b, 0)
		for off := 0; off <= len(b)+4; off += 4 {
			pathAt(tOp.Attrs, b, 0, off)
		}
		parseExtAck(b)
		parsePolicy(b)
	})
}

func walk(b []byte, depth int) {
	if depth > 8 {
		return
	}
	it := Attrs(b)
	for it.Next() {
		ReadUint("x", it.Data())
		ReadString("x", it.Data())
		walk(it.Data(), depth+1)
	}
}
