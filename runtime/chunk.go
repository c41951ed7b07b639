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
// each type it has decoded; with reuse (ReuseReplies), also a rewound
// chunk per type, as big as the largest reply needed, up to maxRewound.
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
	// taken counts the elements handed out since the last Rewind, those
	// of chunks given up and of allocations of their own included: what
	// a rewound Chunk needs to serve a reply like the last one from one
	// chunk, without allocating. Take counts on every call, kept replies
	// included, because counting only on its slow paths pushed Take over
	// the inlining budget (cost 81-95 against 80; 76 this way) and made
	// every take a call: callgrind, family dump with reuse, 41,400
	// instructions this way against 42,600 with the call.
	taken int
}

// maxRewound caps, in bytes, the chunk that Rewind grows to fit a
// reply, so that one huge reply does not leave a socket holding that
// much memory for good. Bigger replies allocate what exceeds it.
const maxRewound = 16 * ChunkBytes

// Take returns n zeroed elements, never nil (as make would). A request
// too big to share a chunk gets its own allocation; the current chunk is
// kept for later requests.
func (c *Chunk[T]) Take(n int) []T {
	if c == nil || n == 0 {
		return make([]T, n)
	}
	c.taken += n
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
//
// If the parts taken since the last Rewind did not fit in the current
// chunk, c gets a chunk that holds them all (up to maxRewound bytes), so
// that replies like the last one allocate nothing from then on.
func (c *Chunk[T]) Rewind() {
	// Nothing taken since the last Rewind: nothing to clear or to grow
	// for. A decoder rewinds every struct type it has before each
	// reply, and most replies use a few of them: the nlctrl family
	// dump skips 30 clears a dump this way.
	if c == nil || c.taken == 0 {
		return
	}
	limit := maxRewound / max(1, int(unsafe.Sizeof(*new(T))))
	if grow := min(c.taken, limit); grow > len(c.buf) {
		c.buf = make([]T, grow) // zeroed; the old chunk goes to the collector
	} else {
		clear(c.buf[:c.used])
	}
	c.used, c.taken = 0, 0
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
