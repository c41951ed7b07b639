package gogen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// attrKind is everything one attribute type means in Go: the Go type of one
// value, how a value is appended to a request and how it is read back. It is
// the only place that knows these; shapes (optional, repeated, indexed
// arrays) are applied around it in view.go.
type attrKind struct {
	// elem is the Go type of one value.
	elem func(a *spec.Attr) string
	// put returns statements appending value x as attribute type typ.
	put func(a *spec.Attr, typ, x string) string
	// get returns statements declaring x, the value decoded from payload
	// p; they return the error on failure.
	get func(a *spec.Attr, p payload) string
	// pointer marks kinds whose optional fields are pointers (nil:
	// absent) rather than runtime.Opt values: a nested set may contain
	// itself, which a value field cannot.
	pointer bool
	// nilable reports whether the Go type has a nil that means absent,
	// so an optional field needs no wrapper.
	nilable func(a *spec.Attr) bool
	// json returns the Go value whose encoding/json form is value x's
	// JSON (the kernel client's, runtime/json.go); nil means x itself.
	json func(a *spec.Attr, x string) string
	// unjson returns statements declaring x, the value decoded from the
	// JSON in raw; nil means runtime.ReadJSON into a var of elem's type.
	unjson func(a *spec.Attr) string
}

// payload is how generated code refers to an attribute's payload: data is
// a []byte expression, size an int expression for its length that costs
// nothing to evaluate (the decode loop has the attribute's length at hand
// before it slices the payload).
type payload struct{ data, size string }

// intKind describes one integer type: its Go type, its encoder names for
// host and big-endian byte order, and its size, which says how it is read
// back.
type intKind struct {
	goType       string
	put          string
	get          string // the checked reader of the variable-width uint and sint
	putBE        string
	wire, wireBE string // Go type the Put/Read functions take
	// width is the payload's size in bytes, 0 for the variable-width
	// uint and sint.
	width int
}

var intKinds = map[spec.AttrType]intKind{
	spec.TypeU8:   {goType: "uint8", put: "PutU8", wire: "uint8", width: 1},
	spec.TypeU16:  {goType: "uint16", put: "PutU16", putBE: "PutBE16", wire: "uint16", wireBE: "uint16", width: 2},
	spec.TypeU32:  {goType: "uint32", put: "PutU32", putBE: "PutBE32", wire: "uint32", wireBE: "uint32", width: 4},
	spec.TypeU64:  {goType: "uint64", put: "PutU64", putBE: "PutBE64", wire: "uint64", wireBE: "uint64", width: 8},
	spec.TypeS8:   {goType: "int8", put: "PutS8", wire: "int8", width: 1},
	spec.TypeS16:  {goType: "int16", put: "PutS16", putBE: "PutBE16", wire: "int16", wireBE: "uint16", width: 2},
	spec.TypeS32:  {goType: "int32", put: "PutS32", putBE: "PutBE32", wire: "int32", wireBE: "uint32", width: 4},
	spec.TypeS64:  {goType: "int64", put: "PutS64", putBE: "PutBE64", wire: "int64", wireBE: "uint64", width: 8},
	spec.TypeUint: {goType: "uint64", put: "PutUint", get: "ReadUint", wire: "uint64"},
	spec.TypeSint: {goType: "int64", put: "PutSint", get: "ReadSint", wire: "int64"},
}

// kinds maps every attribute type a Go field can hold to its behaviour.
// pad and unused attributes have no field; flag fields are plain bools
// handled by their shape.
var kinds = map[spec.AttrType]attrKind{}

func init() {
	for t := range intKinds {
		kinds[t] = attrKind{elem: intElem, put: intPut, get: intGet, json: intJSON, unjson: intUnJSON}
	}
	kinds[spec.TypeFlag] = attrKind{
		elem: func(*spec.Attr) string { return "bool" },
		put:  func(_ *spec.Attr, typ, _ string) string { return "e.PutFlag(" + typ + ")" },
		get: func(a *spec.Attr, p payload) string {
			return fmt.Sprintf("x, err := runtime.ReadFlag(%s, %s)\nif err != nil {\nreturn err\n}", q(a.Name), p.data)
		},
	}
	kinds[spec.TypeString] = attrKind{
		elem: func(*spec.Attr) string { return "string" },
		put:  func(_ *spec.Attr, typ, x string) string { return fmt.Sprintf("e.PutString(%s, %s)", typ, x) },
		get: func(a *spec.Attr, p payload) string {
			// A string the policy lets go unterminated is read leniently;
			// any other must carry its NUL.
			read := "ReadNulString"
			if a.Checks.UnterminatedOK {
				read = "ReadString"
			}
			return fmt.Sprintf("x, err := dc.bytes().%s(%s, %s)\nif err != nil {\nreturn err\n}", read, q(a.Name), p.data)
		},
	}
	kinds[spec.TypeBinary] = attrKind{elem: binaryElem, put: binaryPut, get: binaryGet,
		nilable: func(a *spec.Attr) bool {
			return strings.HasPrefix(binaryElem(a), "[]") || binaryElem(a) == "net.HardwareAddr"
		},
		json: binaryJSON, unjson: binaryUnJSON}
	kinds[spec.TypeBitfield32] = attrKind{
		elem: func(*spec.Attr) string { return "runtime.Bitfield32" },
		put:  func(_ *spec.Attr, typ, x string) string { return fmt.Sprintf("e.PutBitfield32(%s, %s)", typ, x) },
		get: func(a *spec.Attr, p payload) string {
			return fmt.Sprintf("x, err := runtime.ReadBitfield32(%s, %s)\nif err != nil {\nreturn err\n}", q(a.Name), p.data)
		},
		json: func(a *spec.Attr, x string) string {
			if a.Enum == nil {
				return x
			}
			return fmt.Sprintf("runtime.FlagsBitfield(%s, names%s, %v)", x, a.Enum.GoName, a.Enum.Kind != spec.DefFlags)
		},
		unjson: func(a *spec.Attr) string {
			if a.Enum == nil {
				return ""
			}
			return fmt.Sprintf("x, err := runtime.ParseFlagsBitfield(%s, raw, names%s, %v)\nif err != nil {\nreturn err\n}", q(a.Name), a.Enum.GoName, a.Enum.Kind != spec.DefFlags)
		},
	}
	kinds[spec.TypeNest] = attrKind{
		elem: func(a *spec.Attr) string { return a.Nested.GoName },
		put: func(_ *spec.Attr, typ, x string) string {
			return fmt.Sprintf("n := e.BeginNest(%s)\n%s.Encode(e)\ne.EndNest(n)", typ, x)
		},
		get: func(a *spec.Attr, p payload) string {
			return fmt.Sprintf("var x %s\nif err := x.decode(%s, dc); err != nil {\nreturn fmt.Errorf(%s, err)\n}", a.Nested.GoName, p.data, q(a.Name+": %w"))
		},
		pointer: true,
	}
}

// isPlainInt reports whether an integer attribute with an enum is a bit
// mask of that enum's values rather than one of them.
func isPlainInt(a *spec.Attr) bool {
	return a.Enum == nil || (a.EnumAsFlags && a.Enum.Kind == spec.DefEnum)
}

func intElem(a *spec.Attr) string {
	switch {
	case isIPv4Int(a):
		return "netip.Addr"
	case !isPlainInt(a):
		return a.Enum.GoName
	}
	return intKinds[a.Type].goType
}

// isIPv4Int reports whether a is an IPv4 address held in a u32 (display
// hint ipv4): a netip.Addr in Go.
func isIPv4Int(a *spec.Attr) bool {
	return a.DisplayHint == "ipv4" && a.Type == spec.TypeU32 && a.Enum == nil
}

// intJSON: a number, an enum's name (its MarshalText), flags as a list
// of names, a hex-hinted integer as "0x..".
func intJSON(a *spec.Attr, x string) string {
	switch {
	case isIPv4Int(a) || !isPlainInt(a) && a.Enum.Kind != spec.DefFlags:
		return x // netip.Addr and enums have MarshalText
	case a.Enum != nil:
		return fmt.Sprintf("runtime.FlagList(uint64(%s), names%s, %v)", x, a.Enum.GoName, a.Enum.Kind != spec.DefFlags)
	case a.DisplayHint == "hex":
		return "runtime.HexInt(" + x + ")"
	}
	return x
}

func intUnJSON(a *spec.Attr) string {
	elem := intElem(a)
	switch {
	case isIPv4Int(a) || !isPlainInt(a) && a.Enum.Kind != spec.DefFlags:
		return ""
	case a.Enum != nil:
		return fmt.Sprintf("r, err := runtime.ParseFlagList(%s, raw, names%s, %v)\nif err != nil {\nreturn err\n}\nx := %s(r)", q(a.Name), a.Enum.GoName, a.Enum.Kind != spec.DefFlags, elem)
	case a.DisplayHint == "hex":
		return fmt.Sprintf("var r runtime.HexInt\nif err := runtime.ReadJSON(%s, raw, &r); err != nil {\nreturn err\n}\nx := %s(r)", q(a.Name), elem)
	}
	return ""
}

// bigEndian reports whether a is sent in network byte order (one-byte and
// variable-width integers have none).
func bigEndian(a *spec.Attr, k intKind) bool { return a.BigEndian && k.putBE != "" }

func intPut(a *spec.Attr, typ, x string) string {
	k := intKinds[a.Type]
	if isIPv4Int(a) {
		return fmt.Sprintf("e.PutIPv4(%s, %s, %v)", typ, x, bigEndian(a, k))
	}
	put, wire := k.put, k.wire
	if bigEndian(a, k) {
		put, wire = k.putBE, k.wireBE
	}
	if intElem(a) != wire {
		x = wire + "(" + x + ")"
	}
	return fmt.Sprintf("e.%s(%s, %s)", put, typ, x)
}

func intGet(a *spec.Attr, p payload) string {
	k := intKinds[a.Type]
	elem := intElem(a)
	if isIPv4Int(a) {
		return fmt.Sprintf("x, err := runtime.ReadIPv4(%s, %s, %v)\nif err != nil {\nreturn err\n}", q(a.Name), p.data, bigEndian(a, k))
	}
	if k.width == 0 {
		// uint and sint: 4 or 8 bytes, which ReadUint and ReadSint
		// check.
		if elem == k.wire {
			return fmt.Sprintf("x, err := runtime.%s(%s, %s)\nif err != nil {\nreturn err\n}", k.get, q(a.Name), p.data)
		}
		return fmt.Sprintf("r, err := runtime.%s(%s, %s)\nif err != nil {\nreturn err\n}\nx := %s(r)", k.get, q(a.Name), p.data, elem)
	}
	// Fixed widths: the size is checked here and the value read by an
	// unchecked reader, so that no error value travels through the
	// decode loop (BENCHMARKS.md, goal 2).
	read := fmt.Sprintf("runtime.U%d(%s)", 8*k.width, p.data)
	if bigEndian(a, k) {
		read = fmt.Sprintf("runtime.BE%d(%s)", 8*k.width, p.data)
	}
	if unsigned := fmt.Sprintf("uint%d", 8*k.width); elem != unsigned {
		read = elem + "(" + read + ")"
	}
	return fmt.Sprintf("if %s != %d {\nreturn runtime.SizeError(%s, %d, %s)\n}\nx := %s", p.size, k.width, q(a.Name), k.width, p.size, read)
}

// binaryElem: raw bytes, a packed array of integers (sub-type), a C
// struct (struct), an address (display hints ipv4, ipv6, ipv4-or-v6), a
// MAC, a UUID, or an array of the exact length the checks require.
func binaryElem(a *spec.Attr) string {
	switch {
	case a.Struct != nil:
		return a.Struct.GoName
	case a.SubType != "":
		return "[]" + intKinds[a.SubType].goType
	case ipWidth(a) >= 0:
		return "netip.Addr"
	case a.DisplayHint == "mac":
		return "net.HardwareAddr"
	case a.DisplayHint == "uuid":
		return "runtime.UUID"
	case exactLen(a) > 0:
		return fmt.Sprintf("[%d]byte", exactLen(a))
	}
	return "[]byte"
}

// ipWidth is the length of a binary address attribute: 4, 16, 0 for
// either; -1 for a binary that is no address.
func ipWidth(a *spec.Attr) int {
	switch a.DisplayHint {
	case "ipv4":
		return 4
	case "ipv6":
		return 16
	case "ipv4-or-v6":
		return 0
	}
	return -1
}

// exactLen is the length a binary's exact-len check requires, 0 if none.
func exactLen(a *spec.Attr) int {
	if l := a.Checks.ExactLen; l != nil && !l.Neg && l.Abs > 0 && l.Abs <= 1<<16 {
		return int(l.Abs)
	}
	return 0
}

// fixedBinary is the length of a binary held in a Go array (a UUID, an
// exact-length binary), 0 if it is not.
func fixedBinary(a *spec.Attr) int {
	switch binaryElem(a) {
	case "runtime.UUID":
		return 16
	case "[]byte", "net.HardwareAddr", "netip.Addr":
		return 0
	}
	if a.Struct == nil && a.SubType == "" {
		return exactLen(a)
	}
	return 0
}

func binaryPut(a *spec.Attr, typ, x string) string {
	switch {
	case a.Struct != nil:
		return fmt.Sprintf("e.PutStruct(%s, %d, %s.put)", typ, a.Struct.Size, x)
	case a.SubType != "":
		return fmt.Sprintf("runtime.PutIntArray(e, %s, %d, %s)", typ, a.SubType.Width(), x)
	case ipWidth(a) >= 0:
		return fmt.Sprintf("e.PutIP(%s, %s, %d)", typ, x, ipWidth(a))
	case fixedBinary(a) > 0:
		return fmt.Sprintf("e.PutBytes(%s, %s[:])", typ, x)
	}
	return fmt.Sprintf("e.PutBytes(%s, %s)", typ, x)
}

func binaryGet(a *spec.Attr, p payload) string {
	d := p.data
	switch {
	case a.Struct != nil:
		return fmt.Sprintf("if err := runtime.CheckStruct(%s, %s, %d); err != nil {\nreturn err\n}\nvar x %s\nx.get(%s)", q(a.Name), d, a.Struct.Size, a.Struct.GoName, d)
	case a.SubType != "":
		return fmt.Sprintf("x, err := runtime.ReadIntArray[%s](%s, %s, %d)\nif err != nil {\nreturn err\n}", intKinds[a.SubType].goType, q(a.Name), d, a.SubType.Width())
	case ipWidth(a) >= 0:
		return fmt.Sprintf("x, err := runtime.ReadIP(%s, %s, %d)\nif err != nil {\nreturn err\n}", q(a.Name), d, ipWidth(a))
	case fixedBinary(a) > 0:
		n := fixedBinary(a)
		return fmt.Sprintf("if %s != %d {\nreturn runtime.SizeError(%s, %d, %s)\n}\nvar x %s\ncopy(x[:], %s)", p.size, n, q(a.Name), n, p.size, binaryElem(a), d)
	case a.DisplayHint == "mac":
		return fmt.Sprintf("x := net.HardwareAddr(dc.bytes().Copy(%s))", d)
	}
	return fmt.Sprintf("x := dc.bytes().Copy(%s)", d)
}

// binaryJSON: hex (bytes.hex), a hex dump for display hint hex, a MAC's
// and an address's text forms, a struct as an object, a sub-type array as
// a list of numbers.
func binaryJSON(a *spec.Attr, x string) string {
	elem := binaryElem(a)
	switch {
	case a.Struct != nil, elem == "netip.Addr", elem == "runtime.UUID":
		return x
	case a.SubType == spec.TypeU8:
		return "runtime.Uint8s(" + x + ")"
	case a.SubType != "":
		return x
	case elem == "net.HardwareAddr":
		return x + ".String()"
	}
	if fixedBinary(a) > 0 {
		x += "[:]"
	}
	if a.DisplayHint == "hex" {
		return "runtime.HexDump(" + x + ")"
	}
	return "runtime.HexBytes(" + x + ")"
}

func binaryUnJSON(a *spec.Attr) string {
	elem := binaryElem(a)
	name := q(a.Name)
	switch {
	case a.Struct != nil, elem == "netip.Addr", elem == "runtime.UUID", a.SubType != "" && a.SubType != spec.TypeU8:
		return ""
	case a.SubType == spec.TypeU8:
		return fmt.Sprintf("var n []uint8\nif err := runtime.ReadJSON(%s, raw, &n); err != nil {\nreturn err\n}\nx := n", name)
	case elem == "net.HardwareAddr":
		return fmt.Sprintf("var s string\nif err := runtime.ReadJSON(%s, raw, &s); err != nil {\nreturn err\n}\nx, err := net.ParseMAC(s)\nif err != nil {\nreturn fmt.Errorf(\"genlgen: JSON: attribute %%s: %%w\", %s, err)\n}", name, name)
	}
	read := fmt.Sprintf("var h runtime.HexBytes\nif err := runtime.ReadJSON(%s, raw, &h); err != nil {\nreturn err\n}\n", name)
	if n := fixedBinary(a); n > 0 {
		return read + fmt.Sprintf("if len(h) != %d {\nreturn runtime.SizeError(%s, %d, len(h))\n}\nvar x %s\ncopy(x[:], h)", n, name, n, elem)
	}
	return read + "x := []byte(h)"
}

// q quotes a spec name as a Go string literal.
func q(s string) string { return strconv.Quote(s) }
