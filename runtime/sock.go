package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sock is one AF_NETLINK/NETLINK_GENERIC socket with the buffers it reuses.
// It is used by one goroutine at a time.
type sock struct {
	fd      int
	portID  uint32
	seq     uint32
	rbuf    []byte
	enc     Encoder
	timeout time.Duration // SO_RCVTIMEO currently set
	wake    time.Duration // SO_RCVTIMEO between context checks
	broken  bool          // the exchange did not end cleanly; do not reuse
	rd      reader
}

// openSock opens and configures a socket connected to the kernel, so that
// only the kernel can send it unicast messages.
func openSock(cfg *config) (*sock, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		return nil, fmt.Errorf("genlgen: socket: %w", err)
	}
	s := &sock{fd: fd, rbuf: make([]byte, cfg.recvBuf), wake: cfg.wake}
	if err := s.setup(cfg); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return s, nil
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

// send writes one request.
func (s *sock) send(b []byte) error {
	for {
		n, _, errno := unix.Syscall6(unix.SYS_SENDTO, uintptr(s.fd),
			uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0, 0, 0)
		switch {
		case errno == unix.EINTR:
			continue
		case errno != 0:
			return fmt.Errorf("genlgen: send: %w", errno)
		case int(n) != len(b):
			return fmt.Errorf("genlgen: send: short write of %d of %d bytes", n, len(b))
		}
		return nil
	}
}

// recv receives one datagram into the socket's buffer, honouring ctx. The
// returned slice is valid until the next recv.
func (s *sock) recv(ctx context.Context) ([]byte, error) {
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
		// MSG_TRUNC makes the kernel report the datagram's real length.
		n, _, errno := unix.Syscall6(unix.SYS_RECVFROM, uintptr(s.fd),
			uintptr(unsafe.Pointer(&s.rbuf[0])), uintptr(len(s.rbuf)), unix.MSG_TRUNC, 0, 0)
		switch errno {
		case 0:
		case unix.EINTR, unix.EAGAIN:
			continue
		case unix.ENOBUFS:
			return nil, fmt.Errorf("genlgen: recv: %w: %w", ErrOverrun, errno)
		default:
			return nil, fmt.Errorf("genlgen: recv: %w", errno)
		}
		if int(n) > len(s.rbuf) {
			s.rbuf = make([]byte, align4(int(n))+4096)
			return nil, fmt.Errorf("genlgen: recv: datagram of %d bytes: %w", n, ErrTruncated)
		}
		return s.rbuf[:n], nil
	}
}

func (s *sock) close() error { return unix.Close(s.fd) }
