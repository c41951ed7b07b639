package runtime

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// This file holds the helpers that genlgen's Go generator (internal/gogen)
// calls from generated code beyond the basic Put and Read methods.

// Bitfield32 is the value of a bitfield32 attribute: the bits in Selector
// are the ones the request changes, to the values they have in Value.
type Bitfield32 struct {
	Value    uint32 `json:"value"`
	Selector uint32 `json:"selector"`
}

// PutBitfield32 appends a bitfield32 attribute.
func (e *Encoder) PutBitfield32(typ uint16, v Bitfield32) {
	b := e.attr(typ, 8)
	ne.PutUint32(b, v.Value)
	ne.PutUint32(b[4:], v.Selector)
}

// ReadBitfield32 decodes a bitfield32 payload.
func ReadBitfield32(name string, b []byte) (Bitfield32, error) {
	if len(b) != 8 {
		return Bitfield32{}, SizeError(name, 8, len(b))
	}
	return Bitfield32{Value: ne.Uint32(b), Selector: ne.Uint32(b[4:])}, nil
}

// Integer is any fixed-width integer type, for arrays of integers carried
// in one binary attribute.
type Integer interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64 | ~int8 | ~int16 | ~int32 | ~int64
}

// PutIntArray appends a binary attribute holding v packed in host byte
// order, size bytes per element.
func PutIntArray[T Integer](e *Encoder, typ uint16, size int, v []T) {
	b := e.attr(typ, size*len(v))
	for i, x := range v {
		putInt(b[i*size:], size, uint64(x))
	}
}

// ReadIntArray decodes a binary payload of packed host-order integers of
// size bytes each.
func ReadIntArray[T Integer](name string, b []byte, size int) ([]T, error) {
	if len(b)%size != 0 {
		return nil, lengthError(name, "a multiple of "+strconv.Itoa(size), len(b))
	}
	out := make([]T, len(b)/size)
	for i := range out {
		out[i] = T(getInt(b[i*size:], size))
	}
	return out, nil
}

func putInt(b []byte, size int, v uint64) {
	switch size {
	case 1:
		b[0] = uint8(v)
	case 2:
		ne.PutUint16(b, uint16(v))
	case 4:
		ne.PutUint32(b, uint32(v))
	default:
		ne.PutUint64(b, v)
	}
}

func getInt(b []byte, size int) uint64 {
	switch size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(ne.Uint16(b))
	case 4:
		return uint64(ne.Uint32(b))
	}
	return ne.Uint64(b)
}

// AttrError reports err, met while decoding the attribute called name.
func AttrError(name string, err error) error {
	return fmt.Errorf("genlgen: attribute %q: %w", name, err)
}

// PutStruct appends a binary attribute of size bytes that put fills in,
// for attributes that carry a C struct.
func (e *Encoder) PutStruct(typ uint16, size int, put func(b []byte)) {
	b := e.attr(typ, size)
	clear(b)
	put(b)
}

// CheckStruct checks that a payload is long enough for a C struct of size
// bytes. Longer payloads are accepted (newer kernels may extend structs).
func CheckStruct(name string, b []byte, size int) error {
	if len(b) < size {
		return lengthError(name, "at least "+strconv.Itoa(size), len(b))
	}
	return nil
}

// EnumName names one value of an enum or one bit of a flags type.
type EnumName struct {
	Value uint64
	Name  string
}

// FormatEnum returns the name of v, or the number when v has none.
func FormatEnum(v uint64, names []EnumName) string {
	for _, n := range names {
		if n.Value == v {
			return n.Name
		}
	}
	return strconv.FormatUint(v, 10)
}

// ParseEnum is the inverse of FormatEnum.
func ParseEnum(s string, names []EnumName) (uint64, error) {
	for _, n := range names {
		if n.Name == s {
			return n.Value, nil
		}
	}
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return 0, fmt.Errorf("genlgen: unknown name %q", s)
	}
	return v, nil
}

// FormatFlags lists the names of the bits set in v, joined by "|"; bits
// without a name are shown together in hex ("admin-perm|0x40"), and no bit
// at all as "0". names holds single-bit masks.
func FormatFlags(v uint64, names []EnumName) string {
	if v == 0 {
		return "0"
	}
	var parts []string
	rest := v
	for _, n := range names {
		if n.Value != 0 && bits.OnesCount64(n.Value) == 1 && v&n.Value != 0 {
			parts = append(parts, n.Name)
			rest &^= n.Value
		}
	}
	if rest != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(rest, 16))
	}
	return strings.Join(parts, "|")
}

// ParseFlags is the inverse of FormatFlags.
func ParseFlags(s string, names []EnumName) (uint64, error) {
	var v uint64
	if s == "" || s == "0" {
		return 0, nil
	}
	for _, part := range strings.Split(s, "|") {
		x, err := ParseEnum(part, names)
		if err != nil {
			return 0, err
		}
		v |= x
	}
	return v, nil
}

// MarshalAttrs returns the attributes put appends, without any message
// header: what a generated struct's Encode method produces, as bytes. It is
// meant for tests and for storing messages.
func MarshalAttrs(put func(*Encoder)) ([]byte, error) {
	var e Encoder
	e.Begin(0, 0, 0, 0)
	put(&e)
	if e.err != nil {
		return nil, e.err
	}
	return append([]byte(nil), e.buf[e.attrStart:]...), nil
}
