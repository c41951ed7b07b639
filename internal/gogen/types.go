package gogen

import (
	"fmt"
	"strconv"

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
		kinds[t] = attrKind{elem: intElem, put: intPut, get: intGet}
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
		nilable: func(a *spec.Attr) bool { return a.Struct == nil }}
	kinds[spec.TypeBitfield32] = attrKind{
		elem: func(*spec.Attr) string { return "runtime.Bitfield32" },
		put:  func(_ *spec.Attr, typ, x string) string { return fmt.Sprintf("e.PutBitfield32(%s, %s)", typ, x) },
		get: func(a *spec.Attr, p payload) string {
			return fmt.Sprintf("x, err := runtime.ReadBitfield32(%s, %s)\nif err != nil {\nreturn err\n}", q(a.Name), p.data)
		},
	}
	kinds[spec.TypeNest] = attrKind{
		elem: func(a *spec.Attr) string { return a.Nested.GoName },
		put: func(_ *spec.Attr, typ, x string) string {
			return fmt.Sprintf("n := e.BeginNest(%s)\n%s.Encode(e)\ne.EndNest(n)", typ, x)
		},
		get: func(a *spec.Attr, p payload) string {
			return fmt.Sprintf("var x %s\nif err := x.decode(%s, dc); err != nil {\nreturn fmt.Errorf(\"%%s: %%w\", %s, err)\n}", a.Nested.GoName, p.data, q(a.Name))
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
	if !isPlainInt(a) {
		return a.Enum.GoName
	}
	return intKinds[a.Type].goType
}

// bigEndian reports whether a is sent in network byte order (one-byte and
// variable-width integers have none).
func bigEndian(a *spec.Attr, k intKind) bool { return a.BigEndian && k.putBE != "" }

func intPut(a *spec.Attr, typ, x string) string {
	k := intKinds[a.Type]
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

// binaryElem: raw bytes, a packed array of integers (sub-type) or a C
// struct (struct).
func binaryElem(a *spec.Attr) string {
	switch {
	case a.Struct != nil:
		return a.Struct.GoName
	case a.SubType != "":
		return "[]" + intKinds[a.SubType].goType
	}
	return "[]byte"
}

func binaryPut(a *spec.Attr, typ, x string) string {
	switch {
	case a.Struct != nil:
		return fmt.Sprintf("e.PutStruct(%s, %d, %s.put)", typ, a.Struct.Size, x)
	case a.SubType != "":
		return fmt.Sprintf("runtime.PutIntArray(e, %s, %d, %s)", typ, a.SubType.Width(), x)
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
	}
	return fmt.Sprintf("x := dc.bytes().Copy(%s)", d)
}

// q quotes a spec name as a Go string literal.
func q(s string) string { return strconv.Quote(s) }
