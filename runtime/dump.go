package runtime

import (
	"context"
	"fmt"
	"iter"

	"golang.org/x/sys/unix"
)

// Dump sends a dump request for op (NLM_F_DUMP) and yields each reply
// message as it arrives; the dump is never buffered whole. encode may be nil.
//
// The iteration ends after the kernel's NLMSG_DONE. If the kernel reports
// an error, or the stream breaks (malformed data, cancelled context), the
// last pair yielded carries that error. If any message was flagged
// NLM_F_DUMP_INTR, all messages are still yielded and the last pair carries
// ErrDumpInterrupted.
//
// Breaking out of the loop early is fine: the socket, which still holds the
// rest of the dump, is closed rather than returned to the pool.
//
// Message payloads are only valid until the loop body returns.
func (c *Conn) Dump(ctx context.Context, op *Op, encode func(*Encoder)) iter.Seq2[Message, error] {
	return func(yield func(Message, error) bool) {
		s, err := c.get()
		if err != nil {
			yield(Message{}, fmt.Errorf("genlgen: %s: %w", op.Name, err))
			return
		}
		defer func() {
			if !s.rd.finished {
				s.broken = true
			}
			c.put(s)
		}()
		if err := ctx.Err(); err != nil {
			s.rd.finished = true // nothing was sent
			yield(Message{}, fmt.Errorf("genlgen: %s: %w", op.Name, err))
			return
		}
		if err := s.start(c.family.ID, c.cfg.version, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, op, encode); err != nil {
			yield(Message{}, err)
			return
		}
		for {
			m, done, err := s.rd.next(ctx)
			if err != nil {
				yield(Message{}, err)
				return
			}
			if done {
				return
			}
			if !yield(m, nil) {
				return
			}
		}
	}
}
