package runtime

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Message is one reply or notification of the family, handed to generated
// decoders.
type Message struct {
	// Cmd and Version are the genl header's fields.
	Cmd     uint8
	Version uint8
	// Flags are the netlink header's flags (NLM_F_MULTI and so on).
	Flags uint16
	// Payload follows the genl header: the fixed header, if the family
	// has one, then the attributes. It aliases the receive buffer and is
	// valid only until the callback returns or the iteration advances.
	Payload []byte
	// Scratch is a slot kept with the socket that received the message,
	// for its whole life: generated clients keep their decoding chunks
	// there (see Chunk). It is only used during the callback or the loop
	// body, by the goroutine that owns the socket then. It is nil for
	// messages that no socket received.
	Scratch *any
}

// source delivers datagrams; sockets implement it, tests feed bytes.
type source interface {
	// recv returns the next datagram. With wait false it returns
	// errNothingQueued at once if none is queued.
	recv(ctx context.Context, wait bool) ([]byte, error)
}

// errNothingQueued is recv's answer when it may not wait and no datagram
// is queued.
var errNothingQueued = errors.New("no datagram queued")

// reader splits the datagrams answering one request into messages and
// interprets the control messages that end the exchange.
type reader struct {
	src       source
	family    uint16
	seq       uint32
	portID    uint32
	op        *Op
	sent      []byte // the request, for mapping extended ACK offsets
	attrStart int
	// dgram[off:] holds the unread messages of the current datagram.
	// An offset rather than a re-sliced dgram: moving on to the next
	// message then writes no pointer (see Chunk).
	dgram []byte
	off   int
	msg   Message // the message next returned last; Scratch set once

	intr     bool // some message carried NLM_F_DUMP_INTR
	finished bool // the kernel ended the exchange
	// replyEnds is set for a request sent without NLM_F_ACK that the
	// kernel answers with one reply (Op.DoReply): that reply ends the
	// exchange, and so does finding nothing queued at the first receive.
	replyEnds bool
	// dump is set for NLM_F_DUMP requests. The kernel answers any other
	// request inside its send, so all of the answer is queued by the time
	// the reader starts; a dump's datagrams are built as they are read.
	dump bool
}

// reset prepares r for the answer to a request sent with netlink flags
// flags.
func (r *reader) reset(src source, scratch *any, family uint16, seq, portID uint32, op *Op, sent []byte, attrStart int, flags uint16) {
	*r = reader{src: src, family: family, seq: seq, portID: portID, op: op, sent: sent, attrStart: attrStart,
		msg:       Message{Scratch: scratch},
		replyEnds: flags&(unix.NLM_F_ACK|unix.NLM_F_DUMP) == 0,
		dump:      flags&unix.NLM_F_DUMP != 0}
}

// receive returns the next datagram of the answer. What answers a request
// other than a dump is already queued, so it is taken without waiting
// first: a raw system call that skips the Go scheduler's bookkeeping (the
// socket runs no dump, so the kernel's receive only copies), or, for the
// first datagram, the one a socket with a ring received along with the
// send (sock.sendRequest). A request that a reply ends stops there if
// nothing is queued; any other waits, in case an answer is late after
// all.
func (r *reader) receive(ctx context.Context) ([]byte, error) {
	if !r.dump {
		b, err := r.src.recv(ctx, false)
		if err != errNothingQueued || r.replyEnds {
			return b, err
		}
	}
	return r.src.recv(ctx, true)
}

// take makes datagram b, which a receive returned with err, the one that
// next reads from; done and err are next's results when that ends the
// exchange or fails.
func (r *reader) take(b []byte, err error) (done bool, _ error) {
	switch {
	case err == errNothingQueued:
		r.finished = true // succeeded without a reply
		return true, nil
	case err != nil:
		return false, fmt.Errorf("genlgen: %s: %w", r.op.Name, err)
	case len(b) == 0:
		return false, r.malformed("empty datagram")
	}
	r.dgram, r.off = b, 0
	return false, nil
}

// firstReply starts reading the answer to a request that its reply ends
// (Op.DoReply) from b, the first datagram, which a non-blocking receive
// returned with err. only reports the datagram that nearly every such
// request gets: a single message, the family's, addressed to this
// request (port id and sequence number), with a whole genl header and no
// NLM_F_DUMP_INTR. That is the message next would return for b, and then
// it would end the exchange: firstReply sets r.msg to it and ends the
// exchange itself. Anything else it hands to next (take), with done and
// err as take returns them.
//
// Why: see sock.exchange; TestFirstReplyAsNext checks that reading with
// firstReply gives what next alone gives. Its test is a prefix of next's
// checks, written again rather than shared: moving next's per-message
// checks into a function both could call cost every dump message a call
// (callgrind: family dump 41,519 to 42,085 instructions, device dump
// 3,772 to 3,991).
func (r *reader) firstReply(b []byte, err error) (only, done bool, _ error) {
	if err == nil {
		msg, n := msgAt(b)
		if n == len(b) && msg.portID() == r.portID && msg.seq() == r.seq && msg.typ() == r.family &&
			msg.flags()&unix.NLM_F_DUMP_INTR == 0 && r.msg.setGenl(msg) {
			r.finished = true
			return true, true, nil
		}
	}
	done, err = r.take(b, err)
	return false, done, err
}

// malformed builds a stream error.
func (r *reader) malformed(format string, args ...any) error {
	return fmt.Errorf("genlgen: %s: %s: %w", r.op.Name, fmt.Sprintf(format, args...), ErrMalformed)
}

// next reads the next message of the family into r.msg. done is true once
// the kernel has ended the exchange (an ACK, an error or NLMSG_DONE); err
// is then the kernel's error, if any, or ErrDumpInterrupted. An error with
// finished still false means the stream itself failed.
func (r *reader) next(ctx context.Context) (done bool, err error) {
	if r.finished {
		return true, nil
	}
	for {
		if r.off >= len(r.dgram) {
			if done, err := r.take(r.receive(ctx)); done || err != nil {
				return done, err
			}
		}
		rest := r.dgram[r.off:]
		msg, next := msgAt(rest)
		if next < 0 {
			return false, r.malformed("%s", msgError(rest))
		}
		r.off += next

		if msg.portID() != r.portID {
			continue // not addressed to this request (e.g. a notification)
		}
		if msg.seq() != r.seq {
			if int32(r.seq-msg.seq()) > 0 {
				continue // reply to an earlier, abandoned request
			}
			return false, r.malformed("reply with sequence number %d, want %d", msg.seq(), r.seq)
		}
		if msg.flags()&unix.NLM_F_DUMP_INTR != 0 {
			r.intr = true
		}
		switch msg.typ() {
		case unix.NLMSG_NOOP:
			continue
		case unix.NLMSG_ERROR:
			return true, r.errorMessage(msg.flags(), msg.body())
		case unix.NLMSG_DONE:
			return true, r.doneMessage(msg.flags(), msg.body())
		case unix.NLMSG_OVERRUN:
			return false, fmt.Errorf("genlgen: %s: %w", r.op.Name, ErrOverrun)
		case r.family:
		default:
			return false, r.malformed("unexpected message type %d", msg.typ())
		}
		if !r.msg.setGenl(msg) {
			return false, r.malformed("truncated genl header: %d bytes", len(msg.body()))
		}
		if r.replyEnds {
			r.finished = true // the next call reports the end
		}
		return false, nil
	}
}

// errorMessage interprets an NLMSG_ERROR body: struct nlmsgerr, the echoed
// request (only its header if NLM_F_CAPPED), then extended ACK TLVs if
// NLM_F_ACK_TLVS.
func (r *reader) errorMessage(flags uint16, body []byte) error {
	if len(body) < nlmsgerrLen {
		return r.malformed("NLMSG_ERROR payload of %d bytes, want at least %d", len(body), nlmsgerrLen)
	}
	v := int32(ne.Uint32(body))
	if v > 0 {
		return r.malformed("NLMSG_ERROR with positive error %d", v)
	}
	r.finished = true
	if v == 0 {
		return r.interrupted()
	}
	ea := noExtAck
	if flags&unix.NLM_F_ACK_TLVS != 0 {
		tlvs := nlmsgerrLen
		if flags&unix.NLM_F_CAPPED == 0 {
			tlvs = 4 + align4(int(ne.Uint32(body[4:])))
		}
		if tlvs >= nlmsgerrLen && tlvs <= len(body) {
			ea = parseExtAck(body[tlvs:])
		}
	}
	return kernelError(r.op, unix.Errno(-v), ea, r.sent, r.attrStart)
}

// doneMessage interprets an NLMSG_DONE body: an int error, then extended
// ACK TLVs if NLM_F_ACK_TLVS.
func (r *reader) doneMessage(flags uint16, body []byte) error {
	if len(body) == 0 {
		r.finished = true
		return r.interrupted()
	}
	if len(body) < 4 {
		return r.malformed("NLMSG_DONE payload of %d bytes", len(body))
	}
	v := int32(ne.Uint32(body))
	if v > 0 {
		return r.malformed("NLMSG_DONE with positive error %d", v)
	}
	r.finished = true
	if v == 0 {
		return r.interrupted()
	}
	ea := noExtAck
	if flags&unix.NLM_F_ACK_TLVS != 0 {
		ea = parseExtAck(body[4:])
	}
	return kernelError(r.op, unix.Errno(-v), ea, r.sent, r.attrStart)
}

// interrupted returns the error for a successful end of the exchange.
func (r *reader) interrupted() error {
	if r.intr {
		return fmt.Errorf("genlgen: %s: %w", r.op.Name, ErrDumpInterrupted)
	}
	return nil
}
