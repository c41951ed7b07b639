package runtime

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// RawAttr is an attribute kept undecoded, for example one whose type the
// spec does not know. Generated structs keep such attributes in an
// Unknown []RawAttr field so nothing the kernel sent is silently lost.
type RawAttr struct {
	Type uint16 // attribute type with NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off
	// Flags holds the NLA_F_NESTED and NLA_F_NET_BYTEORDER bits as
	// received, so that an attribute sent back is sent as it came.
	Flags uint16
	Data  []byte // payload, owned by the RawAttr
}

// AttrIter walks the attributes in a byte slice without allocating:
//
//	it := runtime.Attrs(payload)
//	for it.Next() {
//		switch it.Type() {
//		case 1:
//			v, err := runtime.ReadU32("ifindex", it.Data())
//			...
//		default:
//			unknown = append(unknown, it.Raw())
//		}
//	}
//	if err := it.Err(); err != nil { ... }
//
// A truncated header or a length running past the slice stops the walk and
// is reported by Err.
type AttrIter struct {
	b      []byte // all attributes
	off    int    // offset of the next attribute in b
	ds, de int    // the current attribute's payload is b[ds:de]
	typ    uint16 // raw type field of the current attribute
	err    error
}

// Attrs returns an iterator over the attributes in b.
func Attrs(b []byte) AttrIter { return AttrIter{b: b} }

// Next advances to the next attribute and reports whether there is one.
// It keeps offsets rather than slices (no pointer writes) and leaves the
// error path to stop, to stay cheap.
func (it *AttrIter) Next() bool {
	if off := it.off; off < len(it.b) {
		if typ, l, ok := attrSpan(it.b, off); ok {
			it.typ = typ
			it.ds, it.de = off+attrHdrLen, off+l
			it.off = min(off+align4(l), len(it.b))
			return true
		}
	}
	return it.stop()
}

// stop ends the walk, recording why if the attributes are malformed.
func (it *AttrIter) stop() bool {
	off := it.off
	if off >= len(it.b) {
		return false
	}
	r := it.b[off:]
	it.off = len(it.b) // later calls return false at once
	if len(r) < attrHdrLen {
		it.err = fmt.Errorf("genlgen: decode: truncated attribute header at offset %d: %d bytes left: %w", off, len(r), ErrMalformed)
		return false
	}
	l, typ := int(ne.Uint16(r)), ne.Uint16(r[2:])
	it.err = fmt.Errorf("genlgen: decode: attribute type %d at offset %d: length %d, %d bytes left: %w", typ&attrTypeMask, off, l, len(r), ErrMalformed)
	return false
}

// Type returns the current attribute's type, flags masked off.
func (it *AttrIter) Type() uint16 { return it.typ & attrTypeMask }

// Nested reports whether the current attribute has NLA_F_NESTED set.
func (it *AttrIter) Nested() bool { return it.typ&unix.NLA_F_NESTED != 0 }

// NetByteOrder reports whether the current attribute has NLA_F_NET_BYTEORDER
// set.
func (it *AttrIter) NetByteOrder() bool { return it.typ&unix.NLA_F_NET_BYTEORDER != 0 }

// Data returns the current attribute's payload. It aliases the decoded
// buffer; copy it to keep it.
func (it *AttrIter) Data() []byte { return it.b[it.ds:it.de] }

// Offset returns the offset of the current attribute's header within the
// slice given to Attrs.
func (it *AttrIter) Offset() int { return it.ds - attrHdrLen }

// Raw returns a copy of the current attribute.
func (it *AttrIter) Raw() RawAttr { return RawAttrAt(it.b, it.Offset()) }

// AttrHeader reads the header of the attribute that starts at off in b:
// its type (flags masked off) and its length, header included (nla_len).
// l is 0 when no whole header starts at off. Generated decoders walk
// attributes with it, checking the length themselves:
//
//	for off := 0; off < len(b); {
//		typ, l := runtime.AttrHeader(b, off)
//		end := off + l
//		if l < 4 || end > len(b) {
//			return runtime.AttrsError(b, off)
//		}
//		switch typ { ... } // the payload is b[off+4 : end]
//		off += (l + 3) &^ 3
//	}
//
// Why this shape and not AttrAt's: it keeps the loop free of payload
// slices no case needs and of a second test of a sentinel. Under
// callgrind, an nlctrl operation (a nest of two u32 attributes) took 140
// instructions to decode with AttrAt and ReadU32, 91 this way with U32
// (BENCHMARKS.md, goal 2).
func AttrHeader(b []byte, off int) (typ uint16, l int) {
	typ, l = attrHeader(b, off)
	return typ & attrTypeMask, l
}

// attrSpan is attrHeader plus the check every walker makes: ok says that
// a whole attribute of l bytes starts at off.
func attrSpan(b []byte, off int) (typ uint16, l int, ok bool) {
	typ, l = attrHeader(b, off)
	return typ, l, l >= attrHdrLen && off+l <= len(b)
}

// attrHeader is AttrHeader keeping the type's flags.
func attrHeader(b []byte, off int) (typ uint16, l int) {
	if off < 0 || off > len(b)-attrHdrLen {
		return 0, 0
	}
	// The two fields of struct nlattr, read through an array pointer:
	// the test above is the only bounds check (with b[off:] and
	// ne.Uint16 there were four, and a decoder's loop took half as many
	// instructions again).
	h := (*[attrHdrLen]byte)(b[off : off+attrHdrLen])
	return ne.Uint16(h[2:]), int(ne.Uint16(h[:2]))
}

// AttrAt reads the attribute that starts at off in b (0 <= off <=
// len(b)): its type (flags masked off), its payload, and the offset of the
// attribute after it. next is -1 if no whole attribute starts at off;
// AttrsError then says why. TypeValues and RawAttrAt read attributes this
// way; like AttrIter and CountAttrs, it checks the header with attrSpan.
func AttrAt(b []byte, off int) (typ uint16, data []byte, next int) {
	if typ, l, ok := attrSpan(b, off); ok {
		return typ & attrTypeMask, b[off+attrHdrLen : off+l], min(off+align4(l), len(b))
	}
	return 0, nil, -1
}

// RawAttrAt returns a copy of the attribute that starts at off in b, which
// AttrAt has read.
func RawAttrAt(b []byte, off int) RawAttr {
	typ, d, _ := AttrAt(b, off)
	return RawAttr{Type: typ, Flags: ne.Uint16(b[off+2:]) &^ attrTypeMask, Data: append([]byte(nil), d...)}
}

// AttrsError describes why no whole attribute starts at off in b.
func AttrsError(b []byte, off int) error {
	it := AttrIter{b: b, off: off}
	it.stop()
	return it.err
}

// CountAttrs returns how many attributes b holds, counting up to the first
// malformed one, so that a decoder can size a slice before filling it.
func CountAttrs(b []byte) int {
	n := 0
	for off := 0; off < len(b); n++ {
		_, l, ok := attrSpan(b, off)
		if !ok {
			break
		}
		off += align4(l)
	}
	return n
}

// Err returns the error that stopped the walk, if any.
func (it *AttrIter) Err() error { return it.err }

// lengthError describes a payload of the wrong size.
func lengthError(name string, want string, got int) error {
	return fmt.Errorf("genlgen: attribute %q: want %s bytes, got %d: %w", name, want, got, ErrMalformed)
}

// SizeError is the error for a fixed-size attribute (name, from the
// spec) whose payload is got bytes instead of want. Generated decoders
// check the size themselves and read the value with U8, U16, ... BE64.
func SizeError(name string, want, got int) error {
	return lengthError(name, strconv.Itoa(want), got)
}

// U8 reads the one-byte payload of an attribute whose size the caller has
// checked. It and the other unchecked readers (U16, U32, U64 in host byte
// order; BE16, BE32, BE64 in network byte order) return no error, unlike
// ReadU8 ... ReadBE64: generated decoders check the size in the case
// itself, so that no error value travels through their loop
// (BENCHMARKS.md, goal 2). Each panics if b is too short.
func U8(b []byte) uint8 { return b[0] }

// U16 reads a u16 in host byte order; see U8.
func U16(b []byte) uint16 { return ne.Uint16(b) }

// U32 reads a u32 in host byte order; see U8.
func U32(b []byte) uint32 { return ne.Uint32(b) }

// U64 reads a u64 in host byte order; see U8.
func U64(b []byte) uint64 { return ne.Uint64(b) }

// BE16 reads a 16-bit value in network byte order; see U8.
func BE16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }

// BE32 reads a 32-bit value in network byte order; see U8.
func BE32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }

// BE64 reads a 64-bit value in network byte order; see U8.
func BE64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// ReadU8 decodes a u8 payload; name (the spec's attribute name) is used in
// errors.
func ReadU8(name string, b []byte) (uint8, error) {
	if len(b) != 1 {
		return 0, SizeError(name, 1, len(b))
	}
	return U8(b), nil
}

// ReadU16 decodes a u16 payload in host byte order.
func ReadU16(name string, b []byte) (uint16, error) {
	if len(b) != 2 {
		return 0, SizeError(name, 2, len(b))
	}
	return U16(b), nil
}

// ReadU32 decodes a u32 payload in host byte order.
func ReadU32(name string, b []byte) (uint32, error) {
	if len(b) != 4 {
		return 0, SizeError(name, 4, len(b))
	}
	return U32(b), nil
}

// ReadU64 decodes a u64 payload in host byte order.
func ReadU64(name string, b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, SizeError(name, 8, len(b))
	}
	return U64(b), nil
}

// ReadS8 decodes an s8 payload.
func ReadS8(name string, b []byte) (int8, error) {
	v, err := ReadU8(name, b)
	return int8(v), err
}

// ReadS16 decodes an s16 payload in host byte order.
func ReadS16(name string, b []byte) (int16, error) {
	v, err := ReadU16(name, b)
	return int16(v), err
}

// ReadS32 decodes an s32 payload in host byte order.
func ReadS32(name string, b []byte) (int32, error) {
	v, err := ReadU32(name, b)
	return int32(v), err
}

// ReadS64 decodes an s64 payload in host byte order.
func ReadS64(name string, b []byte) (int64, error) {
	v, err := ReadU64(name, b)
	return int64(v), err
}

// ReadBE16 decodes a 16-bit big-endian payload.
func ReadBE16(name string, b []byte) (uint16, error) {
	if len(b) != 2 {
		return 0, SizeError(name, 2, len(b))
	}
	return BE16(b), nil
}

// ReadBE32 decodes a 32-bit big-endian payload.
func ReadBE32(name string, b []byte) (uint32, error) {
	if len(b) != 4 {
		return 0, SizeError(name, 4, len(b))
	}
	return BE32(b), nil
}

// ReadBE64 decodes a 64-bit big-endian payload.
func ReadBE64(name string, b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, SizeError(name, 8, len(b))
	}
	return BE64(b), nil
}

// ReadUint decodes a variable-width unsigned payload (YNL type uint), which
// the kernel sends as 4 or 8 bytes.
func ReadUint(name string, b []byte) (uint64, error) {
	switch len(b) {
	case 4:
		return uint64(ne.Uint32(b)), nil
	case 8:
		return ne.Uint64(b), nil
	}
	return 0, lengthError(name, "4 or 8", len(b))
}

// ReadSint decodes a variable-width signed payload (YNL type sint), which
// the kernel sends as 4 or 8 bytes.
func ReadSint(name string, b []byte) (int64, error) {
	switch len(b) {
	case 4:
		return int64(int32(ne.Uint32(b))), nil
	case 8:
		return int64(ne.Uint64(b)), nil
	}
	return 0, lengthError(name, "4 or 8", len(b))
}

// ReadString decodes a string payload, dropping one trailing NUL if there is
// one. An unterminated payload is accepted as is.
func ReadString(name string, b []byte) (string, error) {
	return (*Bytes)(nil).ReadString(name, b)
}

// ReadNulString decodes a string payload that must end with a NUL, which is
// dropped.
func ReadNulString(name string, b []byte) (string, error) {
	return (*Bytes)(nil).ReadNulString(name, b)
}

// notNulTerminated describes a string payload of n bytes that lacks its
// NUL.
func notNulTerminated(name string, n int) error {
	return fmt.Errorf("genlgen: attribute %q: string of %d bytes is not NUL-terminated: %w", name, n, ErrMalformed)
}

// ReadBytes returns a copy of a binary payload.
func ReadBytes(b []byte) []byte { return append([]byte(nil), b...) }

// ReadFlag checks that a flag attribute has no payload; its presence is the
// value.
func ReadFlag(name string, b []byte) (bool, error) {
	if len(b) != 0 {
		return false, SizeError(name, 0, len(b))
	}
	return true, nil
}
