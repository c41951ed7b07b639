package runtime

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Attributes with the display hints ipv4, ipv6 and ipv4-or-v6 are
// netip.Addr values in generated code; the wire encoding stays what the
// spec says (a u32 in its byte order, or the address's bytes).

// PutIPv4 appends an ipv4 address held in a u32 attribute: big-endian on
// the wire if bigEndian, else in host order (the number the address's
// bytes make, read big-endian, as the kernel's client reads it). Anything
// but an IPv4 address fails the encoding.
func (e *Encoder) PutIPv4(typ uint16, a netip.Addr, bigEndian bool) {
	a = a.Unmap()
	if !a.Is4() {
		e.fail(fmt.Errorf("genlgen: encode: attribute type %d: %v is not an IPv4 address", typ, a))
		return
	}
	v := Uint32FromIPv4(a)
	if bigEndian {
		e.PutBE32(typ, v)
	} else {
		e.PutU32(typ, v)
	}
}

// ReadIPv4 reads an ipv4 address held in a u32 attribute (see PutIPv4).
func ReadIPv4(name string, b []byte, bigEndian bool) (netip.Addr, error) {
	if len(b) != 4 {
		return netip.Addr{}, SizeError(name, 4, len(b))
	}
	v := U32(b)
	if bigEndian {
		v = BE32(b)
	}
	return IPv4FromUint32(v), nil
}

// PutIP appends an address held in a binary attribute: width 4 for ipv4,
// 16 for ipv6, 0 for either (ipv4-or-v6, by the address's kind). Any
// other address fails the encoding.
func (e *Encoder) PutIP(typ uint16, a netip.Addr, width int) {
	switch {
	case width == 4 || width == 0 && a.Is4():
		if a = a.Unmap(); a.Is4() {
			b := a.As4()
			e.PutBytes(typ, b[:])
			return
		}
	case a.IsValid():
		b := a.As16()
		e.PutBytes(typ, b[:])
		return
	}
	e.fail(fmt.Errorf("genlgen: encode: attribute type %d: %v is not an address of %d bytes", typ, a, width))
}

// ReadIP reads an address held in a binary attribute (see PutIP); the
// attribute's length must be width (4 or 16 when width is 0).
func ReadIP(name string, b []byte, width int) (netip.Addr, error) {
	if width != 0 && len(b) != width || width == 0 && len(b) != 4 && len(b) != 16 {
		return netip.Addr{}, lengthError(name, addrWidths(width), len(b))
	}
	a, _ := netip.AddrFromSlice(b)
	return a, nil
}

func addrWidths(width int) string {
	if width == 0 {
		return "4 or 16"
	}
	return fmt.Sprint(width)
}

// IPv4FromUint32 is the IPv4 address whose bytes, read big-endian, are v
// (a struct member with display hint ipv4).
func IPv4FromUint32(v uint32) netip.Addr {
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], v)
	return netip.AddrFrom4(a)
}

// Uint32FromIPv4 is the inverse of IPv4FromUint32.
func Uint32FromIPv4(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}
