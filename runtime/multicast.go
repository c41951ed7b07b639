package runtime

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Subscription receives the family's multicast notifications on a socket of
// its own.
type Subscription struct {
	ctx    context.Context
	cancel context.CancelFunc // wakes a blocked receive on Close
	family uint16
	name   string
	// watchCtrl: the socket is in nlctrl's "notify" group too, to learn
	// that the family was unregistered.
	watchCtrl bool
	s         *sock

	mu        sync.Mutex // held while a goroutine iterates
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// Subscribe joins the named multicast groups (names from the spec, ids from
// Dial) on a new socket. Notifications are read with
// [Subscription.Messages] until ctx ends or the subscription is closed.
//
// The socket also joins nlctrl's "notify" group, so that the iteration
// ends with an error wrapping [ErrFamilyRemoved] when the kernel
// unregisters the family (its module is unloaded) instead of going
// silent.
func (c *Conn) Subscribe(ctx context.Context, groups ...string) (*Subscription, error) {
	if len(groups) == 0 {
		return nil, errors.New("genlgen: subscribe: no groups")
	}
	ids := make([]uint32, len(groups))
	for i, g := range groups {
		id, ok := c.family.Groups[g]
		if !ok {
			return nil, fmt.Errorf("genlgen: subscribe: family %q has no multicast group %q", c.family.Name, g)
		}
		ids[i] = id
	}
	s, err := openSock(&c.cfg, false)
	if err != nil {
		return nil, fmt.Errorf("genlgen: subscribe: %w", err)
	}
	watchCtrl := c.family.ID != unix.GENL_ID_CTRL
	if watchCtrl {
		// nlctrl's own group ids, asked on this socket before it joins
		// any group.
		ctrl, err := getFamily(ctx, s, "nlctrl")
		if err != nil {
			s.close()
			return nil, fmt.Errorf("genlgen: subscribe: %w", err)
		}
		id, ok := ctrl.Groups["notify"]
		if !ok {
			s.close()
			return nil, errors.New(`genlgen: subscribe: nlctrl has no "notify" multicast group`)
		}
		ids, groups = append(ids, id), append(groups, "nlctrl notify")
	}
	for i, id := range ids {
		if err := unix.SetsockoptInt(s.fd, unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, int(id)); err != nil {
			s.close()
			return nil, fmt.Errorf("genlgen: subscribe %q: %w", groups[i], err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	return &Subscription{ctx: ctx, cancel: cancel, family: c.family.ID, name: c.family.Name, watchCtrl: watchCtrl, s: s}, nil
}

// Messages yields each notification of the family as it arrives, until the
// subscription's context ends or Close is called; the subscription is then
// closed. A lost burst of notifications (the socket's queue overflowed) is
// yielded as an error wrapping ErrOverrun, after which receiving continues.
// Other errors end the iteration.
//
// Breaking out of the loop keeps the subscription open; only one goroutine
// may iterate at a time. Message payloads are only valid until the loop
// body returns.
func (sub *Subscription) Messages() iter.Seq2[Message, error] {
	return func(yield func(Message, error) bool) {
		if !sub.mu.TryLock() {
			yield(Message{}, errors.New("genlgen: subscription: already being iterated"))
			return
		}
		defer sub.release()
		for {
			if sub.closed.Load() {
				return
			}
			b, err := sub.s.recv(sub.ctx, true)
			switch {
			case sub.ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded):
				// The deadline may pass before the context notices.
				sub.closed.Store(true)
				return
			case errors.Is(err, ErrOverrun):
				if !yield(Message{}, fmt.Errorf("genlgen: subscription: %w", ErrOverrun)) {
					return
				}
				continue
			case err != nil:
				yield(Message{}, fmt.Errorf("genlgen: subscription: %w", err))
				return
			}
			more, err := sub.eachNotification(b, yield)
			if err != nil {
				yield(Message{}, err)
				return
			}
			if !more {
				return
			}
		}
	}
}

// eachNotification yields the family's messages in one datagram; it
// reports whether the caller wants more. nlctrl's announcement that the
// family is gone ends the subscription with ErrFamilyRemoved.
func (sub *Subscription) eachNotification(b []byte, yield func(Message, error) bool) (bool, error) {
	for len(b) > 0 {
		msg, next := msgAt(b)
		if next < 0 {
			return false, fmt.Errorf("genlgen: subscription: %s: %w", msgError(b), ErrMalformed)
		}
		b = b[next:]
		if msg.typ() == unix.GENL_ID_CTRL && sub.watchCtrl {
			if sub.removed(msg.body()) {
				return false, fmt.Errorf("genlgen: subscription: family %q (id %d) was unregistered: %w", sub.name, sub.family, ErrFamilyRemoved)
			}
			continue
		}
		if msg.typ() != sub.family {
			continue
		}
		m := Message{Scratch: &sub.s.scratch}
		if !m.setGenl(msg) {
			return false, fmt.Errorf("genlgen: subscription: truncated genl header: %d bytes: %w", len(msg.body()), ErrMalformed)
		}
		if !yield(m, nil) {
			return false, nil
		}
	}
	return true, nil
}

// removed reports whether an nlctrl notification says that the family was
// unregistered. A malformed one is ignored: it is not the family's.
func (sub *Subscription) removed(body []byte) bool {
	if len(body) < genlHdrLen || body[0] != unix.CTRL_CMD_DELFAMILY {
		return false
	}
	var f Family
	return f.decode(body[genlHdrLen:]) == nil && f.ID == sub.family
}

// release ends an iteration, closing the socket if the subscription was
// closed meanwhile.
func (sub *Subscription) release() {
	closed := sub.closed.Load()
	if closed {
		sub.closeSock()
	}
	sub.mu.Unlock()
	// Close may have run while the lock was held and left the socket to us.
	if !closed && sub.closed.Load() && sub.mu.TryLock() {
		sub.closeSock()
		sub.mu.Unlock()
	}
}

func (sub *Subscription) closeSock() {
	sub.closeOnce.Do(func() { sub.closeErr = sub.s.close() })
}

// Close ends the subscription. An iteration in progress stops within the
// wake interval (see WithWakeInterval).
func (sub *Subscription) Close() error {
	sub.closed.Store(true)
	sub.cancel()
	if sub.mu.TryLock() {
		sub.closeSock()
		sub.mu.Unlock()
	}
	return nil
}
