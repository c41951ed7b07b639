package runtime

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// RawAttr is an attribute kept undecoded, for example one whose type the
// spec does not know. Generated structs keep such attributes in an
// Unknown []RawAttr field so nothing the kernel sent is silently lost.
type RawAttr struct {
	Type uint16 // attribute type with NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off
	Data []byte // payload, owned by the RawAttr
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
	b     []byte // all attributes
	next  int    // offset of the next attribute in b
	cur   int    // offset of the current attribute in b
	typ   uint16 // raw type field of the current attribute
	data  []byte
	err   error
	valid bool
}

// Attrs returns an iterator over the attributes in b.
func Attrs(b []byte) AttrIter { return AttrIter{b: b} }

// Next advances to the next attribute and reports whether there is one.
func (it *AttrIter) Next() bool {
	it.valid = false
	if it.err != nil || it.next >= len(it.b) {
		return false
	}
	rest := it.b[it.next:]
	if len(rest) < attrHdrLen {
		it.err = fmt.Errorf("genlgen: decode: truncated attribute header at offset %d: %d bytes left: %w", it.next, len(rest), ErrMalformed)
		return false
	}
	l := int(ne.Uint16(rest))
	typ := ne.Uint16(rest[2:])
	if l < attrHdrLen || l > len(rest) {
		it.err = fmt.Errorf("genlgen: decode: attribute type %d at offset %d: length %d, %d bytes left: %w", typ&attrTypeMask, it.next, l, len(rest), ErrMalformed)
		return false
	}
	it.cur = it.next
	it.typ = typ
	it.data = rest[attrHdrLen:l]
	it.next += min(align4(l), len(rest))
	it.valid = true
	return true
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
func (it *AttrIter) Data() []byte { return it.data }

// Offset returns the offset of the current attribute's header within the
// slice given to Attrs.
func (it *AttrIter) Offset() int { return it.cur }

// Raw returns a copy of the current attribute.
func (it *AttrIter) Raw() RawAttr {
	return RawAttr{Type: it.Type(), Data: append([]byte(nil), it.data...)}
}

// CountAttrs returns how many attributes b holds, counting up to the first
// malformed one, so that a decoder can size a slice before filling it.
func CountAttrs(b []byte) int {
	n := 0
	for it := Attrs(b); it.Next(); {
		n++
	}
	return n
}

// Err returns the error that stopped the walk, if any.
func (it *AttrIter) Err() error { return it.err }

// lengthError describes a payload of the wrong size.
func lengthError(name string, want string, got int) error {
	return fmt.Errorf("genlgen: attribute %q: want %s bytes, got %d: %w", name, want, got, ErrMalformed)
}

func exact(name string, b []byte, n int) error {
	if len(b) != n {
		return lengthError(name, fmt.Sprint(n), len(b))
	}
	return nil
}

// ReadU8 decodes a u8 payload; name (the spec's attribute name) is used in
// errors.
func ReadU8(name string, b []byte) (uint8, error) {
	if err := exact(name, b, 1); err != nil {
		return 0, err
	}
	return b[0], nil
}

// ReadU16 decodes a u16 payload in host byte order.
func ReadU16(name string, b []byte) (uint16, error) {
	if err := exact(name, b, 2); err != nil {
		return 0, err
	}
	return ne.Uint16(b), nil
}

// ReadU32 decodes a u32 payload in host byte order.
func ReadU32(name string, b []byte) (uint32, error) {
	if err := exact(name, b, 4); err != nil {
		return 0, err
	}
	return ne.Uint32(b), nil
}

// ReadU64 decodes a u64 payload in host byte order.
func ReadU64(name string, b []byte) (uint64, error) {
	if err := exact(name, b, 8); err != nil {
		return 0, err
	}
	return ne.Uint64(b), nil
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
	if err := exact(name, b, 2); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(b), nil
}

// ReadBE32 decodes a 32-bit big-endian payload.
func ReadBE32(name string, b []byte) (uint32, error) {
	if err := exact(name, b, 4); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

// ReadBE64 decodes a 64-bit big-endian payload.
func ReadBE64(name string, b []byte) (uint64, error) {
	if err := exact(name, b, 8); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(b), nil
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
	if n := len(b); n > 0 && b[n-1] == 0 {
		b = b[:n-1]
	}
	return string(b), nil
}

// ReadNulString decodes a string payload that must end with a NUL, which is
// dropped.
func ReadNulString(name string, b []byte) (string, error) {
	n := len(b)
	if n == 0 || b[n-1] != 0 {
		return "", fmt.Errorf("genlgen: attribute %q: string of %d bytes is not NUL-terminated: %w", name, n, ErrMalformed)
	}
	return string(b[:n-1]), nil
}

// ReadBytes returns a copy of a binary payload.
func ReadBytes(b []byte) []byte { return append([]byte(nil), b...) }

// ReadFlag checks that a flag attribute has no payload; its presence is the
// value.
func ReadFlag(name string, b []byte) (bool, error) {
	if err := exact(name, b, 0); err != nil {
		return false, err
	}
	return true, nil
}
