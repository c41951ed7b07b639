package runtime

import (
	goruntime "runtime"
	"time"
)

// config holds what Options set.
type config struct {
	version    uint8
	strict     bool
	extAck     bool
	capAck     bool
	maxIdle    int
	recvBuf    int
	sockRcvBuf int
	wake       time.Duration
	ioURing    bool
}

func defaultConfig() config {
	return config{
		version: 1,
		strict:  true,
		extAck:  true,
		capAck:  true,
		maxIdle: goruntime.GOMAXPROCS(0),
		recvBuf: 32 << 10,
		wake:    100 * time.Millisecond,
		ioURing: true,
	}
}

// Option configures Dial.
type Option func(*config)

// WithVersion sets the version sent in the genl header of requests.
// Generated code passes the spec's version; the default is 1.
func WithVersion(v uint8) Option { return func(c *config) { c.version = v } }

// WithStrictChecking turns NETLINK_GET_STRICT_CHK on or off (on by
// default): the kernel then rejects requests with unknown attributes or
// header fields instead of ignoring them.
func WithStrictChecking(on bool) Option { return func(c *config) { c.strict = on } }

// WithExtendedAck turns NETLINK_EXT_ACK on or off (on by default). Without
// it errors carry only the errno.
func WithExtendedAck(on bool) Option { return func(c *config) { c.extAck = on } }

// WithCappedAck turns NETLINK_CAP_ACK on or off (on by default). When on,
// the kernel does not echo the whole request in error messages; the runtime
// maps offsets with its own copy of the request either way.
func WithCappedAck(on bool) Option { return func(c *config) { c.capAck = on } }

// WithPoolSize sets how many idle sockets a Conn keeps for reuse (default
// GOMAXPROCS). More concurrent requests than that still run, on sockets
// opened for them and closed afterwards.
func WithPoolSize(n int) Option { return func(c *config) { c.maxIdle = max(n, 0) } }

// WithReceiveBuffer sets the initial size of a socket's receive buffer,
// the largest datagram received whole (default 32 KiB). It grows by itself
// when the kernel reports a truncated datagram.
func WithReceiveBuffer(n int) Option {
	return func(c *config) { c.recvBuf = max(n, nlmsgHdrLen+nlmsgerrLen) }
}

// WithSocketReceiveBuffer sets SO_RCVBUF, the kernel's queue for a socket,
// which matters most for busy multicast subscriptions.
func WithSocketReceiveBuffer(n int) Option { return func(c *config) { c.sockRcvBuf = n } }

// WithWakeInterval sets how often a blocked receive wakes up to check its
// context for cancellation (default 100ms). Deadlines are honoured
// precisely regardless.
func WithWakeInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.wake = d
		}
	}
}

// WithIOURing turns on or off (on by default) sending each request and
// taking the first datagram of its answer in one io_uring_enter(2) rather
// than a send and a receive: one entry into the kernel instead of two.
// Where the kernel has no usable io_uring (too old, disabled by the
// kernel.io_uring_disabled sysctl or a seccomp filter), sockets use the
// two system calls anyway. Each pooled socket then holds a ring too: one
// more file descriptor and two small mappings.
func WithIOURing(on bool) Option { return func(c *config) { c.ioURing = on } }

// IOURingUsable reports whether this kernel lets request sockets make a
// request's send and first receive one io_uring_enter (see WithIOURing).
// The answer comes from a probe run once per process.
func IOURingUsable() bool { return uringWorks() }
