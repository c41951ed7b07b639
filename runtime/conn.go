package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Conn is a connection to one generic netlink family. It is safe for
// concurrent use: each request borrows a socket from a small pool.
type Conn struct {
	cfg    config
	family Family

	// hot is one idle socket of the pool, lent and taken back with one
	// atomic operation each, so that a caller making one request at a
	// time never takes mu. Why: the code between two requests' system
	// calls is the dearest there is (BENCHMARKS.md, goal 1), and the
	// mutex's four atomic operations and the idle slice cost about 100
	// ns a request there.
	hot    atomic.Pointer[sock]
	closed atomic.Bool // set under mu

	mu   sync.Mutex
	idle []*sock // the other idle sockets, at most cfg.maxIdle-1
}

// Dial connects to the generic netlink family called name, resolving its id,
// version, maximum attribute and multicast groups through nlctrl. If the
// kernel does not know the family, the error wraps both ErrFamilyNotFound
// and unix.ENOENT.
func Dial(ctx context.Context, name string, opts ...Option) (*Conn, error) {
	c := &Conn{cfg: defaultConfig()}
	for _, o := range opts {
		o(&c.cfg)
	}
	fam, err := c.resolve(ctx, name)
	if errors.Is(err, ErrTruncated) {
		// The receive buffer has grown; asking again is harmless.
		fam, err = c.resolve(ctx, name)
	}
	if err != nil {
		c.Close()
		var ke *Error
		if errors.As(err, &ke) && ke.Errno == unix.ENOENT {
			return nil, fmt.Errorf("genlgen: dial %q: %w (is the kernel module that provides it loaded?): %w", name, ErrFamilyNotFound, err)
		}
		return nil, fmt.Errorf("genlgen: dial %q: %w", name, err)
	}
	c.family = fam
	return c, nil
}

// resolve asks nlctrl about the family called name.
func (c *Conn) resolve(ctx context.Context, name string) (Family, error) {
	s, err := c.get()
	if err != nil {
		return Family{}, err
	}
	fam, err := getFamily(ctx, s, name)
	c.put(s)
	return fam, err
}

// Family returns what Dial resolved about the family.
func (c *Conn) Family() *Family { return &c.family }

// Close closes the pooled sockets. Requests in flight finish on their
// sockets, which are then closed too; new requests fail with ErrClosed.
func (c *Conn) Close() error {
	c.mu.Lock()
	c.closed.Store(true)
	idle := c.idle
	c.idle = nil
	c.mu.Unlock()
	// A put that stores into hot after this sees closed and takes its
	// socket back itself.
	if s := c.hot.Swap(nil); s != nil {
		idle = append(idle, s)
	}
	var errs []error
	for _, s := range idle {
		if err := s.close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// get borrows a socket, opening one if none is idle.
func (c *Conn) get() (*sock, error) {
	if c.closed.Load() {
		return nil, ErrClosed
	}
	if c.hot.Load() != nil {
		if s := c.hot.Swap(nil); s != nil {
			return s, nil
		}
	}
	c.mu.Lock()
	if c.closed.Load() {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	if n := len(c.idle); n > 0 {
		s := c.idle[n-1]
		c.idle = c.idle[:n-1]
		c.mu.Unlock()
		return s, nil
	}
	cfg := c.cfg
	c.mu.Unlock()
	return openSock(&cfg, true)
}

// put returns a socket to the pool, or closes it if its last exchange broke
// off or the pool is full.
func (c *Conn) put(s *sock) {
	if s.grown {
		// A datagram was truncated: open later sockets big enough.
		c.mu.Lock()
		c.cfg.recvBuf = max(c.cfg.recvBuf, s.bufSize())
		c.mu.Unlock()
		s.grown = false
	}
	if s.broken || c.cfg.maxIdle == 0 {
		s.close()
		return
	}
	if c.hot.CompareAndSwap(nil, s) {
		// Close may have emptied hot before s went in; then whichever
		// of the two takes s out again closes it.
		if c.closed.Load() && c.hot.CompareAndSwap(s, nil) {
			s.close()
		}
		return
	}
	c.mu.Lock()
	if !c.closed.Load() && len(c.idle) < c.cfg.maxIdle-1 {
		c.idle = append(c.idle, s)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	s.close()
}

// start encodes and sends one request on s and prepares s.rd to read the
// replies.
func (s *sock) start(family uint16, version uint8, flags uint16, op *Op, encode func(*Encoder)) error {
	e := &s.enc
	e.Begin(family, flags|op.Flags, op.Cmd, version)
	if encode != nil {
		encode(e)
	}
	if e.err != nil {
		s.rd.finished = true // nothing was sent
		return fmt.Errorf("genlgen: %s: %w", op.Name, e.err)
	}
	s.seq++
	b := e.finish(s.seq, s.portID)
	s.rd.reset(s, &s.scratch, family, s.seq, s.portID, op, b, e.attrStart, flags|op.Flags)
	if err := s.sendRequest(b); err != nil {
		s.broken = true
		return fmt.Errorf("genlgen: %s: %w", op.Name, err)
	}
	return nil
}

// exchange runs a "do" request on s, calling decode for each reply. It
// ends with the kernel's ACK or error, or, for an op with DoReply, with
// the reply itself. A decode error is returned once the kernel has
// finished answering, so the socket stays usable.
func (s *sock) exchange(ctx context.Context, family uint16, version uint8, op *Op, encode func(*Encoder), decode func(Message) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("genlgen: %s: %w", op.Name, err)
	}
	flags := uint16(unix.NLM_F_REQUEST | unix.NLM_F_ACK)
	if op.DoReply {
		flags = unix.NLM_F_REQUEST
	}
	if err := s.start(family, version, flags, op, encode); err != nil {
		return err
	}
	var done bool
	var err error
	if op.DoReply {
		// The usual answer, one datagram holding just the reply, is
		// taken here rather than through the reader's loop: the code
		// that runs right after a system call is the dearest there is
		// (BENCHMARKS.md, goal 1), and this way runs about 100
		// instructions and 100 ns less. The receive is the one the
		// reader would make first; anything but that datagram goes on
		// to the reader.
		var only bool
		only, done, err = s.rd.firstReply(s.recvQueued())
		if only {
			if decode != nil {
				if err := decode(s.rd.msg); err != nil {
					return fmt.Errorf("genlgen: %s: %w", op.Name, err)
				}
			}
			return nil
		}
	}
	var decodeErr error
	for {
		if !done && err == nil {
			done, err = s.rd.next(ctx)
		}
		if done || err != nil {
			if !s.rd.finished {
				s.broken = true
			}
			if decodeErr != nil {
				return decodeErr
			}
			return err
		}
		if decode != nil && decodeErr == nil {
			if err := decode(s.rd.msg); err != nil {
				decodeErr = fmt.Errorf("genlgen: %s: %w", op.Name, err)
			}
		}
	}
}

// Do sends one request for op and calls decode with each reply message
// until the kernel acknowledges it (or, if op.DoReply, with its reply).
// encode appends the fixed header and attributes; either function may be
// nil. The returned error is the kernel's (an *Error), a decode error, or
// a transport error.
//
// encode and decode are called on the calling goroutine before Do returns;
// the Message payload is only valid during the decode call.
func (c *Conn) Do(ctx context.Context, op *Op, encode func(*Encoder), decode func(Message) error) error {
	s, err := c.get()
	if err != nil {
		return fmt.Errorf("genlgen: %s: %w", op.Name, err)
	}
	err = s.exchange(ctx, c.family.ID, c.cfg.version, op, encode, decode)
	c.put(s)
	return err
}
