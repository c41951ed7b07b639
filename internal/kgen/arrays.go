package kgen

import (
	"fmt"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// The arrays of the typed helpers: multi-attr attributes (one attribute
// per element), indexed arrays (a nest of elements numbered from 1) and
// nest-type-value attributes (a nest of nests whose types are the
// entry's keys). Their elements have one C type each, elemOf's, which
// the put, the size and the reader of an array all ask.
//
// Parsing a request does not copy the elements out, which would need
// memory the kernel would have to allocate: it counts them (n_<x>) and
// records where they are (<x>_elems, a struct <family>_nl_elems), and the
// handler reads them into memory of its choosing with the element type's
// reader, <family>_nl_read_<type>() for scalars, strings and binaries,
// <family>_nl_<set>_read() for nests, <family>_nl_<set>_<attr>_read()
// for the entries of a nest-type-value.

// elemKind is what one element of an array is.
type elemKind int

const (
	elemRaw       elemKind = iota // kept as its attribute
	elemScalar                    // an integer in host order
	elemString                    // struct <family>_nl_str
	elemBinary                    // struct <family>_nl_bin
	elemNest                      // the nested set's struct
	elemTypeValue                 // a nest-type-value entry: keys and the nested set's struct
)

// elem describes the elements of an array attribute.
type elem struct {
	kind elemKind
	// t is the elements' type (the sub-type of an indexed array).
	t spec.AttrType
	// ctype is the C type of one element.
	ctype string
	// reader names the function that reads the elements of a request,
	// "" for raw elements.
	reader string
}

// elemOf is the element of array attribute a.
func (b *helperBuilder) elemOf(a *spec.Attr) elem {
	t := a.Type
	if t == spec.TypeIndexedArray {
		t = a.SubType
	}
	c := b.f.CName + "_nl_"
	switch {
	case t == spec.TypeNestTypeValue && !a.MultiAttr && a.Nested != nil:
		tag := b.tvTag(a)
		return elem{kind: elemTypeValue, t: t, ctype: "struct " + tag, reader: tag + "_read"}
	case t == spec.TypeNest && a.Nested != nil:
		tag := b.nested[a.Nested].Tag
		return elem{kind: elemNest, t: t, ctype: "struct " + tag, reader: tag + "_read"}
	case t.IsInteger():
		return elem{kind: elemScalar, t: t, ctype: scalarC(t), reader: c + "read_" + scalarName(a, t)}
	case t == spec.TypeString:
		return elem{kind: elemString, t: t, ctype: "struct " + c + "str", reader: c + "read_str"}
	case t == spec.TypeBinary:
		return elem{kind: elemBinary, t: t, ctype: "struct " + c + "bin", reader: c + "read_bin"}
	}
	return elem{kind: elemRaw, t: t, ctype: "struct nlattr *const"}
}

// scalarName names an integer type in reader names: u32, be32, uint.
func scalarName(a *spec.Attr, t spec.AttrType) string {
	if a.BigEndian && cTypes[t].getBE != "" {
		return "be" + strings.TrimPrefix(string(t), "u")
	}
	return string(t)
}

// tvTag names the entry struct of nest-type-value attribute a,
// <family>_nl_<set>_<attr>.
func (b *helperBuilder) tvTag(a *spec.Attr) string {
	return b.tag(cLower(a.Set.Root().Name) + "_" + memberName(a))
}

// tvKeys are the members of a nest-type-value entry holding its keys,
// outermost nest first.
func tvKeys(a *spec.Attr) []string {
	var out []string
	for _, k := range a.TypeValue {
		out = append(out, memberName(&spec.Attr{Name: k}))
	}
	return out
}

// isArray reports whether a is held as an array. A nest-type-value
// without type-value keys says nothing of its entries' depth: it stays a
// raw nest.
func isArray(a *spec.Attr) bool {
	ntv := a.Type == spec.TypeNestTypeValue && len(a.TypeValue) > 0
	return a.MultiAttr || a.Type == spec.TypeIndexedArray || ntv
}

// depth is how many nests deep an array's elements sit in its one
// attribute: 1 for an indexed array, the keys of a nest-type-value.
func depth(a *spec.Attr) int {
	if a.Type == spec.TypeNestTypeValue {
		return len(a.TypeValue)
	}
	return 1
}

// arrayTypes declares the family-wide types the arrays of the structs
// need, before the structs: the elements' whereabouts and the string and
// binary elements.
func (b *helperBuilder) arrayTypes(all []*helperSet) {
	var arrays, strs, bins bool
	for _, s := range all {
		for _, a := range s.Attrs {
			if b.shapeOf(a) != shapeArray {
				continue
			}
			arrays = true
			switch b.elemOf(a).kind {
			case elemString:
				strs = true
			case elemBinary:
				bins = true
			}
		}
	}
	c := b.f.CName + "_nl_"
	if arrays {
		b.Types = append(b.Types, strings.Join([]string{
			"/**",
			" * struct " + c + "elems - where the elements of an array of a request are",
			" * @head: the first attribute to walk",
			" * @len: the bytes from @head to the end of the attributes holding them",
			" * @type: the elements' attribute type (multi-attr); -1: every attribute",
			" */",
			"struct " + c + "elems {",
			"\tconst struct nlattr *head;",
			"\tint len;",
			"\tint type;",
			"};"}, "\n"))
	}
	// A string or binary element: a pointer and a length.
	elemStruct := func(tag, what, member, ctype, memberDoc, lenDoc string) {
		b.Types = append(b.Types, strings.Join([]string{
			"/**",
			" * struct " + c + tag + " - " + what,
			" * @" + member + ": " + memberDoc,
			" * @len: " + lenDoc,
			" */",
			"struct " + c + tag + " {",
			"\t" + ctype + member + ";",
			"\tu32 len;",
			"};"}, "\n"))
	}
	if strs {
		elemStruct("str", "a string element", "str", "const char *",
			"the string, NUL-terminated unless its attribute is unterminated-ok", "its length without the NUL (set by reading)")
	}
	if bins {
		elemStruct("bin", "a binary element", "data", "const void *", "its bytes", "how many")
	}
}

// tvType declares the entry struct of nest-type-value attribute a, once
// the struct of its nested set is.
func (b *helperBuilder) tvType(a *spec.Attr) {
	tag := b.tvTag(a)
	lines := []string{"/**"}
	lines = append(lines, fill2(" * struct "+tag+" - ", " * ", docWords("an entry of "+a.CName+" (nest-type-value)"), prefCols)...)
	keys := tvKeys(a)
	for i, k := range keys {
		lines = append(lines, fill2(" * @"+k+": ", " * ", docWords("the type of the nest around it that carries "+a.TypeValue[i]), prefCols)...)
	}
	lines = append(lines, fill2(" * @attrs: ", " * ", docWords("its "+quoteC(a.Nested.Name)+" attributes"), prefCols)...)
	lines = append(lines, " */", "struct "+tag+" {")
	for _, k := range keys {
		lines = append(lines, "\tu16 "+k+";")
	}
	lines = append(lines, "\tstruct "+b.nested[a.Nested].Tag+" attrs;", "};")
	b.Types = append(b.Types, strings.Join(lines, "\n"))
}

// tvAttrs are the nest-type-value attributes of the structs, each once,
// by the nested set whose struct their entries embed.
func (b *helperBuilder) tvAttrs(all []*helperSet) map[*spec.AttrSet][]*spec.Attr {
	out := map[*spec.AttrSet][]*spec.Attr{}
	seen := map[string]bool{}
	for _, s := range all {
		for _, a := range s.Attrs {
			if b.shapeOf(a) != shapeArray || b.elemOf(a).kind != elemTypeValue || seen[b.tvTag(a)] {
				continue
			}
			seen[b.tvTag(a)] = true
			out[a.Nested] = append(out[a.Nested], a)
		}
	}
	return out
}

// countName is the static function that counts an array's elements.
func (b *helperBuilder) countName() string { return b.f.CName + "_nl_count" }

// countFunc counts the elements of the arrays that sit in one nest.
func (b *helperBuilder) countFunc() {
	b.static("Counts the attributes depth nests deep in nest.", "unsigned int", b.countName(),
		[]string{"const struct nlattr *nest", "unsigned int depth"}, []string{
			"\tconst struct nlattr *pos;",
			"\tunsigned int n = 0;",
			"\tint rem;",
			"",
			"\tnla_for_each_nested(pos, nest, rem)",
			"\t\tn += depth > 1 ? " + b.countName() + "(pos, depth - 1) : 1;",
			"\treturn n;"})
}

// parsesArrays reports whether parsing s reads an array from one nest.
func (b *helperBuilder) parsesArrays(all []*helperSet) bool {
	for _, s := range all {
		if !s.parse && !s.request {
			continue
		}
		for _, a := range s.Attrs {
			if b.shapeOf(a) == shapeArray && !a.MultiAttr {
				return true
			}
		}
	}
	return false
}

// assignArray records an array element found in attribute nla (rem: the
// bytes from it on) in dst: where the first one is, and one more.
func (b *helperBuilder) assignArray(a *spec.Attr, dst, nla, rem, ind string) []string {
	n := memberName(a)
	m := dst + "->" + n
	if a.MultiAttr {
		return []string{ind + "if (!" + dst + "->_present." + n + ") {",
			ind + "\t" + m + "_elems.head = " + nla + ";",
			ind + "\t" + m + "_elems.len = " + rem + ";",
			ind + "\t" + m + "_elems.type = " + a.CName + ";",
			ind + "\t" + dst + "->_present." + n + " = 1;",
			ind + "}",
			ind + dst + "->n_" + n + "++;"}
	}
	return []string{ind + m + "_elems.head = nla_data(" + nla + ");",
		ind + m + "_elems.len = nla_len(" + nla + ");",
		ind + m + "_elems.type = -1;",
		wrapExpr(ind+dst+"->n_"+n+" = ", fmt.Sprintf("%s(%s, %d)", b.countName(), nla, depth(a)), ";"),
		ind + dst + "->_present." + n + " = 1;"}
}

// readers writes the public functions that read the elements of the
// arrays of parsed structs, one per element type.
func (b *helperBuilder) readers(all []*helperSet) {
	done := map[string]bool{}
	for _, s := range all {
		if !s.parse && !s.request {
			continue
		}
		for _, a := range s.Attrs {
			if b.shapeOf(a) != shapeArray {
				continue
			}
			e := b.elemOf(a)
			if e.reader == "" || done[e.reader] {
				continue
			}
			done[e.reader] = true
			b.reader(a, e)
		}
	}
}

// reader writes the reader of a's elements.
func (b *helperBuilder) reader(a *spec.Attr, e elem) {
	params := []string{"const struct " + b.f.CName + "_nl_elems *elems", e.ctype + " *dst", "unsigned int n", "struct netlink_ext_ack *extack"}
	what := "Read the " + e.ctype + " elements of an array of a request."
	switch e.kind {
	case elemScalar:
		what = "Read the " + scalarName(a, e.t) + " elements of an array of a request, in host order."
	case elemString:
		what = "Read the string elements of an array of a request."
	case elemBinary:
		what = "Read the binary elements of an array of a request."
	case elemNest:
		what = "Read the elements of an array of " + quoteC(a.Nested.Name) + " nests of a request."
	case elemTypeValue:
		what = "Read the entries of " + a.CName + " of a request, validating their attributes."
	}
	doc := kdocFn(e.reader, what, [][2]string{
		{"elems", "where they are, as parsing the request recorded it"},
		{"dst", "room for @n elements; pointers point into the request"},
		{"n", "the room in @dst (the array's count, n_<attr>, for all)"},
		{"extack", "for errors"}},
		"how many elements were read (at most @n), or a negative error")
	var body []string
	if e.kind == elemTypeValue {
		body = b.tvReaderBody(a)
	} else {
		body = []string{"\tconst struct nlattr *pos;", "\tunsigned int i = 0;", "\tint rem;"}
		if e.kind == elemNest {
			body = append(body, "\tint err;")
		}
		body = append(body, "",
			"\tnla_for_each_attr(pos, elems->head, elems->len, rem) {",
			"\t\tif (elems->type >= 0 && nla_type(pos) != elems->type)",
			"\t\t\tcontinue;",
			"\t\tif (i == n)",
			"\t\t\tbreak;")
		body = append(body, b.readOne(a, e)...)
		body = append(body, "\t}", "\treturn i;")
	}
	b.fn(doc, "int", e.reader, params, body)
}

// readOne reads element pos into dst[i] and counts it.
func (b *helperBuilder) readOne(a *spec.Attr, e elem) []string {
	switch e.kind {
	case elemNest:
		return []string{"\t\terr = " + b.parseName(b.nested[a.Nested]) + "(&dst[i], pos, extack);",
			"\t\tif (err)", "\t\t\treturn err;", "\t\ti++;"}
	case elemString:
		return []string{"\t\tdst[i].str = nla_data(pos);",
			"\t\tdst[i].len = strnlen(dst[i].str, nla_len(pos));", "\t\ti++;"}
	case elemBinary:
		return []string{"\t\tdst[i].data = nla_data(pos);", "\t\tdst[i].len = nla_len(pos);", "\t\ti++;"}
	}
	// A scalar: the elements of an indexed array have no policy of their
	// own (the array's is NLA_NESTED_ARRAY), so their length is checked
	// here.
	badLen := "nla_len(pos) != sizeof(" + e.ctype + ")"
	if e.t == spec.TypeUint || e.t == spec.TypeSint {
		badLen = "nla_len(pos) != sizeof(u32) && nla_len(pos) != sizeof(u64)"
	}
	get := getExpr(&spec.Attr{Type: e.t, BigEndian: a.BigEndian}, "pos")
	return []string{"\t\tif (" + badLen + ") {",
		"\t\t\tNL_SET_ERR_MSG_ATTR(extack, pos, \"array element has the wrong length\");",
		"\t\t\treturn -EINVAL;",
		"\t\t}",
		"\t\tdst[i++] = " + get + ";"}
}

// tvReaderBody walks a nest-type-value's nests, one loop per key, and
// reads each entry: its keys from the nests' types, its attributes
// after validating them (the attribute's policy, NLA_NESTED, looks at
// none of them).
func (b *helperBuilder) tvReaderBody(a *spec.Attr) []string {
	d := depth(a)
	var pos, rems []string
	for i := range d {
		pos = append(pos, fmt.Sprintf("*l%d", i))
		rems = append(rems, fmt.Sprintf("r%d", i))
	}
	body := []string{"\tconst struct nlattr " + strings.Join(pos, ", ") + ";", "\tunsigned int i = 0;",
		"\tint " + strings.Join(rems, ", ") + ", err;", ""}
	ind := "\t"
	for i := range d {
		if i == 0 {
			body = append(body, ind+"nla_for_each_attr(l0, elems->head, elems->len, r0) {")
		} else {
			body = append(body, fmt.Sprintf("%snla_for_each_nested(l%d, l%d, r%d) {", ind, i, i-1, i))
		}
		ind += "\t"
	}
	leaf := fmt.Sprintf("l%d", d-1)
	body = append(body, ind+"if (i == n)", ind+"\treturn i;")
	if p := b.v.pb.nest[a.Nested]; p != nil {
		body = append(body, wrapParams(ind+"err = nla_validate_nested(", []string{leaf, p.MaxAttr, p.Name, "extack"}, ";"),
			ind+"if (err)", ind+"\treturn err;")
	}
	for i, k := range tvKeys(a) {
		body = append(body, fmt.Sprintf("%sdst[i].%s = nla_type(l%d);", ind, k, i))
	}
	body = append(body, wrapParams(ind+"err = "+b.parseName(b.nested[a.Nested])+"(", []string{"&dst[i].attrs", leaf, "extack"}, ";"),
		ind+"if (err)", ind+"\treturn err;", ind+"i++;")
	for range d {
		ind = ind[:len(ind)-1]
		body = append(body, ind+"}")
	}
	return append(body, "\treturn i;")
}

// typeValuePolicies builds the policy tables of the sets whose
// attributes the entries of a request's nest-type-value hold, for their
// readers to validate with.
func (v *view) typeValuePolicies() {
	seen := map[*spec.AttrSet]bool{}
	var walk func(attrs []*spec.Attr)
	walk = func(attrs []*spec.Attr) {
		for _, a := range attrs {
			if a.Nested == nil || !a.Type.IsNested() || seen[a.Nested] {
				continue
			}
			seen[a.Nested] = true
			if a.Type == spec.TypeNestTypeValue {
				v.pb.nested(a.Nested)
			}
			walk(a.Nested.Attrs)
		}
	}
	for _, op := range v.F.Ops.List {
		for _, m := range []*spec.OpMode{op.Do, op.Dump} {
			if m != nil && m.Request != nil {
				walk(m.Request.Attrs)
			}
		}
	}
}

// elemSize is the room element m of array a takes.
func (b *helperBuilder) elemSize(a *spec.Attr, m string) string {
	e := b.elemOf(a)
	switch e.kind {
	case elemNest:
		return b.sizeName(b.nested[a.Nested]) + "(&" + m + ")"
	case elemTypeValue:
		// The nests around an entry, the innermost one counted by the
		// nested set's size. Entries that share them count them again:
		// the estimate errs on the large side.
		inner := b.sizeName(b.nested[a.Nested]) + "(&" + m + ".attrs)"
		switch d := depth(a); d {
		case 1:
			return inner
		case 2:
			return inner + " + nla_total_size(0)"
		default:
			return fmt.Sprintf("%s + %d * nla_total_size(0)", inner, d-1)
		}
	case elemScalar:
		if e.ctype == "u64" || e.ctype == "s64" {
			return "nla_total_size_64bit(sizeof(u64))"
		}
		return "nla_total_size(sizeof(" + e.ctype + "))"
	case elemString:
		if a.Checks.UnterminatedOK {
			return "nla_total_size(" + m + ".len)"
		}
		return "nla_total_size(strlen(" + m + ".str) + 1)"
	case elemBinary:
		return "nla_total_size(" + m + ".len)"
	}
	return "nla_total_size(nla_len(" + m + "))"
}

// sizeArray adds the room a present array takes.
func (b *helperBuilder) sizeArray(a *spec.Attr, m string) []string {
	n := memberName(a)
	out := []string{"\tif (src->_present." + n + ") {"}
	if !a.MultiAttr {
		out = append(out, "\t\tsize += nla_total_size(0);")
	}
	return append(out, "\t\tfor (i = 0; i < src->n_"+n+"; i++)",
		wrapExpr("\t\t\tsize += ", b.elemSize(a, m+"[i]"), ";"), "\t}")
}

// putArray puts a present array: a multi-attr as one attribute per
// element, an indexed-array as a nest of elements numbered from 1, a
// nest-type-value as a nest of its entries. A full message drops the
// nest of an indexed array or a nest-type-value with all it holds.
func (b *helperBuilder) putArray(a *spec.Attr, s *helperSet, m string, needNest *bool) []string {
	n := memberName(a)
	e := b.elemOf(a)
	out := []string{"\tif (src->_present." + n + ") {"}
	ind, typ := "\t\t\t", a.CName
	if !a.MultiAttr {
		typ = "i + 1"
		if e.kind == elemTypeValue {
			typ = m + "[i]." + tvKeys(a)[0]
		}
		out = append(out, "\t\tstruct nlattr *array;")
		if e.kind == elemTypeValue && depth(a) > 1 {
			return append(out, b.putTypeValues(a, m)...)
		}
		out = append(out, "")
		out = append(out, "\t\tarray = nla_nest_start(skb, "+a.CName+");", "\t\tif (!array)", "\t\t\treturn -EMSGSIZE;")
	}
	out = append(out, "\t\tfor (i = 0; i < src->n_"+n+"; i++) {")
	// fail fails the put when cond holds, dropping the element's nest
	// (cancelElem) or the whole array.
	fail := func(cond call, cancelElem bool) {
		var lines []string
		if cancelElem {
			lines = append(lines, "nla_nest_cancel(skb, nest);")
		}
		if !a.MultiAttr {
			lines = append(lines, "nla_nest_cancel(skb, array);")
		}
		out = append(out, b.failBlock(cond, ind, append(lines, "return -EMSGSIZE;"))...)
	}
	switch e.kind {
	case elemNest, elemTypeValue:
		*needNest = true
		src := "&" + m + "[i]"
		if e.kind == elemTypeValue {
			src += ".attrs"
		}
		out = append(out, ind+"nest = nla_nest_start(skb, "+typ+");")
		fail(call{"!nest", nil}, false)
		// Cancelling an array drops the element's nest with it.
		fail(call{b.putName(b.nested[a.Nested]), []string{"skb", src}}, a.MultiAttr)
		fail(call{b.nestEnd(), []string{"skb", "nest"}}, false)
	case elemScalar:
		fail(b.putScalar(a, e.t, s, typ, m+"[i]"), false)
	case elemString:
		if a.Checks.UnterminatedOK {
			fail(call{"nla_put", []string{"skb", typ, m + "[i].len", m + "[i].str"}}, false)
		} else {
			fail(call{"nla_put_string", []string{"skb", typ, m + "[i].str"}}, false)
		}
	case elemBinary:
		fail(call{"nla_put", []string{"skb", typ, m + "[i].len", m + "[i].data"}}, false)
	default:
		fail(call{"nla_put", []string{"skb", typ, "nla_len(" + m + "[i])", "nla_data(" + m + "[i])"}}, false)
	}
	out = append(out, "\t\t}")
	if !a.MultiAttr {
		out = append(out, "\t\tif ("+b.nestEnd()+"(skb, array))", "\t\t\treturn -EMSGSIZE;")
	}
	return append(out, "\t}")
}

// failBlock renders "if (cond) { lines }" at ind.
func (b *helperBuilder) failBlock(cond call, ind string, lines []string) []string {
	if len(lines) == 1 {
		return []string{cond.at(ind+"if (", ")"), ind + "\t" + lines[0]}
	}
	out := []string{cond.at(ind+"if (", ") {")}
	for _, l := range lines {
		out = append(out, ind+"\t"+l)
	}
	return append(out, ind+"}")
}

// putTypeValues puts the entries of a nest-type-value with more than one
// key. Consecutive entries that share outer keys share those nests, as
// the kernel sends them; the innermost nest holds one entry. lvl[] are
// the open nests, key[] the entry's keys and prev[] the open nests'.
func (b *helperBuilder) putTypeValues(a *spec.Attr, m string) []string {
	d := depth(a)
	cancel := []string{"nla_nest_cancel(skb, array);", "return -EMSGSIZE;"}
	out := []string{
		fmt.Sprintf("\t\tstruct nlattr *lvl[%d];", d),
		"\t\tunsigned int open = 0, l;",
		fmt.Sprintf("\t\tu16 key[%d], prev[%d] = {};", d, d),
		"",
		"\t\tarray = nla_nest_start(skb, " + a.CName + ");",
		"\t\tif (!array)", "\t\t\treturn -EMSGSIZE;",
		"\t\tfor (i = 0; i < src->n_" + memberName(a) + "; i++) {"}
	for i, k := range tvKeys(a) {
		out = append(out, fmt.Sprintf("\t\t\tkey[%d] = %s[i].%s;", i, m, k))
	}
	out = append(out,
		"\t\t\tl = 0;",
		"\t\t\twhile (l < open && key[l] == prev[l])",
		"\t\t\t\tl++;",
		"\t\t\twhile (open > l) {")
	out = append(out, b.failBlock(call{b.nestEnd(), []string{"skb", "lvl[--open]"}}, "\t\t\t\t", cancel)...)
	out = append(out, "\t\t\t}",
		fmt.Sprintf("\t\t\tfor (; open < %d; open++) {", d),
		"\t\t\t\tlvl[open] = nla_nest_start(skb, key[open]);")
	out = append(out, b.failBlock(call{"!lvl[open]", nil}, "\t\t\t\t", cancel)...)
	out = append(out, "\t\t\t\tprev[open] = key[open];", "\t\t\t}")
	out = append(out, b.failBlock(call{b.putName(b.nested[a.Nested]), []string{"skb", "&" + m + "[i].attrs"}}, "\t\t\t", cancel)...)
	out = append(out, b.failBlock(call{b.nestEnd(), []string{"skb", "lvl[--open]"}}, "\t\t\t", cancel)...)
	out = append(out, "\t\t}", "\t\twhile (open) {")
	out = append(out, b.failBlock(call{b.nestEnd(), []string{"skb", "lvl[--open]"}}, "\t\t\t", cancel)...)
	return append(out, "\t\t}",
		"\t\tif ("+b.nestEnd()+"(skb, array))", "\t\t\treturn -EMSGSIZE;",
		"\t}")
}

// nestEnd names the static function that closes a nest, writing it
// before its first use: nla_nest_end() would store a length past 0xffff
// wrapped (a nest rebuilt from a request can outgrow it: the put pads
// what the request may leave unpadded), so a nest that long is cancelled
// and the put fails with -EMSGSIZE instead.
func (b *helperBuilder) nestEnd() string {
	name := b.f.CName + "_nl_nest_end"
	if !b.nestEnded {
		b.nestEnded = true
		b.static("Closes nest, or cancels it when it is too long for its length field.", "int", name,
			[]string{"struct sk_buff *skb", "struct nlattr *nest"}, []string{
				"\tif (skb_tail_pointer(skb) - (unsigned char *)nest > U16_MAX) {",
				"\t\tnla_nest_cancel(skb, nest);",
				"\t\treturn -EMSGSIZE;",
				"\t}",
				"\tnla_nest_end(skb, nest);",
				"\treturn 0;"})
	}
	return name
}
