package runtime

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sock is one AF_NETLINK/NETLINK_GENERIC socket with the buffers it reuses.
// It is used by one goroutine at a time.
type sock struct {
	fd     int
	portID uint32
	seq    uint32
	// rbuf receives one datagram at a time; its length is the largest
	// datagram received whole.
	rbuf []byte

	enc     Encoder
	timeout time.Duration // SO_RCVTIMEO currently set
	wake    time.Duration // SO_RCVTIMEO between context checks
	broken  bool          // the exchange did not end cleanly; do not reuse
	grown   bool          // rbuf grew since the socket was last pooled
	calls   uint32        // system calls that the scheduler sees, for yield
	scratch any           // Message.Scratch of the replies received here
	rd      reader

	// ring, if not nil, makes a request's send and first receive one
	// system call (uring.go); queued is that receive's result (bytes or
	// a negated errno), which the next receive hands out if hasQueued.
	ring      *uring
	queued    int32
	hasQueued bool
}

// openSock opens and configures a socket connected to the kernel, so that
// only the kernel can send it unicast messages. A socket for requests
// gets an io_uring if cfg allows and the kernel has one that works.
func openSock(cfg *config, requests bool) (*sock, error) {
	if err := startPoller(); err != nil {
		return nil, err
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		return nil, fmt.Errorf("genlgen: socket: %w", err)
	}
	s := &sock{fd: fd, wake: cfg.wake}
	s.grow(cfg.recvBuf)
	if err := s.setup(cfg); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if requests && cfg.ioURing && uringWorks() {
		// A ring that cannot be had (a limit on locked memory, say)
		// only costs this socket the second system call.
		s.ring, _ = newURing()
	}
	return s, nil
}

// pollerStarted is set once startPoller has made sure Go's network
// poller runs; pollerMu serialises the attempts.
var (
	pollerStarted atomic.Bool
	pollerMu      sync.Mutex
)

// startPoller makes sure Go's network poller runs before the first socket
// is opened. Sockets here never use it, but timers do (a context with a
// deadline, time.Sleep, a Go program's first os.File), and Go starts it on
// first use, taking two descriptors, an epoll instance and an eventfd:
// when there are none left, that is a fatal error ("runtime: eventfd
// failed"), not an error value. A process whose sockets took its last
// descriptors before the first timer would die. So the first socket
// checks that two descriptors are free (a pipe), gives them back, and at
// once sets a timer, which starts the poller; with no descriptors free it
// fails with EMFILE, as opening a socket would. The poller runs from then
// on, so later sockets do not check again.
func startPoller() error {
	if pollerStarted.Load() {
		return nil
	}
	pollerMu.Lock()
	defer pollerMu.Unlock()
	if pollerStarted.Load() {
		return nil
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return fmt.Errorf("genlgen: socket: no descriptors left for Go's network poller: %w", err)
	}
	unix.Close(p[0])
	unix.Close(p[1])
	// A function timer is put in the timer heap, which starts the poller,
	// as soon as it is made; Stop takes it out.
	time.AfterFunc(time.Hour, func() {}).Stop()
	pollerStarted.Store(true)
	return nil
}

func (s *sock) setup(cfg *config) error {
	opts := []struct {
		name string
		opt  int
		on   bool
	}{
		{"NETLINK_EXT_ACK", unix.NETLINK_EXT_ACK, cfg.extAck},
		{"NETLINK_GET_STRICT_CHK", unix.NETLINK_GET_STRICT_CHK, cfg.strict},
		{"NETLINK_CAP_ACK", unix.NETLINK_CAP_ACK, cfg.capAck},
	}
	for _, o := range opts {
		if !o.on {
			continue
		}
		// Kernels too old to know an option reject it with ENOPROTOOPT;
		// the socket works without it.
		err := unix.SetsockoptInt(s.fd, unix.SOL_NETLINK, o.opt, 1)
		if err != nil && !errors.Is(err, unix.ENOPROTOOPT) {
			return fmt.Errorf("genlgen: setsockopt %s: %w", o.name, err)
		}
	}
	if cfg.sockRcvBuf > 0 {
		if err := unix.SetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_RCVBUF, cfg.sockRcvBuf); err != nil {
			return fmt.Errorf("genlgen: setsockopt SO_RCVBUF: %w", err)
		}
	}
	if err := s.setTimeout(s.wake); err != nil {
		return err
	}
	if err := unix.Connect(s.fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("genlgen: connect: %w", err)
	}
	sa, err := unix.Getsockname(s.fd)
	if err != nil {
		return fmt.Errorf("genlgen: getsockname: %w", err)
	}
	nl, ok := sa.(*unix.SockaddrNetlink)
	if !ok {
		return fmt.Errorf("genlgen: getsockname: unexpected address %T", sa)
	}
	s.portID = nl.Pid
	return nil
}

// setTimeout sets SO_RCVTIMEO to d (at least one microsecond: zero would
// mean forever).
func (s *sock) setTimeout(d time.Duration) error {
	d = max(d, time.Microsecond)
	tv := unix.NsecToTimeval(d.Nanoseconds())
	if err := unix.SetsockoptTimeval(s.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return fmt.Errorf("genlgen: setsockopt SO_RCVTIMEO: %w", err)
	}
	s.timeout = d
	return nil
}

// yieldEvery is how many scheduler-visible system calls a socket makes
// between two calls of runtime.Gosched; see yield.
const yieldEvery = 64

// yield lets the Go scheduler reschedule the calling goroutine once every
// yieldEvery system calls. A goroutine that sends requests in a tight loop
// is never rescheduled otherwise, and after 10 ms on the same scheduling
// tick Go's sysmon treats it as hogging its P: from then on it takes the P
// away whenever it finds the goroutine inside a system call and hands it
// to another thread, so that exiting the call means finding a P again,
// often after a thread switch. Measured on a request loop: about 23
// context switches per 1000 requests and 10-15% more CPU time; with a
// Gosched every 64 calls (about 150 ns each, so 2-3 ns a call) the
// switches are gone.
func (s *sock) yield() {
	s.calls++
	if s.calls%yieldEvery == 0 {
		goruntime.Gosched()
	}
}

// send writes one request.
func (s *sock) send(b []byte) error {
	s.yield()
	for {
		n, _, errno := unix.Syscall6(unix.SYS_SENDTO, uintptr(s.fd),
			uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0, 0, 0)
		if errno == unix.EINTR {
			continue
		}
		return sendError(int(n), errno, len(b))
	}
}

// sendError is the error of a send of want bytes that sent n or failed
// with errno, or nil. Small enough to inline; the failure is built out of
// line.
func sendError(n int, errno unix.Errno, want int) error {
	if errno == 0 && n == want {
		return nil
	}
	return sendFailure(n, errno, want)
}

func sendFailure(n int, errno unix.Errno, want int) error {
	switch {
	case errno != 0:
		return fmt.Errorf("genlgen: send: %w", errno)
	case n != want:
		return fmt.Errorf("genlgen: send: short write of %d of %d bytes", n, want)
	}
	return nil
}

// completion splits an io_uring result, bytes or a negated errno.
func completion(res int32) (int, unix.Errno) {
	if res < 0 {
		return 0, unix.Errno(-res)
	}
	return int(res), 0
}

// sendRequest sends request b. With a ring it also receives, without
// waiting, the first datagram of the answer, which the kernel queued
// while handling the send (for a dump, the first part of it), for the
// next receive to hand out.
func (s *sock) sendRequest(b []byte) error {
	if s.ring == nil {
		return s.send(b)
	}
	s.yield()
	r, errno := s.ring.sendRecv(s.fd, b, s.rbuf, unix.MSG_TRUNC|unix.MSG_DONTWAIT)
	if errno != 0 {
		return fmt.Errorf("genlgen: send: io_uring_enter: %w", errno)
	}
	n, sendErrno := completion(r.sent)
	if err := sendError(n, sendErrno, len(b)); err != nil {
		return err
	}
	s.queued, s.hasQueued = r.received, true
	return nil
}

// bufSize is the size of the receive buffer: the largest datagram that
// can be received whole.
func (s *sock) bufSize() int { return len(s.rbuf) }

// grow replaces the receive buffer with one of n bytes.
func (s *sock) grow(n int) { s.rbuf = make([]byte, n) }

// recv returns the next datagram, honouring ctx. The returned slice is
// valid until the next recv. With wait false it does not block: if
// nothing is queued it returns errNothingQueued. The first receive after
// sendRequest hands out what the ring received with the send, and waits
// only if that was nothing.
//
// It receives one datagram per recvfrom(2). recvmmsg(2) could take two at
// once (a dump's next datagram is built while the previous one is being
// received), but it tries for the second even when the first ended the
// dump, and measured slower: 4-5% on a device dump, 2-9% on a family dump
// (BENCHMARKS.md).
func (s *sock) recv(ctx context.Context, wait bool) ([]byte, error) {
	if !wait || s.hasQueued {
		b, err := s.recvQueued()
		if !wait || err != errNothingQueued {
			return b, err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		want := s.wake
		if dl, ok := ctx.Deadline(); ok {
			left := time.Until(dl)
			if left <= 0 {
				return nil, context.DeadlineExceeded
			}
			want = min(want, left)
		}
		if want != s.timeout {
			if err := s.setTimeout(want); err != nil {
				return nil, err
			}
		}
		s.yield()
		// MSG_TRUNC makes the kernel report the datagram's real length.
		// The call waits up to SO_RCVTIMEO, then the context is checked
		// again.
		n, _, errno := unix.Syscall6(unix.SYS_RECVFROM, uintptr(s.fd),
			uintptr(unsafe.Pointer(&s.rbuf[0])), uintptr(len(s.rbuf)), unix.MSG_TRUNC, 0, 0)
		switch errno {
		case 0:
		case unix.EINTR, unix.EAGAIN:
			continue
		default:
			return nil, recvError(errno)
		}
		return s.datagram(int(n))
	}
}

// recvQueued is recv without waiting: it hands out the datagram that
// sendRequest received with the send, if there is one, and otherwise
// takes what is queued, or returns errNothingQueued. It serves requests
// other than dumps, whose whole answer is queued before their send
// returns, and, through recv, a dump's first receive.
func (s *sock) recvQueued() ([]byte, error) {
	for {
		// The datagram the ring received with the send, once; or else
		// a recvfrom.
		var n int
		var errno unix.Errno
		if s.hasQueued {
			s.hasQueued = false
			n, errno = completion(s.queued)
		} else {
			n, errno = s.recvNow()
		}
		switch {
		case errno == unix.EINTR:
			continue
		case errno == unix.EAGAIN:
			return nil, errNothingQueued
		case errno != 0:
			return nil, recvError(errno)
		}
		return s.datagram(n)
	}
}

// recvNow is a non-blocking recvfrom into the receive buffer.
func (s *sock) recvNow() (int, unix.Errno) {
	// MSG_TRUNC: the kernel returns the datagram's real length.
	// MSG_DONTWAIT makes this a short, never sleeping call: a raw system
	// call, without telling the Go scheduler (which costs more than the
	// call itself here).
	n, _, errno := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(s.fd),
		uintptr(unsafe.Pointer(&s.rbuf[0])), uintptr(len(s.rbuf)), unix.MSG_TRUNC|unix.MSG_DONTWAIT, 0, 0)
	return int(n), errno
}

// recvError wraps a receive's errno; ENOBUFS means notifications or
// replies were dropped (ErrOverrun).
func recvError(errno unix.Errno) error {
	if errno == unix.ENOBUFS {
		return fmt.Errorf("genlgen: recv: %w: %w", ErrOverrun, errno)
	}
	return fmt.Errorf("genlgen: recv: %w", errno)
}

// datagram returns the datagram of n bytes just received. A datagram
// larger than the buffer was cut short and the rest is gone: the buffer
// grows for later requests and the current one fails.
func (s *sock) datagram(n int) ([]byte, error) {
	if n > len(s.rbuf) {
		s.grow(align4(n) + 4096)
		s.grown = true
		return nil, fmt.Errorf("genlgen: recv: datagram of %d bytes: %w", n, ErrTruncated)
	}
	return s.rbuf[:n], nil
}

func (s *sock) close() error {
	if s.ring != nil {
		s.ring.close()
		s.ring = nil
	}
	return unix.Close(s.fd)
}
