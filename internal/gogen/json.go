package gogen

import (
	"fmt"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// The JSON of generated types is the kernel client's (cli.py
// --output-json; runtime/json.go says what it looks like). Each
// attribute kind says how one value is shown and read back (attrKind's
// json and unjson in types.go); the functions here apply that to a
// field's shape (optional, repeated, indexed, nest-type-value) and to the
// members of structs, for the MarshalJSON and UnmarshalJSON methods the
// templates declare.

// jsonOut is the Go value whose JSON is element x of attribute a
// (already an element: an indexed array's sub-type attribute).
func jsonOut(a *spec.Attr, x string) string {
	if k := kinds[a.Type]; k.json != nil {
		return k.json(a, x)
	}
	return x
}

// jsonIn returns statements declaring x, element of attribute a, read
// from the JSON in raw.
func jsonIn(a *spec.Attr, elem string) string {
	if s := customJSONIn(a); s != "" {
		return s
	}
	return fmt.Sprintf("var x %s\nif err := runtime.ReadJSON(%s, raw, &x); err != nil {\nreturn err\n}", elem, q(a.Name))
}

// customJSONIn is a's own reading of an element (unjson), "" when the
// element's Go type reads its JSON itself.
func customJSONIn(a *spec.Attr) string {
	if k := kinds[a.Type]; k.unjson != nil {
		return k.unjson(a)
	}
	return ""
}

// jsonField fills fv's JSONPut (statements adding the field to the
// runtime.JSONObject o of a MarshalJSON) and JSONGet (statements reading
// it from raw in an UnmarshalJSON).
func jsonField(a *spec.Attr, fv *fieldView) {
	name, f := q(a.Name), "v."+fv.Name
	// Each case of UnmarshalJSON's switch ends in a return.
	defer func() {
		if lines := strings.Split(fv.JSONGet, "\n"); !strings.HasPrefix(lines[len(lines)-1], "return ") {
			fv.JSONGet += "\nreturn nil"
		}
	}()
	elem := a
	if a.Type == spec.TypeIndexedArray {
		elem = subAttr(a)
	}
	// addr is how an element is passed: nests by pointer (their
	// MarshalJSON has a pointer receiver), without their fixed header.
	addr := func(x string) string {
		if elem.Type == spec.TypeNest {
			return nestJSON(elem.Nested, "&"+x)
		}
		return x
	}
	list := func(each string) string {
		return fmt.Sprintf("l := make([]any, len(%s))\nfor i := range %s {\nl[i] = %s\n}\no.Put(%s, l)", f, f, each, name)
	}
	readList := func(unwrap, elemType string, body string) string {
		return fmt.Sprintf("l, err := runtime.ReadJSONList(%s, raw)\nif err != nil {\nreturn err\n}\n%s = make([]%s, 0, len(l))\nfor _, raw := range l {\n%s%s\n%s = append(%s, x)\n}",
			name, f, elemType, unwrap, body, f, f)
	}
	switch fv.Shape {
	case "flag":
		fv.JSONPut = fmt.Sprintf("if %s {\no.Put(%s, true)\n}", f, name)
		fv.JSONGet = fmt.Sprintf("return runtime.ReadJSON(%s, raw, &%s)", name, f)
	case "opt":
		fv.JSONPut = fmt.Sprintf("if %s.Present {\no.Put(%s, %s)\n}", f, name, jsonOut(a, f+".V"))
		// runtime.Opt reads its value's JSON (null: absent).
		fv.JSONGet = fmt.Sprintf("return runtime.ReadJSON(%s, raw, &%s)", name, f)
		if s := customJSONIn(a); s != "" {
			fv.JSONGet = s + "\n" + f + " = runtime.Some(x)"
		}
	case "ptr":
		fv.JSONPut = fmt.Sprintf("if %s != nil {\no.Put(%s, %s)\n}", f, name, nestJSON(a.Nested, f))
		fv.JSONGet = fmt.Sprintf("%s = new(%s)\nreturn runtime.ReadJSON(%s, raw, %s)", f, fv.ElemType, name, f)
	case "nil":
		fv.JSONPut = fmt.Sprintf("if %s != nil {\no.Put(%s, %s)\n}", f, name, jsonOut(a, f))
		fv.JSONGet = fmt.Sprintf("return runtime.ReadJSON(%s, raw, &%s)", name, f)
		if s := customJSONIn(a); s != "" {
			fv.JSONGet = s + "\n" + f + " = x"
		}
	case "multi":
		fv.JSONPut = fmt.Sprintf("if len(%s) > 0 {\n%s\n}", f, list(jsonOut(elem, addr(f+"[i]"))))
		fv.JSONGet = readList("", fv.ElemType, jsonIn(elem, fv.ElemType))
	case "indexed":
		each, unwrap := jsonOut(elem, f+"[i]"), ""
		if elem.Type == spec.TypeNest {
			each, unwrap = "runtime.IndexedJSON(i, "+nestJSON(elem.Nested, "&"+f+"[i]")+")", "raw := runtime.UnwrapIndexedJSON(raw)\n"
		}
		fv.JSONPut = fmt.Sprintf("if %s != nil {\n%s\n}", f, list(each))
		fv.JSONGet = readList(unwrap, fv.ElemType, jsonIn(elem, fv.ElemType))
	case "typevalue":
		// One entry is an object, as cli.py prints it; several are a
		// list, where cli.py keeps only the first.
		fv.JSONPut = fmt.Sprintf("if len(%s) == 1 {\no.Put(%s, &%s[0])\n} else if %s != nil {\n%s\n}", f, name, f, f, list("&"+f+"[i]"))
		fv.JSONGet = readList("", fv.Entry, fmt.Sprintf("var x %s\nif err := runtime.ReadJSON(%s, raw, &x); err != nil {\nreturn err\n}", fv.Entry, name))
	}
}

// nestJSON is the JSON value of the nested set s at pointer p: the set
// itself, or, when its messages carry a fixed header at the top level,
// its attributes alone, as cli.py shows a nest.
func nestJSON(s *spec.AttrSet, p string) string {
	if s != nil && s.Go.FixedHeader != nil {
		return "runtime.JSONFunc((" + p + ").attrsJSON)"
	}
	return p
}

// memberJSON fills a struct member's JSONPut and JSONGet: as cli.py
// decodes struct members, an integer is a number (an enum's name, flags'
// names, an address or "0x.." by display hint), a byte array hex (a MAC,
// an address or a UUID by display hint), a struct member an object.
func memberJSON(m *spec.StructMember, mv *memberView) {
	name, f := q(m.Name), "s."+m.GoName
	put := func(v string) { mv.JSONPut = fmt.Sprintf("o.Put(%s, %s)", name, v) }
	// direct reads a member whose Go type reads its JSON itself.
	direct := func() { mv.JSONGet = fmt.Sprintf("return runtime.ReadJSON(%s, raw, &%s)", name, f) }
	read := func(typ, conv string) {
		mv.JSONGet = fmt.Sprintf("var x %s\nif err := runtime.ReadJSON(%s, raw, &x); err != nil {\nreturn err\n}\n%s", typ, name, conv)
	}
	switch {
	case m.Type == spec.TypeBinary && m.Struct != nil:
		put("&" + f)
		direct()
	case m.Type == spec.TypeBinary:
		n := m.Len
		switch {
		case m.DisplayHint == "mac":
			put("net.HardwareAddr(" + f + "[:]).String()")
			mv.JSONGet = fmt.Sprintf("var t string\nif err := runtime.ReadJSON(%s, raw, &t); err != nil {\nreturn err\n}\nx, err := net.ParseMAC(t)\nif err != nil || len(x) != %d {\nreturn fmt.Errorf(\"genlgen: JSON: member %%s: not a MAC of %d bytes: %%q\", %s, t)\n}\ncopy(%s[:], x)", name, n, n, name, f)
		case (m.DisplayHint == "ipv6" || m.DisplayHint == "ipv4-or-v6") && n == 16:
			put("netip.AddrFrom16(" + f + ")")
			read("netip.Addr", f+" = x.As16()")
		case (m.DisplayHint == "ipv4" || m.DisplayHint == "ipv4-or-v6") && n == 4:
			put("netip.AddrFrom4(" + f + ")")
			read("netip.Addr", "if !x.Is4() {\nreturn fmt.Errorf(\"genlgen: JSON: member %s: %v is not an IPv4 address\", "+name+", x)\n}\n"+f+" = x.As4()")
		case m.DisplayHint == "uuid" && n == 16:
			put("runtime.UUID(" + f + ")")
			direct()
		default:
			text := "runtime.HexBytes"
			if m.DisplayHint == "hex" {
				text = "runtime.HexDump"
			}
			put(text + "(" + f + "[:])")
			read("runtime.HexBytes", fmt.Sprintf("if len(x) != %d {\nreturn runtime.SizeError(%s, %d, len(x))\n}\ncopy(%s[:], x)", n, name, n, f))
		}
	case m.Enum != nil && m.Enum.Kind == spec.DefFlags:
		put(fmt.Sprintf("runtime.FlagList(uint64(%s), names%s, false)", f, m.Enum.GoName))
		mv.JSONGet = fmt.Sprintf("x, err := runtime.ParseFlagList(%s, raw, names%s, false)\nif err != nil {\nreturn err\n}\n%s = %s(x)", name, m.Enum.GoName, f, mv.Type)
	case m.Enum != nil:
		put(f)
		direct()
	case m.DisplayHint == "ipv4" && m.Type == spec.TypeU32:
		put("runtime.IPv4FromUint32(" + f + ")")
		read("netip.Addr", "if !x.Is4() {\nreturn fmt.Errorf(\"genlgen: JSON: member %s: %v is not an IPv4 address\", "+name+", x)\n}\n"+f+" = runtime.Uint32FromIPv4(x)")
	case m.DisplayHint == "hex":
		put("runtime.HexInt(" + f + ")")
		read("runtime.HexInt", f+" = "+mv.Type+"(x)")
	default:
		put(f)
		direct()
	}
}

// headerNames are the JSON names of a fixed header's members that its
// message's UnmarshalJSON leaves to the header (those no attribute has).
func headerNames(h *spec.Definition, s *spec.AttrSet) string {
	var names []string
	for _, m := range h.Members {
		if m.Type != spec.TypePad && s.Attr(m.Name) == nil {
			names = append(names, q(m.Name))
		}
	}
	return strings.Join(names, ", ")
}
