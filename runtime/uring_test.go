package runtime

import (
	"context"
	"errors"
	"slices"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The Go mirrors of the io_uring ABI's structs must have its sizes.
func TestURingABISizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"io_uring_params", unsafe.Sizeof(uringParams{}), 120},
		{"io_uring_sqe", unsafe.Sizeof(uringSQE{}), 64},
		{"io_uring_cqe", unsafe.Sizeof(uringCQE{}), 16},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d bytes, want %d", c.name, c.got, c.want)
		}
	}
}

// ringOrSkip returns a new ring, skipping the test where the kernel has no
// usable io_uring (the runtime then uses plain system calls).
func ringOrSkip(t *testing.T) *uring {
	t.Helper()
	if !uringWorks() {
		t.Skip("no usable io_uring here")
	}
	u, err := newURing()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(u.close)
	return u
}

// A request socket uses a ring where the kernel has one, unless
// WithIOURing(false); a ring's descriptor is closed with its socket.
func TestURingInUse(t *testing.T) {
	ringOrSkip(t)
	c := dialT(t, "nlctrl")
	s, err := c.get()
	if err != nil {
		t.Fatal(err)
	}
	if s.ring == nil {
		t.Fatal("a request socket has no ring")
	}
	ringFD := s.ring.fd
	c.put(s)
	if _, err := getFamilyID(context.Background(), c, "nlctrl"); err != nil {
		t.Fatal(err)
	}
	if s.hasQueued {
		t.Error("the datagram received with the send was not handed out")
	}
	c.Close()
	if fdOpen(ringFD) {
		t.Error("Close left the ring's descriptor open")
	}

	plain := dialT(t, "nlctrl", WithIOURing(false))
	s, err = plain.get()
	if err != nil {
		t.Fatal(err)
	}
	defer plain.put(s)
	if s.ring != nil {
		t.Error("WithIOURing(false): the socket has a ring")
	}
}

// A send that fails cancels the receive linked to it.
func TestURingSendFailureCancelsReceive(t *testing.T) {
	u := ringOrSkip(t)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	buf := make([]byte, 64)
	r, errno := u.sendRecv(p[1], []byte("request"), buf, unix.MSG_DONTWAIT)
	if errno != 0 {
		t.Fatal(errno)
	}
	if r.sent != -int32(unix.ENOTSOCK) || r.received != -int32(unix.ECANCELED) {
		t.Fatalf("sent %d, received %d; want -ENOTSOCK and -ECANCELED", r.sent, r.received)
	}
	// The ring stays usable, and so does a socket whose send failed.
	s := &sock{fd: p[1], ring: u, rbuf: buf}
	if err := s.sendRequest([]byte("request")); !errors.Is(err, unix.ENOTSOCK) || s.hasQueued {
		t.Fatalf("sendRequest on a pipe: %v (queued %v), want ENOTSOCK and nothing queued", err, s.hasQueued)
	}
}

// Everything a request can meet ends the same with and without a ring:
// a reply and an ACK, a kernel error with its extended ACK, a reply that
// ends the exchange, a dump, a dump over many datagrams, and a reply
// larger than the receive buffer.
func TestURingMatchesPlain(t *testing.T) {
	ringOrSkip(t)
	type outcome struct {
		id       uint16
		err      string
		families []string
	}
	run := func(opts ...Option) []outcome {
		ctx := context.Background()
		c := dialT(t, "nlctrl", opts...)
		var out []outcome
		id, err := getFamilyID(ctx, c, "nlctrl")
		out = append(out, outcome{id: id, err: errString(err)})
		id, err = getFamilyID(ctx, c, "genlgen-nope")
		out = append(out, outcome{id: id, err: errString(err)})
		// getFamilyID asks for an ACK after the reply; a DoReply op's
		// reply ends the exchange.
		reply := testOpGetFamily
		reply.DoReply = true
		err = c.Do(ctx, &reply, func(e *Encoder) { e.PutString(unix.CTRL_ATTR_FAMILY_NAME, "nlctrl") },
			func(m Message) error { id, _, err = decodeFamily(m); return err })
		out = append(out, outcome{id: id, err: errString(err)})
		for _, bufSize := range []int{32 << 10, 4096} {
			d := dialT(t, "nlctrl", append(slices.Clone(opts), WithReceiveBuffer(bufSize))...)
			var o outcome
			for m, err := range d.Dump(ctx, &testOpGetFamily, nil) {
				if err != nil {
					o.err = err.Error()
					break
				}
				_, name, err := decodeFamily(m)
				if err != nil {
					t.Fatal(err)
				}
				o.families = append(o.families, name)
			}
			out = append(out, o)
		}
		small := &Conn{cfg: c.cfg, family: c.family}
		small.cfg.recvBuf = 64
		defer small.Close()
		_, err = getFamilyID(ctx, small, "nlctrl")
		out = append(out, outcome{err: errString(err)})
		id, err = getFamilyID(ctx, small, "nlctrl")
		out = append(out, outcome{id: id, err: errString(err)})
		return out
	}
	withRing, plain := run(), run(WithIOURing(false))
	if len(withRing) != len(plain) {
		t.Fatalf("%d outcomes with a ring, %d without", len(withRing), len(plain))
	}
	for i := range plain {
		if w, p := withRing[i], plain[i]; w.id != p.id || w.err != p.err || !slices.Equal(w.families, p.families) {
			t.Errorf("case %d: with a ring %+v, without %+v", i, w, p)
		}
	}
	// The cases must be what they claim.
	if plain[0].id != unix.GENL_ID_CTRL || plain[0].err != "" {
		t.Errorf("getfamily nlctrl: %+v", plain[0])
	}
	if plain[1].err == "" || plain[2].id != unix.GENL_ID_CTRL || len(plain[3].families) < 2 || len(plain[4].families) != len(plain[3].families) {
		t.Errorf("error, reply without ACK or dumps: %+v", plain[1:5])
	}
	if plain[5].err == "" || plain[6].id != unix.GENL_ID_CTRL {
		t.Errorf("truncated reply, then the grown buffer: %+v", plain[5:])
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The probe must accept this kernel's io_uring (these tests' machines have
// one that works) and reject a ring on which the receive would wait: a
// socket with nothing to send back but no MSG_DONTWAIT.
func TestURingProbe(t *testing.T) {
	u := ringOrSkip(t)
	if !probeURing() {
		t.Fatal("the probe rejects a working io_uring")
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Connect(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatal(err)
	}
	// What the probe checks for, made to fail: without MSG_DONTWAIT the
	// receive waits, and no second completion comes.
	u.queueSendRecv(fd, probeNoop[:], waitingBuf[:], 0)
	if _, _, e := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(u.fd), 2, 0, 0, 0, 0); e != 0 {
		t.Fatal(e)
	}
	var r uringResult
	if got := u.reap(&r); got != 1 || r.sent != nlmsgHdrLen {
		t.Fatalf("%d completions (sent %d), want the send's alone", got, r.sent)
	}
}

// waitingBuf is the receive buffer TestURingProbe leaves a receive waiting
// on until the ring closes: it must outlive the test.
var waitingBuf [64]byte
