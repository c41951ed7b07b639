package runtime

import (
	"context"
	"fmt"
	"iter"

	"golang.org/x/sys/unix"
)

// DumpReader reads the replies of one dump request, one message at a time;
// Conn.StartDump makes one. Generated dump iterators loop over it
// directly, which saves a second iterator layer per message:
//
//	d := conn.StartDump(ctx, op, encode)
//	defer d.Close()
//	for d.Next() {
//		m := d.Message() // a *Message
//		...
//	}
//	if err := d.Err(); err != nil { ... }
//
// A DumpReader belongs to the goroutine that started it.
type DumpReader struct {
	c   *Conn
	s   *sock // nil once closed, or if the request was never sent
	ctx context.Context
	m   *Message // the reply Next read
	err error
}

// StartDump sends a dump request for op (NLM_F_DUMP); the returned
// reader yields each reply message as it arrives, and the dump is never
// buffered whole. encode may be nil. A failure to send shows as Next
// returning false and Err returning the error.
//
// Close must be called when done. Closing before the end is fine: the
// socket, which still holds the rest of the dump, is then closed rather
// than returned to the pool.
func (c *Conn) StartDump(ctx context.Context, op *Op, encode func(*Encoder)) DumpReader {
	d := DumpReader{c: c, ctx: ctx}
	s, err := c.get()
	if err != nil {
		d.err = fmt.Errorf("genlgen: %s: %w", op.Name, err)
		return d
	}
	if err := ctx.Err(); err != nil {
		c.put(s) // nothing was sent
		d.err = fmt.Errorf("genlgen: %s: %w", op.Name, err)
		return d
	}
	d.s = s
	if err := s.start(c.family.ID, c.cfg.version, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, op, encode); err != nil {
		d.err = err
		d.Close()
	}
	return d
}

// Next reads the next reply. It returns false at the end of the dump
// (NLMSG_DONE) or on an error, which Err then returns: the kernel's
// error, ErrDumpInterrupted if any message was flagged NLM_F_DUMP_INTR
// (every message was still read), or a stream error (malformed data,
// cancelled context).
func (d *DumpReader) Next() bool {
	if d.s == nil {
		return false
	}
	done, err := d.s.rd.next(d.ctx)
	if done || err != nil {
		d.err = err
		d.Close()
		return false
	}
	d.m = &d.s.rd.msg
	return true
}

// Message returns the reply Next read. It, and its payload, are valid
// until the next call of Next or Close.
func (d *DumpReader) Message() *Message { return d.m }

// Err returns the error that ended the dump, if any.
func (d *DumpReader) Err() error { return d.err }

// Close gives the socket back (or closes it, if the dump did not end
// cleanly). It may be called more than once.
func (d *DumpReader) Close() {
	s := d.s
	if s == nil {
		return
	}
	d.s = nil
	if !s.rd.finished {
		s.broken = true
	}
	d.c.put(s)
}

// Dump is StartDump as an iterator: it yields each reply message as it
// arrives, and, if the dump fails, a last pair carrying the error (see
// DumpReader.Next). Breaking out of the loop early is fine. Message
// payloads are only valid until the loop body returns.
func (c *Conn) Dump(ctx context.Context, op *Op, encode func(*Encoder)) iter.Seq2[Message, error] {
	return func(yield func(Message, error) bool) {
		d := c.StartDump(ctx, op, encode)
		defer d.Close()
		for d.Next() {
			if !yield(*d.Message(), nil) {
				return
			}
		}
		if err := d.Err(); err != nil {
			yield(Message{}, err)
		}
	}
}
