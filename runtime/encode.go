package runtime

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"golang.org/x/sys/unix"
)

// Encoder builds one netlink request: the netlink header, the genl header, an
// optional fixed header and attributes, aligned and padded to 4 bytes. It
// appends into a buffer that is kept between requests, so once the buffer has
// grown, encoding allocates nothing.
//
// The Put methods never fail on their own; an attribute or nest too large for
// the 16-bit length field is recorded and returned by [Encoder.Err], and the
// request is not sent.
type Encoder struct {
	buf       []byte
	attrStart int // offset of the first attribute, after any fixed header
	err       error
	depth     int // levels of sets that nest themselves (Enter)
}

// MaxNestDepth is how many levels of a set that nests itself an Encoder
// encodes (Enter): a value that contains itself (a pointer back to an
// outer value, legal in such a set) would otherwise be encoded until the
// stack overflows, a fatal error no caller can recover from.
//
// The kernel validates nests with policies at most 10 levels deep
// (MAX_POLICY_RECURSION_DEPTH in lib/nlattr.c, counting an indexed
// array's two nests as one level), but families that parse their own
// nests go deeper: openvswitch accepts 16 levels of nested actions
// (OVS_COPY_ACTIONS_MAX_DEPTH). 64 leaves room for those and stops a
// cycle after 64 levels of a few bytes.
const MaxNestDepth = 64

// Begin resets e and writes the netlink and genl headers of a new message.
// The length, sequence number and port id are filled in when it is sent.
func (e *Encoder) Begin(family, flags uint16, cmd, version uint8) {
	e.buf = e.buf[:0]
	e.err = nil
	e.depth = 0
	h := e.extend(nlmsgHdrLen + genlHdrLen)
	clear(h)
	ne.PutUint16(h[4:], family)
	ne.PutUint16(h[6:], flags)
	h[16] = cmd
	h[17] = version
	e.attrStart = len(e.buf)
}

// FixedHeader appends the family's fixed header (the struct that some
// families put between the genl header and the attributes), padded to 4
// bytes. Call it right after Begin, before any attribute.
func (e *Encoder) FixedHeader(p []byte) {
	b := e.extend(align4(len(p)))
	n := copy(b, p)
	clear(b[n:])
	e.attrStart = len(e.buf)
}

// Bytes returns the message built so far. The slice aliases the encoder's
// buffer and is valid until the next call to Begin.
func (e *Encoder) Bytes() []byte { return e.buf }

// Len returns the number of bytes written so far.
func (e *Encoder) Len() int { return len(e.buf) }

// Err returns the first encoding error, if any.
func (e *Encoder) Err() error { return e.err }

// finish fills in the message length, sequence number and port id.
func (e *Encoder) finish(seq, portID uint32) []byte {
	ne.PutUint32(e.buf[0:], uint32(len(e.buf)))
	ne.PutUint32(e.buf[8:], seq)
	ne.PutUint32(e.buf[12:], portID)
	return e.buf
}

// extend grows the buffer by n bytes and returns them (not zeroed).
func (e *Encoder) extend(n int) []byte {
	l := len(e.buf)
	if cap(e.buf)-l < n {
		e.buf = slices.Grow(e.buf, n)
	}
	e.buf = e.buf[:l+n]
	return e.buf[l:]
}

// attr appends an attribute header for a payload of n bytes, zeroes the
// padding and returns the payload to fill in.
func (e *Encoder) attr(typ uint16, n int) []byte {
	if n > maxAttrPayload {
		if e.err == nil {
			e.err = fmt.Errorf("genlgen: encode: attribute type %d: payload of %d bytes exceeds %d", typ, n, maxAttrPayload)
		}
		return make([]byte, n) // written and thrown away; the request fails
	}
	b := e.extend(align4(attrHdrLen + n))
	ne.PutUint16(b[0:], uint16(attrHdrLen+n))
	ne.PutUint16(b[2:], typ)
	clear(b[attrHdrLen+n:])
	return b[attrHdrLen : attrHdrLen+n]
}

// PutU8 appends a u8 attribute.
func (e *Encoder) PutU8(typ uint16, v uint8) { e.attr(typ, 1)[0] = v }

// PutU16 appends a u16 attribute in host byte order.
func (e *Encoder) PutU16(typ uint16, v uint16) { ne.PutUint16(e.attr(typ, 2), v) }

// PutU32 appends a u32 attribute in host byte order.
func (e *Encoder) PutU32(typ uint16, v uint32) { ne.PutUint32(e.attr(typ, 4), v) }

// PutU64 appends a u64 attribute in host byte order.
func (e *Encoder) PutU64(typ uint16, v uint64) { ne.PutUint64(e.attr(typ, 8), v) }

// PutS8 appends an s8 attribute.
func (e *Encoder) PutS8(typ uint16, v int8) { e.PutU8(typ, uint8(v)) }

// PutS16 appends an s16 attribute in host byte order.
func (e *Encoder) PutS16(typ uint16, v int16) { e.PutU16(typ, uint16(v)) }

// PutS32 appends an s32 attribute in host byte order.
func (e *Encoder) PutS32(typ uint16, v int32) { e.PutU32(typ, uint32(v)) }

// PutS64 appends an s64 attribute in host byte order.
func (e *Encoder) PutS64(typ uint16, v int64) { e.PutU64(typ, uint64(v)) }

// PutBE16 appends a 16-bit attribute in big-endian (network) byte order.
// NLA_F_NET_BYTEORDER is not set: the kernel's policies do not expect it.
func (e *Encoder) PutBE16(typ uint16, v uint16) { binary.BigEndian.PutUint16(e.attr(typ, 2), v) }

// PutBE32 appends a 32-bit attribute in big-endian byte order.
func (e *Encoder) PutBE32(typ uint16, v uint32) { binary.BigEndian.PutUint32(e.attr(typ, 4), v) }

// PutBE64 appends a 64-bit attribute in big-endian byte order.
func (e *Encoder) PutBE64(typ uint16, v uint64) { binary.BigEndian.PutUint64(e.attr(typ, 8), v) }

// PutUint appends a variable-width unsigned attribute (YNL type uint): 4
// bytes when v fits, 8 otherwise.
func (e *Encoder) PutUint(typ uint16, v uint64) {
	if v <= math.MaxUint32 {
		e.PutU32(typ, uint32(v))
		return
	}
	e.PutU64(typ, v)
}

// PutSint appends a variable-width signed attribute (YNL type sint): 4 bytes
// when v fits, 8 otherwise.
func (e *Encoder) PutSint(typ uint16, v int64) {
	if v >= math.MinInt32 && v <= math.MaxInt32 {
		e.PutS32(typ, int32(v))
		return
	}
	e.PutS64(typ, v)
}

// PutFlag appends a flag attribute, which has no payload.
func (e *Encoder) PutFlag(typ uint16) { e.attr(typ, 0) }

// PutString appends a NUL-terminated string attribute.
func (e *Encoder) PutString(typ uint16, s string) {
	b := e.attr(typ, len(s)+1)
	b[copy(b, s)] = 0
}

// PutBytes appends a binary attribute holding p as is.
func (e *Encoder) PutBytes(typ uint16, p []byte) { copy(e.attr(typ, len(p)), p) }

// PutRaw appends an attribute kept raw by a decoder, such as one of a
// struct's Unknown attributes.
func (e *Encoder) PutRaw(a RawAttr) {
	e.PutBytes(a.Type&attrTypeMask|a.Flags&^attrTypeMask, a.Data)
}

// BeginNest opens a nested attribute (NLA_F_NESTED is set) and returns a
// token to pass to EndNest once its contents have been appended. For an
// indexed array, open one nest for the array and one per element, whose
// type is the element's index.
func (e *Encoder) BeginNest(typ uint16) int {
	start := len(e.buf)
	e.attr(typ|unix.NLA_F_NESTED, 0)
	return start
}

// Enter counts one more level of a value that may contain itself (the
// generated Encode of a set that nests itself calls it, and Leave when
// done) and reports whether encoding goes on: past MaxNestDepth levels it
// fails the encoding, which ends the recursion of a cycle. Sets that
// cannot nest themselves never call it, so they pay nothing.
func (e *Encoder) Enter() bool {
	if e.depth++; e.depth <= MaxNestDepth {
		return true
	}
	if e.err == nil {
		e.err = fmt.Errorf("genlgen: encode: a set that nests itself, more than %d nests deep (does the value contain itself?)", MaxNestDepth)
	}
	return false
}

// Leave ends a level Enter counted.
func (e *Encoder) Leave() { e.depth-- }

// EndNest closes the nest opened by the BeginNest that returned start.
func (e *Encoder) EndNest(start int) {
	if start < 0 || start+attrHdrLen > len(e.buf) {
		if e.err == nil {
			e.err = fmt.Errorf("genlgen: encode: EndNest(%d) without a matching BeginNest", start)
		}
		return
	}
	n := len(e.buf) - start
	if n > 0xffff {
		if e.err == nil {
			typ := ne.Uint16(e.buf[start+2:]) & attrTypeMask
			e.err = fmt.Errorf("genlgen: encode: nest type %d: %d bytes exceeds %d", typ, n, 0xffff)
		}
		return
	}
	ne.PutUint16(e.buf[start:], uint16(n))
}
