package runtime

import (
	"errors"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// An exchange starts with two system calls: the send, during which the
// kernel handles the request and queues its answer (or, for a dump, the
// first datagram of it), and a receive that takes what was queued. On
// kernels with io_uring a request socket makes both in one io_uring_enter
// instead: a send linked to a non-blocking receive. Entering and leaving
// the kernel is the dearest part of a short request on machines whose
// kernels isolate page tables (BENCHMARKS.md, goal 1), and this halves it.
//
// The ring is the socket's own, two entries deep, used by one goroutine at
// a time like the socket. Everything else (later receives of a dump,
// notifications) stays plain recvfrom: they may wait, and a wait through
// io_uring would not honour SO_RCVTIMEO, by which a receive notices that
// its context ended.

// Constants of the io_uring ABI (include/uapi/linux/io_uring.h).
const (
	ioringOpSend          = 26 // IORING_OP_SEND
	ioringOpRecv          = 27 // IORING_OP_RECV
	iosqeIOLink           = 1 << 2
	ioringEnterGetEvents  = 1 << 0
	ioringFeatSingleMmap  = 1 << 0
	ioringOffSQRing       = 0
	ioringOffSQEs         = 0x10000000
	uringEntries          = 2
	sqeSize               = 64
	cqeSize               = 16
	uringSendTag          = 1  // user_data of the send's completion
	uringRecvTag          = 2  // user_data of the receive's completion
	uringOffsetsPerStruct = 10 // uint32 slots of io_sqring_offsets and io_cqring_offsets
)

// Indexes of the offsets used, in io_sqring_offsets (head, tail,
// ring_mask, ring_entries, flags, dropped, array, resv1, resv2 as two
// slots) and io_cqring_offsets (head, tail, ring_mask, ring_entries,
// overflow, cqes, flags, resv1, resv2).
const (
	offHead     = 0
	offTail     = 1
	offRingMask = 2
	sqOffArray  = 6
	cqOffCQEs   = 5
)

// uringParams is struct io_uring_params.
type uringParams struct {
	sqEntries    uint32
	cqEntries    uint32
	flags        uint32
	sqThreadCPU  uint32
	sqThreadIdle uint32
	features     uint32
	wqFD         uint32
	_            [3]uint32
	sqOff        [uringOffsetsPerStruct]uint32
	cqOff        [uringOffsetsPerStruct]uint32
}

// uringSQE is struct io_uring_sqe, with the union members a send and a
// receive use.
type uringSQE struct {
	opcode   uint8
	flags    uint8
	ioprio   uint16
	fd       int32
	off      uint64
	addr     uint64
	len      uint32
	msgFlags uint32
	userData uint64
	_        [3]uint64 // buf_index, personality, splice_fd_in, addr3, pad
}

// uringCQE is struct io_uring_cqe.
type uringCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

// uring is one io_uring instance and its mapped rings.
type uring struct {
	fd    int
	rings []byte // SQ and CQ rings, one mapping (IORING_FEAT_SINGLE_MMAP)
	sqes  []byte

	sqHead, sqTail *uint32 // the kernel advances head, we advance tail
	sqMask         uint32
	sqArray        []uint32
	cqHead, cqTail *uint32 // we advance head, the kernel advances tail
	cqMask         uint32
	cqes           []uringCQE
}

// newURing sets up a ring of two entries, or fails if the kernel has no
// usable io_uring (too old, disabled by sysctl or a seccomp filter).
func newURing() (*uring, error) {
	var p uringParams
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uringEntries, uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, errno
	}
	u := &uring{fd: int(fd)}
	if p.features&ioringFeatSingleMmap == 0 || p.sqEntries < uringEntries || p.cqEntries < uringEntries {
		unix.Close(u.fd)
		return nil, unix.EOPNOTSUPP
	}
	sqLen := int(p.sqOff[sqOffArray]) + int(p.sqEntries)*4
	cqLen := int(p.cqOff[cqOffCQEs]) + int(p.cqEntries)*cqeSize
	rings, err := unix.Mmap(u.fd, ioringOffSQRing, max(sqLen, cqLen), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		unix.Close(u.fd)
		return nil, err
	}
	sqes, err := unix.Mmap(u.fd, ioringOffSQEs, int(p.sqEntries)*sqeSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		unix.Munmap(rings)
		unix.Close(u.fd)
		return nil, err
	}
	u.rings, u.sqes = rings, sqes
	u32 := func(off uint32) *uint32 { return (*uint32)(unsafe.Pointer(&rings[off])) }
	u.sqHead, u.sqTail, u.sqMask = u32(p.sqOff[offHead]), u32(p.sqOff[offTail]), *u32(p.sqOff[offRingMask])
	u.sqArray = unsafe.Slice(u32(p.sqOff[sqOffArray]), p.sqEntries)
	u.cqHead, u.cqTail, u.cqMask = u32(p.cqOff[offHead]), u32(p.cqOff[offTail]), *u32(p.cqOff[offRingMask])
	u.cqes = unsafe.Slice((*uringCQE)(unsafe.Pointer(&rings[p.cqOff[cqOffCQEs]])), p.cqEntries)
	return u, nil
}

func (u *uring) close() {
	unix.Munmap(u.sqes)
	unix.Munmap(u.rings)
	unix.Close(u.fd)
}

// uringResult is what a linked send and receive completed with: bytes
// sent or received, or a negated errno.
type uringResult struct{ sent, received int32 }

// sendRecv sends req on socket fd and then, without waiting, receives one
// datagram into buf with recvFlags (MSG_DONTWAIT among them), in one
// io_uring_enter. The receive runs only if the send succeeded; otherwise it
// completes with -ECANCELED. errno is io_uring_enter's own failure, after
// which the ring must not be used again.
func (u *uring) sendRecv(fd int, req, buf []byte, recvFlags uint32) (r uringResult, errno unix.Errno) {
	tail := u.queueSendRecv(fd, req, buf, recvFlags)
	for got := 0; got < 2; {
		// SQEs the kernel has not consumed yet are submitted again
		// after an interrupted wait; consumed ones never are.
		pending := tail - atomic.LoadUint32(u.sqHead)
		_, _, e := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(u.fd), uintptr(pending), uintptr(2-got), ioringEnterGetEvents, 0, 0)
		if e != 0 && e != unix.EINTR {
			return r, e
		}
		got += u.reap(&r)
	}
	// The kernel wrote into buf and read req through the addresses above,
	// which the garbage collector does not see.
	goruntime.KeepAlive(req)
	goruntime.KeepAlive(buf)
	return r, 0
}

// queueSendRecv writes sendRecv's two SQEs and makes them visible to the
// kernel; it returns the new SQ tail.
func (u *uring) queueSendRecv(fd int, req, buf []byte, recvFlags uint32) uint32 {
	tail := atomic.LoadUint32(u.sqTail)
	u.put(tail, uringSQE{opcode: ioringOpSend, flags: iosqeIOLink, fd: int32(fd),
		addr: uint64(uintptr(unsafe.Pointer(&req[0]))), len: uint32(len(req)), userData: uringSendTag})
	u.put(tail+1, uringSQE{opcode: ioringOpRecv, fd: int32(fd),
		addr: uint64(uintptr(unsafe.Pointer(&buf[0]))), len: uint32(len(buf)), msgFlags: recvFlags, userData: uringRecvTag})
	atomic.StoreUint32(u.sqTail, tail+2)
	return tail + 2
}

// reap takes the completions the kernel has posted into r and returns how
// many there were.
func (u *uring) reap(r *uringResult) int {
	n := 0
	for head := *u.cqHead; head != atomic.LoadUint32(u.cqTail); head++ {
		c := &u.cqes[head&u.cqMask]
		if c.userData == uringSendTag {
			r.sent = c.res
		} else {
			r.received = c.res
		}
		atomic.StoreUint32(u.cqHead, head+1)
		n++
	}
	return n
}

// put writes SQE e into the slot of ring position pos.
func (u *uring) put(pos uint32, e uringSQE) {
	i := pos & u.sqMask
	*(*uringSQE)(unsafe.Pointer(&u.sqes[int(i)*sqeSize])) = e
	u.sqArray[i] = i
}

var (
	// uringState is 0 until a probe answered, then uringOK or uringNo;
	// uringMu serialises the probes.
	uringState atomic.Int32
	uringMu    sync.Mutex
	// probeBuf and probeNoop are the probe's buffers: variables that
	// live as long as the process, since a receive the kernel left
	// waiting is only cancelled once the probe has returned.
	probeBuf  [64]byte
	probeNoop = func() (b [nlmsgHdrLen]byte) {
		ne.PutUint32(b[0:], nlmsgHdrLen)
		ne.PutUint16(b[4:], unix.NLMSG_NOOP)
		ne.PutUint16(b[6:], unix.NLM_F_REQUEST)
		return b
	}()
)

const (
	uringOK = 1 + iota
	uringNo
)

// uringWorks reports, once per process, whether io_uring can run a
// socket's send and receive the way sendRecv asks: rings must set up, a
// send linked to a receive must both run, and a receive with MSG_DONTWAIT
// must complete at once with EAGAIN when nothing is queued. (Kernels that
// predate honouring MSG_DONTWAIT in io_uring would wait for a datagram
// instead, and a request that succeeds without a reply would then wait
// forever; sandboxes such as gVisor implement only some operations.) The
// probe sends the kernel an NLMSG_NOOP, which it answers with nothing,
// linked to such a receive, without waiting for their completions.
//
// A probe that fails for want of file descriptors (EMFILE, ENFILE) is not
// the answer: the next socket asks again.
func uringWorks() bool {
	if v := uringState.Load(); v != 0 {
		return v == uringOK
	}
	uringMu.Lock()
	defer uringMu.Unlock()
	if v := uringState.Load(); v != 0 {
		return v == uringOK
	}
	ok, err := probeURingErr()
	switch {
	case ok:
		uringState.Store(uringOK)
	case !errors.Is(err, unix.EMFILE) && !errors.Is(err, unix.ENFILE):
		uringState.Store(uringNo)
	}
	return ok
}

// probeURing reports whether the probe passes.
func probeURing() bool {
	ok, _ := probeURingErr()
	return ok
}

// probeURingErr is probeURing with the error of the system call that
// stopped the probe, if one did.
func probeURingErr() (bool, error) {
	u, err := newURing()
	if err != nil {
		return false, err
	}
	defer u.close() // closing the ring cancels a receive left waiting
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		return false, err
	}
	defer unix.Close(fd)
	if err := unix.Connect(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return false, err
	}
	u.queueSendRecv(fd, probeNoop[:], probeBuf[:], unix.MSG_DONTWAIT)
	if _, _, e := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(u.fd), 2, 0, 0, 0, 0); e != 0 {
		return false, e
	}
	var r uringResult
	got := u.reap(&r)
	if got < 2 {
		// Give completions left as task work a chance, still without
		// waiting for any.
		unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(u.fd), 0, 0, ioringEnterGetEvents, 0, 0)
		got += u.reap(&r)
	}
	return got == 2 && r.sent == int32(len(probeNoop)) && r.received == -int32(unix.EAGAIN), nil
}
