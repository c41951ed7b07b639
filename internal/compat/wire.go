package compat

import "github.com/genlgen/genlgen/spec"

// retired reports whether an attribute of type t carries nothing (a
// reserved or padding number).
func retired(t spec.AttrType) bool { return t == spec.TypeUnused || t == spec.TypePad }

// typeChange judges an attribute's type change by what the wire carries,
// for an attribute the kernel reads (req) and sends (rsp). Widths decide:
// u32 to u64 changes the payload's size, but u32 to uint does not while
// the value fits (the kernel puts a uint in 4 bytes when it can, and
// accepts 4 or 8). It returns the class, whom it breaks and why.
func typeChange(o, n spec.AttrType, req, rsp bool) (Class, Breaks, string) {
	switch {
	case retired(o) && retired(n):
		return Compatible, Nobody, "neither carries a value"
	case retired(o):
		return Compatible, Nobody, "a reserved number put to use"
	case retired(n):
		return Breaking, UserSpace, "retired: the kernel neither reads nor sends it"
	case o.IsInteger() && n.IsInteger():
		return intChange(o, n, req, rsp)
	case o == spec.TypeBinary && n == spec.TypeString:
		return Breaking, side(req, UserSpace, rsp, UserSpace), "the bytes must now end in a NUL the old programs need not send, and replies gain it"
	case o == spec.TypeString && n == spec.TypeBinary:
		return Breaking, side(req, Kernel, rsp, UserSpace), "the same bytes, but no longer NUL-terminated by contract"
	}
	return Breaking, Both, "the payload is laid out otherwise"
}

// intChange judges a change between two integer types.
func intChange(o, n spec.AttrType, req, rsp bool) (Class, Breaks, string) {
	if o.IsSigned() != n.IsSigned() {
		if o.Width() == n.Width() {
			return Breaking, Both, "the same bytes, read with the other sign"
		}
		return Breaking, Both, "another width and sign"
	}
	switch {
	case n.IsVariableInt() && o.Width() == 4:
		// The kernel sends 8 bytes only for a value that does not fit 32
		// bits, which the old type could not hold.
		return Compatible, Nobody, "the wire still carries 4 bytes for every value the old type held"
	case n.IsVariableInt() && o.Width() == 8:
		if rsp {
			return Breaking, UserSpace, "the kernel now sends 4 bytes for a value that fits, where old programs read 8"
		}
		return Compatible, Nobody, "the kernel accepts the 8 bytes old programs send"
	case o.IsVariableInt() && n.Width() == 4:
		if req {
			return Breaking, UserSpace, "old programs may send 8 bytes, and the kernel now takes exactly 4"
		}
		return Compatible, Nobody, "the kernel sends 4 bytes, which old programs read as a " + string(o)
	case o.IsVariableInt() && n.Width() == 8:
		if req {
			return Breaking, UserSpace, "old programs send 4 bytes for a value that fits, and the kernel now takes exactly 8"
		}
		return Compatible, Nobody, "the kernel sends 8 bytes, which old programs read as a " + string(o)
	}
	return Breaking, Both, "the payload's width changed"
}
