package runtime

import "unsafe"

// ChunkBytes is the size of the chunks that generated decoders carve
// decoded values out of (see Chunk and Bytes).
const ChunkBytes = 4096

// Chunk hands out zeroed slices of T carved from shared allocations of
// about ChunkBytes, each part handed out once and never reused unless the
// Chunk is rewound (Rewind: dumps run with ReuseReplies, requests with
// ReuseReply).
//
// Why: right after the system calls of a request, allocating costs far
// more than in a hot loop. On the benchmark machine five allocations of a
// getfamily reply's size added 500-700 ns to a 4.5 us request, more than
// decoding the reply. Generated clients keep one Chunk per struct type
// with each socket (Message.Scratch), so a "do" reply and its nested
// arrays cost one allocation every few dozen requests instead of several
// per request. Measured (BENCHMARKS.md): getfamily went from 5 to 0
// allocations per request and about 150 ns faster.
//
// The price is retention: a value a caller keeps holds its whole chunk
// alive, at most ChunkBytes (or the value itself, if larger), and a socket
// idle in its Conn's pool keeps the unused rest of its current chunk of
// each type it has decoded.
//
// A nil *Chunk allocates every slice on its own, which is what a
// generated Decode outside a socket's exchange uses. A Chunk is not safe
// for concurrent use.
type Chunk[T any] struct {
	// buf[used:] is what is left of the current chunk. The cursor is an
	// index, not a re-sliced buf, so that handing out a part writes no
	// pointer: a pointer write while the garbage collector marks goes
	// through its write barrier, and a family dump takes parts 50 times.
	buf  []T
	used int
}

// Take returns n zeroed elements, never nil (as make would). A request
// too big to share a chunk gets its own allocation; the current chunk is
// kept for later requests.
func (c *Chunk[T]) Take(n int) []T {
	if c == nil || n == 0 {
		return make([]T, n)
	}
	if n > len(c.buf)-c.used {
		per := max(1, ChunkBytes/max(1, int(unsafe.Sizeof(*new(T)))))
		if 4*n > per {
			return make([]T, n)
		}
		c.buf, c.used = make([]T, per), 0
	}
	s := c.buf[c.used : c.used+n : c.used+n]
	c.used += n
	return s
}

// Rewind makes c hand out its current chunk again from the start,
// zeroed, overwriting every part handed out since it was allocated or
// last rewound. Generated decoders rewind only when the caller no longer
// uses the reply before: in a dump run with ReuseReplies, and in a
// request's ReplyArena (ReuseReply). A nil Chunk has nothing to rewind.
func (c *Chunk[T]) Rewind() {
	if c == nil {
		return
	}
	clear(c.buf[:c.used])
	c.used = 0
}

// ScratchOf returns the *T kept in a Message.Scratch slot, storing a new
// one there the first time (or if the slot holds something else); nil
// for a nil slot, that is for a message that no socket received.
// DecoderOf keeps generated clients' decoders, which hold their Chunks,
// there.
func ScratchOf[T any](slot *any) *T {
	if slot == nil {
		return nil
	}
	v, ok := (*slot).(*T)
	if !ok {
		v = new(T)
		*slot = v
	}
	return v
}

// DecoderOf returns the decoder of type D kept in a Message.Scratch slot
// (a new one the first time), for decoding one reply: with reuse, the one
// whose chunks are rewound before every reply (a dump run with
// ReuseReplies: the caller no longer uses the reply before); without, the
// one that hands every part out once (replies a caller may keep). Each
// socket keeps both, so the two kinds of dump can share a pooled socket.
// nil for a nil slot, that is for a message no socket received.
func DecoderOf[D any, P interface {
	*D
	Rewind()
}](slot *any, reuse bool) *D {
	ds := ScratchOf[decoders[D]](slot)
	switch {
	case ds == nil:
		return nil
	case reuse:
		P(&ds.reused).Rewind()
		return &ds.reused
	}
	return &ds.kept
}

// ReplyDecoderOf is DecoderOf for the reply of a "do" request: the
// reused decoder kept in arena if there is one (ReuseReply), else the
// kept decoder of the socket's Scratch slot.
func ReplyDecoderOf[D any, P interface {
	*D
	Rewind()
}](slot *any, arena *ReplyArena) *D {
	if arena != nil {
		return DecoderOf[D, P](&arena.slot, true)
	}
	return DecoderOf[D, P](slot, false)
}

// decoders is what DecoderOf keeps in a socket's Scratch slot.
type decoders[D any] struct {
	kept, reused D
}

// Bytes is a Chunk of bytes for the strings and byte slices that decoders
// copy out of the receive buffer. A string's bytes are never written
// again once the string refers to them: every part is handed out once,
// with its capacity cut to its length. A nil *Bytes allocates each copy
// on its own.
type Bytes struct {
	chunk Chunk[byte]
}

// Copy returns a copy of b; an empty b gives an empty, non-nil slice.
// Appending to the copy never writes into the chunk.
func (c *Bytes) Copy(b []byte) []byte {
	if c == nil {
		return append([]byte{}, b...)
	}
	s := c.chunk.Take(len(b))
	copy(s, b)
	return s
}

// String returns b as a string.
func (c *Bytes) String(b []byte) string {
	if c == nil || len(b) == 0 {
		return string(b)
	}
	s := c.Copy(b)
	return unsafe.String(&s[0], len(s))
}

// ReadString is the package-level ReadString with the string's bytes in
// c's chunks.
func (c *Bytes) ReadString(name string, b []byte) (string, error) {
	if n := len(b) - 1; n >= 0 && b[n] == 0 {
		b = b[:n]
	}
	return c.String(b), nil
}

// ReadNulString is the package-level ReadNulString with the string's
// bytes in c's chunks.
func (c *Bytes) ReadNulString(name string, b []byte) (string, error) {
	n := len(b) - 1
	if n < 0 || b[n] != 0 {
		return "", notNulTerminated(name, len(b))
	}
	return c.String(b[:n]), nil
}
