package kgen

import (
	"fmt"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// The typed handler helpers: for every message the spec describes, a C
// struct of its attributes and the functions that fill it from a request
// or put it into a reply, a dump or a notification, so that handlers
// never restate the spec with nla_get_* and nla_put_* of their own. They
// live in the regenerated -nl.h and -nl.c; nothing in them allocates but
// the reply and notification senders, which allocate the message itself.
//
// A message struct holds, per attribute (in the spec's order):
//   - a presence bit in _present;
//   - a scalar in host order (big-endian values are converted);
//   - for a string, a pointer to it and its length without the NUL;
//   - for a binary, a pointer and a length; for a binary holding a
//     struct of the spec's definitions, a pointer to that struct;
//   - for a nest, the nested set's struct by value (a nest that contains
//     its own set, directly or not, a pointer to the raw attribute);
//   - for a multi-attr, an indexed-array or a nest-type-value, the
//     elements to put (a pointer and a count), and once parsed, the count
//     and where they are, for the element type's reader (arrays.go):
//     copying them out would allocate.
// Pointers point into the request, which stays valid while the handler
// runs.

// helperSet is the C struct of one message or nested set.
type helperSet struct {
	// Tag is the struct tag without "struct ".
	Tag string
	// Set is the attribute set the attributes belong to.
	Set   *spec.AttrSet
	Attrs []*spec.Attr
	// Pad is the set's pad attribute (for 64-bit values), nil if none.
	Pad *spec.Attr
	// Hdr is the fixed header a top-level message carries.
	Hdr *spec.Definition
	// Key numbers the struct's static functions (<family>_nl_put_<key>).
	Key int
	// put, sized, parse and public say which functions the struct needs;
	// request, that it is an op's request.
	put, sized, parse, public, request bool
}

// helperBuilder collects the structs and functions of a family.
type helperBuilder struct {
	v      *view
	f      *spec.Family
	nested map[*spec.AttrSet]*helperSet
	order  []*helperSet
	// recursive are the sets reachable from themselves through nests.
	recursive map[*spec.AttrSet]bool

	Types  []string
	Protos []string
	Funcs  []string
	// nestEnded says the static nest closer is written (nestEnd).
	nestEnded bool
}

func (v *view) buildHelpers() {
	b := &helperBuilder{v: v, f: v.F, nested: map[*spec.AttrSet]*helperSet{}}
	b.findRecursive()
	var msgs []msg
	rsps := map[*spec.Op]*helperSet{}
	for _, op := range b.f.Ops.List {
		if op.AttrSet == nil || op.IsAsync() {
			continue
		}
		// A dump's messages share the do's struct when they carry the
		// same attributes; a request without attributes has none.
		var doReq, doRsp *helperSet
		if m := op.Do; m != nil {
			if m.Request != nil && len(m.Request.Attrs) > 0 {
				doReq = b.message(op, "req", m.Request.Attrs)
				msgs = append(msgs, msg{s: doReq, op: op, request: true})
			}
			if m.Reply != nil {
				doRsp = b.message(op, "rsp", m.Reply.Attrs)
				msgs = append(msgs, msg{s: doRsp, op: op, cmd: replyCmd(b.f, op)})
				rsps[op] = doRsp
			}
		}
		if m := op.Dump; m != nil {
			if m.Request != nil && len(m.Request.Attrs) > 0 {
				s := b.dumpMessage(op, doReq, "req", m.Request.Attrs)
				msgs = append(msgs, msg{s: s, op: op, request: true, dump: true})
			}
			if m.Reply != nil {
				s := b.dumpMessage(op, doRsp, "rsp", m.Reply.Attrs)
				msgs = append(msgs, msg{s: s, op: op, dump: true, cmd: replyCmd(b.f, op)})
				if rsps[op] == nil {
					rsps[op] = s
				}
			}
		}
	}
	for _, op := range b.f.Ops.List {
		if !op.IsAsync() || op.McastGroup == nil || op.AttrSet == nil {
			continue
		}
		s := rsps[op.NotifySource]
		if op.IsEvent || s == nil {
			s = b.message(op, "", op.Event)
			if op.NotifySource != nil {
				s.Attrs = notifyAttrs(op.NotifySource)
			}
		}
		msgs = append(msgs, msg{s: s, op: op, notify: true, cmd: op.CName})
	}
	// Structs: nested sets first (children before parents), then the
	// messages, so every struct is declared before one embeds it.
	all := append([]*helperSet(nil), b.order...)
	seen := map[*helperSet]bool{}
	for _, m := range msgs {
		if !seen[m.s] {
			seen[m.s] = true
			all = append(all, m.s)
		}
	}
	for _, m := range msgs {
		m.s.request = m.s.request || m.request
	}
	b.arrayTypes(all)
	tvs := b.tvAttrs(all)
	for i, s := range all {
		s.Key = i + 1
		b.setType(s)
		if b.nested[s.Set] == s {
			for _, a := range tvs[s.Set] {
				b.tvType(a)
			}
		}
	}
	// What each struct needs: a put (and size) when a reply, dump entry
	// or notification sends it, directly or nested; a parse when a
	// request carries it nested. Only those are written, so no static
	// function goes unused.
	for _, m := range msgs {
		switch {
		case m.request:
			b.markParse(m.s)
		case m.dump: // into the dump's skb: nothing to size
			b.markPut(m.s, false)
		default:
			b.markPut(m.s, true)
		}
	}
	// The static functions, children first: each is defined before use.
	if b.parsesArrays(all) {
		b.countFunc()
	}
	for _, s := range all {
		if s.parse && b.nested[s.Set] == s {
			b.nestParse(s)
		}
		if s.sized {
			b.sizeFunc(s)
		}
		if s.put {
			b.putFunc(s)
		}
	}
	// The public functions handlers call.
	b.readers(all)
	for _, s := range b.order {
		if s.parse && s.public {
			b.publicParse(s)
		}
	}
	for _, m := range msgs {
		switch {
		case m.request:
			b.requestParse(m.s, m.op, m.dump)
		case m.notify:
			b.notifyFunc(m.s, m.op)
		case m.dump:
			b.dumpOne(m.s, m.op, m.cmd)
		default:
			b.replyFunc(m.s, m.op, m.cmd)
		}
	}
	v.HelperLimits = b.limits()
	v.HelperTypes, v.HelperProtos, v.HelperFuncs = b.Types, b.Protos, b.Funcs
	b.stubBodies(msgs)
}

// stubBodies writes the handler stubs on the helpers: a doit or dumpit
// parses its request and says how to answer, then returns -EOPNOTSUPP
// until its author fills it in.
func (b *helperBuilder) stubBodies(msgs []msg) {
	handlers := map[string]*handler{}
	for _, h := range b.v.Handlers {
		handlers[h.Name] = h
	}
	type modeMsgs struct{ req, rsp *helperSet }
	do, dump := map[*spec.Op]*modeMsgs{}, map[*spec.Op]*modeMsgs{}
	for _, m := range msgs {
		if m.notify {
			continue
		}
		set := do
		if m.dump {
			set = dump
		}
		mm := set[m.op]
		if mm == nil {
			mm = &modeMsgs{}
			set[m.op] = mm
		}
		if m.request {
			mm.req = m.s
		} else {
			mm.rsp = m.s
		}
	}
	c := b.f.CName + "_nl_"
	// stub writes one handler's body: parse with parse(arg, &req), and
	// the advice on answering.
	stub := func(h *handler, mm *modeMsgs, parse, advice string) {
		if h == nil || mm == nil {
			return
		}
		var body []string
		if mm.req != nil {
			body = append(body, "struct "+mm.req.Tag+" req;", "int err;", "",
				"err = "+parse+";", "if (err)", "\treturn err;")
		}
		if mm.rsp != nil {
			body = append(body, "/*")
			body = append(body, fill2(" * ", " * ", docWords(strings.ReplaceAll(advice, "RSP", mm.rsp.Tag)), prefCols-8)...)
			body = append(body, " */")
		}
		h.Body = append(body, "return -EOPNOTSUPP;")
	}
	for _, op := range b.f.Ops.List {
		stub(handlers[b.v.fnName(op, "doit")], do[op], c+op.CIdent+"_parse(info, &req)",
			"Answer with a struct RSP, its _present bits set for the attributes it carries: return "+c+op.CIdent+"_reply(info, &rsp);")
		stub(handlers[b.v.fnName(op, "dumpit")], dump[op], c+op.CIdent+"_dump_parse(cb, &req)",
			"Add each entry, a struct RSP, with "+c+op.CIdent+"_entry(skb, cb, &rsp); when it returns -EMSGSIZE, keep where the dump stopped in cb->args and return skb->len, to go on in the next call.")
	}
}

// limits names the length checks the spec writes as numbers (an
// exact-length binary's 6, say), so that handlers size their buffers by
// name: <ATTR>_LEN, _MIN_LEN, _MAX_LEN. Limits given by a const already
// have its name in the uAPI header.
func (b *helperBuilder) limits() []define {
	var out []define
	for _, s := range b.f.AttrSets {
		if s.SubsetOf != nil {
			continue
		}
		for _, a := range s.Attrs {
			for _, l := range []struct {
				lim    *spec.Limit
				suffix string
			}{{a.Checks.ExactLen, "_LEN"}, {a.Checks.MinLen, "_MIN_LEN"}, {a.Checks.MaxLen, "_MAX_LEN"}} {
				if l.lim == nil || l.lim.Const != nil || l.lim.Expr != "" {
					continue
				}
				out = append(out, define{Name: a.CName + l.suffix, Value: fmt.Sprint(l.lim.Abs)})
			}
		}
	}
	return out
}

// markPut marks s and the sets it nests as put, and as sized when the
// message is allocated for them (a reply, a notification).
func (b *helperBuilder) markPut(s *helperSet, sized bool) {
	if s.put && (s.sized || !sized) {
		return
	}
	s.put = true
	s.sized = s.sized || sized
	for _, a := range s.Attrs {
		// A raw nest is copied as it is; the others are put from their
		// struct.
		if n := b.nestedOf(a); n != nil && b.shapeOf(a) != shapeRawNest {
			b.markPut(n, sized)
		}
	}
}

// markParse marks the sets s nests as parsed; a raw nest is the
// handler's to parse, with the public function.
func (b *helperBuilder) markParse(s *helperSet) {
	for _, a := range s.Attrs {
		n := b.nestedOf(a)
		if n == nil {
			continue
		}
		if b.shapeOf(a) == shapeRawNest {
			n.public = true
		}
		if !n.parse {
			n.parse = true
			b.markParse(n)
		}
	}
}

// nestedOf is the helper struct of the set a nests, nil for none.
func (b *helperBuilder) nestedOf(a *spec.Attr) *helperSet {
	if a.Nested == nil || !a.Type.IsNested() {
		return nil
	}
	if a.Type == spec.TypeIndexedArray && a.SubType != spec.TypeNest {
		return nil
	}
	return b.nested[a.Nested]
}

// msg is one message of an op and the struct that holds it.
type msg struct {
	s            *helperSet
	op           *spec.Op
	request      bool
	dump, notify bool
	cmd          string
}

func notifyAttrs(src *spec.Op) []*spec.Attr {
	if src.Do != nil && src.Do.Reply != nil {
		return src.Do.Reply.Attrs
	}
	if src.Dump != nil && src.Dump.Reply != nil {
		return src.Dump.Reply.Attrs
	}
	return nil
}

// replyCmd is the command a reply to op carries. The kernel's own uAPI
// header of a family (kernelOwnedUAPI) names the replies otherwise, so
// there it is the number.
func replyCmd(f *spec.Family, op *spec.Op) string {
	switch {
	case op.ReplyCName == "":
		return op.CName
	case kernelOwnedUAPI[f.UAPIHeader]:
		return fmt.Sprint(op.ReplyValue)
	}
	return op.ReplyCName
}

// dumpMessage is the struct of a dump's request or reply (kind "req" or
// "rsp"): the do's (doMsg) when it carries the same attributes, else its
// own, named _dump_<kind> beside a do's.
func (b *helperBuilder) dumpMessage(op *spec.Op, doMsg *helperSet, kind string, attrs []*spec.Attr) *helperSet {
	switch {
	case doMsg == nil:
		return b.message(op, kind, attrs)
	case !sameAttrs(doMsg.Attrs, attrs):
		return b.message(op, "dump_"+kind, attrs)
	}
	return doMsg
}

func (b *helperBuilder) message(op *spec.Op, kind string, attrs []*spec.Attr) *helperSet {
	stem := op.CIdent + "_" + kind
	if kind == "" {
		stem = op.CIdent
	}
	s := &helperSet{Tag: b.f.CName + "_" + stem, Set: op.AttrSet, Attrs: attrs, Hdr: op.FixedHeader}
	s.Pad = padOf(op.AttrSet)
	b.walk(attrs)
	return s
}

// tag names a nested set's helper struct <family>_nl_<set>: without
// the "_nl" a name such as ethtool_fec_stat would be the kernel's own.
// Messages are <family>_<op>_req, _rsp (_dump_req, _dump_rsp where the
// dump's attributes differ) and <family>_<event>, as the kernel's
// user-space generator names them.
func (b *helperBuilder) tag(stem string) string {
	return b.f.CName + "_nl_" + stem
}

func padOf(s *spec.AttrSet) *spec.Attr {
	for _, a := range s.Root().Attrs {
		if a.Type == spec.TypePad {
			return a
		}
	}
	return nil
}

// walk registers the nested sets attrs reach, depth first.
func (b *helperBuilder) walk(attrs []*spec.Attr) {
	for _, a := range attrs {
		n := a.Nested
		if n == nil || !a.Type.IsNested() || b.nested[n] != nil {
			continue
		}
		s := &helperSet{Tag: b.tag(cLower(n.Name)), Set: n, Attrs: n.Attrs, Pad: padOf(n)}
		b.nested[n] = s
		b.walk(n.Attrs)
		b.order = append(b.order, s)
	}
}

// findRecursive marks the sets that reach themselves through single
// nests (a struct cannot embed itself).
func (b *helperBuilder) findRecursive() {
	b.recursive = map[*spec.AttrSet]bool{}
	for _, s := range b.f.AttrSets {
		seen := map[*spec.AttrSet]bool{}
		var reach func(x *spec.AttrSet) bool
		reach = func(x *spec.AttrSet) bool {
			for _, a := range x.Attrs {
				if a.Type != spec.TypeNest || a.MultiAttr || a.Nested == nil {
					continue
				}
				if a.Nested == s {
					return true
				}
				if !seen[a.Nested] {
					seen[a.Nested] = true
					if reach(a.Nested) {
						return true
					}
				}
			}
			return false
		}
		if reach(s) {
			b.recursive[s] = true
		}
	}
}

// shape is how one attribute is held in a struct.
type shape int

const (
	shapeNone   shape = iota // unused, pad: not in the struct
	shapeFlag                // presence bit only
	shapeScalar              // an integer
	shapeString              // pointer and length
	shapeBinary              // pointer and length
	shapeStruct              // pointer to a definitions struct
	shapeBitfield
	shapeNest    // nested set by value
	shapeRawNest // the raw attribute (a nest of a recursive set)
	shapeArray   // elements to put, their count, where they are (arrays.go)
)

func (b *helperBuilder) shapeOf(a *spec.Attr) shape {
	switch {
	case a.Type == spec.TypeUnused || a.Type == spec.TypePad:
		return shapeNone
	case isArray(a):
		return shapeArray
	case a.Type == spec.TypeFlag:
		return shapeFlag
	case a.Type.IsInteger():
		return shapeScalar
	case a.Type == spec.TypeString:
		return shapeString
	case a.Type == spec.TypeBinary && a.Struct != nil:
		return shapeStruct
	case a.Type == spec.TypeBinary:
		return shapeBinary
	case a.Type == spec.TypeBitfield32:
		return shapeBitfield
	case a.Type == spec.TypeNest && a.Nested != nil && b.nestsInto(a):
		return shapeRawNest
	case a.Type == spec.TypeNest && a.Nested != nil:
		return shapeNest
	}
	return shapeRawNest
}

// nestsInto reports whether embedding a's nested set would make a struct
// contain itself.
func (b *helperBuilder) nestsInto(a *spec.Attr) bool {
	return b.recursive[a.Nested] || b.recursive[a.Set] && reaches(a.Nested, a.Set)
}

func reaches(from, to *spec.AttrSet) bool {
	seen := map[*spec.AttrSet]bool{}
	var walk func(x *spec.AttrSet) bool
	walk = func(x *spec.AttrSet) bool {
		if x == to {
			return true
		}
		if seen[x] {
			return false
		}
		seen[x] = true
		for _, a := range x.Attrs {
			if a.Type == spec.TypeNest && !a.MultiAttr && a.Nested != nil && walk(a.Nested) {
				return true
			}
		}
		return false
	}
	return walk(from)
}

func scalarC(t spec.AttrType) string {
	switch t {
	case spec.TypeUint:
		return "u64"
	case spec.TypeSint:
		return "s64"
	}
	return string(t)
}

// memberName is a's member in a helper struct: the spec's name in C,
// with a C keyword or a name that starts with a digit (nl80211's 5ghz)
// made an identifier.
func memberName(a *spec.Attr) string {
	n := cLower(a.Name)
	switch {
	case n[0] >= '0' && n[0] <= '9':
		n = "_" + n
	case spec.IsCKeyword(n): // nlctrl has an attribute "do"
		n += "_"
	}
	return n
}

// setType declares a struct.
func (b *helperBuilder) setType(s *helperSet) {
	var lines []string
	what := "attributes of the " + quoteC(s.Set.Name) + " set"
	lines = append(lines, "/**")
	lines = append(lines, fill2(" * struct "+s.Tag+" - ", " * ", docWords(what), prefCols)...)
	lines = append(lines, " * @_present: which attributes are present (to parse or to put)")
	if s.Hdr != nil {
		lines = append(lines, " * @_hdr: the fixed header")
	}
	item := func(name, text string) {
		lines = append(lines, fill2(" * @"+name+": ", " *\t", docWords(text), prefCols)...)
	}
	for _, a := range s.Attrs {
		n := memberName(a)
		switch b.shapeOf(a) {
		case shapeNone, shapeFlag:
		case shapeString:
			if a.Checks.UnterminatedOK {
				item(n, a.CName+", not necessarily NUL-terminated")
				item(n+"_len", "its length in bytes (sent as it is)")
			} else {
				item(n, a.CName+", NUL-terminated")
				item(n+"_len", "its length without the NUL (set by parsing)")
			}
		case shapeBinary:
			item(n, a.CName)
			item(n+"_len", "its length in bytes")
		case shapeArray:
			item(n, a.CName+" elements to put")
			item("n_"+n, "how many (parsing counts them)")
			if r := b.elemOf(a).reader; r != "" {
				item(n+"_elems", "parsing: where they are, for "+r+"()")
			} else {
				item(n+"_elems", "parsing: where they are")
			}
		default:
			item(n, a.CName)
		}
	}
	lines = append(lines, " */", "struct "+s.Tag+" {", "\tstruct {")
	var bits int
	for _, a := range s.Attrs {
		if b.shapeOf(a) != shapeNone {
			lines = append(lines, "\t\tu32 "+memberName(a)+":1;")
			bits++
		}
	}
	if bits == 0 {
		lines = append(lines, "\t\tu32 unused:1;")
	}
	lines = append(lines, "\t} _present;")
	if s.Hdr != nil {
		lines = append(lines, "\tstruct "+s.Hdr.CName+" _hdr;")
	}
	for _, a := range s.Attrs {
		n := memberName(a)
		switch b.shapeOf(a) {
		case shapeScalar:
			lines = append(lines, "\t"+scalarC(a.Type)+" "+n+";")
		case shapeString:
			lines = append(lines, "\tconst char *"+n+";", "\tu32 "+n+"_len;")
		case shapeBinary:
			lines = append(lines, "\tconst void *"+n+";", "\tu32 "+n+"_len;")
		case shapeStruct:
			lines = append(lines, "\tconst struct "+a.Struct.CName+" *"+n+";")
		case shapeBitfield:
			lines = append(lines, "\tstruct nla_bitfield32 "+n+";")
		case shapeNest:
			lines = append(lines, "\tstruct "+b.nested[a.Nested].Tag+" "+n+";")
		case shapeRawNest:
			lines = append(lines, "\tconst struct nlattr *"+n+";")
		case shapeArray:
			lines = append(lines, "\tconst "+b.elemOf(a).ctype+" *"+n+";", "\tunsigned int n_"+n+";",
				"\tstruct "+b.f.CName+"_nl_elems "+n+"_elems;")
		}
	}
	lines = append(lines, "};")
	b.Types = append(b.Types, strings.Join(lines, "\n"))
}

func quoteC(s string) string { return "\"" + s + "\"" }

// wrapExpr renders head+expr+tail, breaking a call expression's
// arguments onto aligned lines when the line is too long.
func wrapExpr(head, expr, tail string) string {
	one := head + expr + tail
	if cols(one) <= maxCols {
		return one
	}
	open := strings.Index(expr, "(")
	if open < 0 || !strings.HasSuffix(expr, ")") {
		return one
	}
	args := splitFields(expr[open+1 : len(expr)-1])
	return wrapParams(head+expr[:open+1], args, tail)
}

// The static functions of a struct, numbered by its key: the struct's
// name would make lines past the kernel's length in families whose set
// names are long (devlink's dl-dpipe-entry-action-values).
func (b *helperBuilder) putName(s *helperSet) string {
	return fmt.Sprintf("%s_nl_put_%d", b.f.CName, s.Key)
}
func (b *helperBuilder) sizeName(s *helperSet) string {
	return fmt.Sprintf("%s_nl_size_%d", b.f.CName, s.Key)
}
func (b *helperBuilder) parseName(s *helperSet) string {
	return fmt.Sprintf("%s_nl_parse_%d", b.f.CName, s.Key)
}

// static records a function only the -nl.c calls, with a one-line
// comment naming what it does.
func (b *helperBuilder) static(what, ret, name string, params []string, body []string) {
	b.Funcs = append(b.Funcs, strings.Join(comment("", what, prefCols), "\n")+"\n"+proto("static "+ret, name, params, "")+"\n{\n"+strings.Join(body, "\n")+"\n}")
}

// publicParse is the handler's way to read one element of an array of
// nests (or a nest kept raw).
func (b *helperBuilder) publicParse(s *helperSet) {
	name := s.Tag + "_parse"
	params := []string{"struct " + s.Tag + " *dst", "const struct nlattr *nest", "struct netlink_ext_ack *extack"}
	doc := kdocFn(name, "Read the "+quoteC(s.Set.Name)+" attributes of a nest the policy validated: an element of an array of the request, for example.",
		[][2]string{{"dst", "filled in; pointers point into the nest"}, {"nest", "the nest"}, {"extack", "for errors"}},
		"0 or a negative error")
	b.fn(doc, "int", name, params, []string{"\treturn " + b.parseName(s) + "(dst, nest, extack);"})
}

// fn records a function: its prototype in -nl.h, its definition in -nl.c.
func (b *helperBuilder) fn(doc []string, ret, name string, params []string, body []string) {
	b.Protos = append(b.Protos, strings.Join(doc, "\n")+"\n"+proto(ret, name, params, ";"))
	b.Funcs = append(b.Funcs, proto(ret, name, params, "")+"\n{\n"+strings.Join(body, "\n")+"\n}")
}

func kdocFn(name, what string, params [][2]string, ret string) []string {
	lines := []string{"/**"}
	lines = append(lines, fill2(" * "+name+"() - ", " * ", docWords(what), prefCols)...)
	for _, p := range params {
		lines = append(lines, fill2(" * @"+p[0]+": ", " * ", docWords(p[1]), prefCols)...)
	}
	if ret != "" {
		lines = append(lines, " *")
		lines = append(lines, fill2(" * Return: ", " * ", docWords(ret), prefCols)...)
	}
	return append(lines, " */")
}

// getExpr reads a scalar attribute nla in host order.
func getExpr(a *spec.Attr, nla string) string {
	ct := cTypes[a.Type]
	if a.BigEndian && ct.getBE != "" {
		return ct.fromBE + "(" + ct.getBE + "(" + nla + "))"
	}
	return ct.get + "(" + nla + ")"
}

// assign fills member n of dst from the attribute nla (lines at indent;
// rem: the bytes from nla to the end of the attributes it is among).
func (b *helperBuilder) assign(a *spec.Attr, dst, nla, rem, ind string, extack string) []string {
	n := memberName(a)
	m := dst + "->" + n
	present := ind + dst + "->_present." + n + " = 1;"
	switch b.shapeOf(a) {
	case shapeFlag:
		return []string{present}
	case shapeScalar:
		return []string{ind + m + " = " + getExpr(a, nla) + ";", present}
	case shapeString:
		return []string{ind + m + " = nla_data(" + nla + ");", wrapExpr(ind+m+"_len = ", "strnlen("+m+", nla_len("+nla+"))", ";"), present}
	case shapeBinary:
		return []string{ind + m + " = nla_data(" + nla + ");", ind + m + "_len = nla_len(" + nla + ");", present}
	case shapeStruct:
		return []string{ind + m + " = nla_data(" + nla + ");", present}
	case shapeBitfield:
		return []string{ind + m + " = nla_get_bitfield32(" + nla + ");", present}
	case shapeNest:
		call := wrapParams(ind+"err = "+b.parseName(b.nested[a.Nested])+"(", []string{"&" + m, nla, extack}, ";")
		return []string{call, ind + "if (err)", ind + "\treturn err;", present}
	case shapeRawNest:
		return []string{ind + m + " = " + nla + ";", present}
	case shapeArray:
		return b.assignArray(a, dst, nla, rem, ind)
	}
	return nil
}

// nestParse reads a nested set's attributes from its nest.
func (b *helperBuilder) nestParse(s *helperSet) {
	name := b.parseName(s)
	params := []string{"struct " + s.Tag + " *dst", "const struct nlattr *nest", "struct netlink_ext_ack *extack"}
	body := []string{"\tconst struct nlattr *attr;", "\tint rem;"}
	if b.needsErr(s) {
		body = append(body, "\tint err;")
	}
	body = append(body, "", "\tmemset(dst, 0, sizeof(*dst));", "\tnla_for_each_nested(attr, nest, rem) {", "\t\tswitch (nla_type(attr)) {")
	for _, a := range s.Attrs {
		if b.shapeOf(a) == shapeNone {
			continue
		}
		body = append(body, "\t\tcase "+a.CName+":")
		body = append(body, b.assign(a, "dst", "attr", "rem", "\t\t\t", "extack")...)
		body = append(body, "\t\t\tbreak;")
	}
	body = append(body, "\t\t}", "\t}", "\treturn 0;")
	b.static("Reads a nest of struct "+s.Tag+" the policy validated.", "int", name, params, body)
}

func (b *helperBuilder) needsErr(s *helperSet) bool {
	for _, a := range s.Attrs {
		if b.shapeOf(a) == shapeNest {
			return true
		}
	}
	return false
}

// requestParse fills an op's request struct from info->attrs.
func (b *helperBuilder) requestParse(s *helperSet, op *spec.Op, dump bool) {
	name := b.f.CName + "_nl_" + op.CIdent + "_parse"
	if dump {
		name = b.f.CName + "_nl_" + op.CIdent + "_dump_parse"
	}
	infoParam := "const struct genl_info *info"
	if dump {
		infoParam = "struct netlink_callback *cb"
	}
	params := []string{infoParam, "struct " + s.Tag + " *req"}
	var body []string
	if dump {
		body = append(body, "\tconst struct genl_info *info = genl_info_dump(cb);")
	}
	multi := false
	for _, a := range s.Attrs {
		multi = multi || a.MultiAttr && b.shapeOf(a) == shapeArray
	}
	body = append(body, "\tconst struct nlattr *attr;")
	if multi {
		body = append(body, "\tint rem;")
	}
	if b.needsErr(s) {
		body = append(body, "\tint err;")
	}
	if len(body) > 0 {
		body = append(body, "")
	}
	body = append(body, "\tmemset(req, 0, sizeof(*req));")
	if s.Hdr != nil {
		body = append(body, "\tmemcpy(&req->_hdr, genl_info_userhdr(info), sizeof(req->_hdr));")
	}
	for _, a := range s.Attrs {
		if b.shapeOf(a) == shapeNone || a.MultiAttr && b.shapeOf(a) == shapeArray {
			continue
		}
		body = append(body, "\tattr = info->attrs["+a.CName+"];")
		lines := b.assign(a, "req", "attr", "", "\t\t", "info->extack")
		if len(lines) == 1 {
			body = append(body, "\tif (attr)", lines[0])
			continue
		}
		body = append(body, "\tif (attr) {")
		body = append(body, lines...)
		body = append(body, "\t}")
	}
	if multi {
		hdr := "GENL_HDRLEN"
		if s.Hdr != nil {
			hdr += " + sizeof(req->_hdr)"
		}
		nlh := "info->nlhdr"
		if dump {
			nlh = "cb->nlh"
		}
		body = append(body, "\tnlmsg_for_each_attr(attr, "+nlh+", "+hdr+", rem) {", "\t\tswitch (nla_type(attr)) {")
		for _, a := range s.Attrs {
			if a.MultiAttr && b.shapeOf(a) == shapeArray {
				body = append(body, "\t\tcase "+a.CName+":")
				body = append(body, b.assign(a, "req", "attr", "rem", "\t\t\t", "info->extack")...)
				body = append(body, "\t\t\tbreak;")
			}
		}
		body = append(body, "\t\t}", "\t}")
	}
	body = append(body, "\treturn 0;")
	what := "Read the request of " + op.CName + " (do) from its attributes."
	if dump {
		what = "Read the request of the " + op.CName + " dump from its attributes."
	}
	reqName := "info"
	if dump {
		reqName = "cb"
	}
	doc := kdocFn(name, what,
		[][2]string{{reqName, "the request"}, {"req", "filled in; pointers point into the request, valid while the handler runs"}},
		"0 or a negative error (reported through the request's extack)")
	b.fn(doc, "int", name, params, body)
}

// sizeExpr is the size one present attribute takes in a message.
func (b *helperBuilder) sizeExpr(a *spec.Attr, m string) string {
	switch b.shapeOf(a) {
	case shapeFlag:
		return "nla_total_size(0)"
	case shapeScalar:
		w := a.Type.Width()
		if w == 0 {
			w = 8
		}
		if w == 8 {
			return "nla_total_size_64bit(sizeof(u64))"
		}
		return fmt.Sprintf("nla_total_size(sizeof(%s))", scalarC(a.Type))
	case shapeString:
		if a.Checks.UnterminatedOK {
			return "nla_total_size(" + m + "_len)"
		}
		return "nla_total_size(strlen(" + m + ") + 1)"
	case shapeBinary:
		return "nla_total_size(" + m + "_len)"
	case shapeStruct:
		return "nla_total_size(sizeof(*" + m + "))"
	case shapeBitfield:
		return "nla_total_size(sizeof(struct nla_bitfield32))"
	case shapeNest:
		return b.sizeName(b.nested[a.Nested]) + "(&" + m + ")"
	case shapeRawNest:
		return "nla_total_size(nla_len(" + m + "))"
	}
	return ""
}

// sizeFunc sizes the attributes of a struct.
func (b *helperBuilder) sizeFunc(s *helperSet) {
	name := b.sizeName(s)
	body := []string{"\tsize_t size = 0;"}
	arrays := false
	for _, a := range s.Attrs {
		arrays = arrays || b.shapeOf(a) == shapeArray
	}
	if arrays {
		body = append(body, "\tunsigned int i;")
	}
	body = append(body, "")
	for _, a := range s.Attrs {
		m := "src->" + memberName(a)
		switch sh := b.shapeOf(a); sh {
		case shapeNone:
		case shapeArray:
			body = append(body, b.sizeArray(a, m)...)
		default:
			body = append(body, "\tif (src->_present."+memberName(a)+")", wrapExpr("\t\tsize += ", b.sizeExpr(a, m), ";"))
		}
	}
	what := "Room the attributes of struct " + s.Tag + " take in a message."
	if b.nested[s.Set] == s {
		body = append(body, "\treturn nla_total_size(size);")
		what = "Room a nest of struct " + s.Tag + " takes, header included."
	} else {
		body = append(body, "\treturn size;")
	}
	b.static(what, "size_t", name, []string{"const struct " + s.Tag + " *src"}, body)
}

// call is a C function call, rendered wrapped to the line length.
type call struct {
	fn   string
	args []string
}

// at renders the call after head (for example "\tif (") and before tail.
func (c call) at(head, tail string) string {
	if c.args == nil { // an expression, not a call
		return head + c.fn + tail
	}
	return wrapParams(head+c.fn+"(", c.args, tail)
}

// putScalar puts value v of attribute a (type t) as attribute type typ.
func (b *helperBuilder) putScalar(a *spec.Attr, t spec.AttrType, s *helperSet, typ, v string) call {
	pad := "0"
	if s.Pad != nil {
		pad = s.Pad.CName
	}
	ct := cTypes[t]
	switch {
	case t == spec.TypeUint || t == spec.TypeSint:
		return call{"nla_put_" + string(t), []string{"skb", typ, v}}
	case a.BigEndian && ct.getBE != "" && t == spec.TypeU64:
		return call{"nla_put_be64", []string{"skb", typ, "cpu_to_be64(" + v + ")", pad}}
	case a.BigEndian && ct.getBE != "":
		bits := strings.TrimPrefix(string(t), "u")
		return call{"nla_put_be" + bits, []string{"skb", typ, "cpu_to_be" + bits + "(" + v + ")"}}
	case t == spec.TypeU64:
		return call{"nla_put_u64_64bit", []string{"skb", typ, v, pad}}
	case t == spec.TypeS64:
		return call{"nla_put_s64", []string{"skb", typ, v, pad}}
	}
	return call{"nla_put_" + string(t), []string{"skb", typ, v}}
}

// putFunc puts the present attributes of a struct, in the spec's order.
func (b *helperBuilder) putFunc(s *helperSet) {
	name := b.putName(s)
	var decls []string
	var body []string
	needNest, needI := false, false
	for _, a := range s.Attrs {
		n := memberName(a)
		m := "src->" + n
		put := func(c call) {
			body = append(body, "\tif (src->_present."+n+" &&", c.at("\t    ", ")"), "\t\treturn -EMSGSIZE;")
		}
		switch b.shapeOf(a) {
		case shapeNone:
		case shapeFlag:
			put(call{"nla_put_flag", []string{"skb", a.CName}})
		case shapeScalar:
			put(b.putScalar(a, a.Type, s, a.CName, m))
		case shapeString:
			if a.Checks.UnterminatedOK {
				// It need not end in a NUL: its length says where.
				put(call{"nla_put", []string{"skb", a.CName, m + "_len", m}})
			} else {
				put(call{"nla_put_string", []string{"skb", a.CName, m}})
			}
		case shapeBinary:
			put(call{"nla_put", []string{"skb", a.CName, m + "_len", m}})
		case shapeStruct:
			put(call{"nla_put", []string{"skb", a.CName, "sizeof(*" + m + ")", m}})
		case shapeBitfield:
			put(call{"nla_put_bitfield32", []string{"skb", a.CName, m + ".value", m + ".selector"}})
		case shapeRawNest:
			put(call{"nla_put", []string{"skb", a.CName, "nla_len(" + m + ")", "nla_data(" + m + ")"}})
		case shapeNest:
			needNest = true
			body = append(body, "\tif (src->_present."+n+") {",
				"\t\tnest = nla_nest_start(skb, "+a.CName+");",
				"\t\tif (!nest)", "\t\t\treturn -EMSGSIZE;",
				"\t\tif ("+b.putName(b.nested[a.Nested])+"(skb, &"+m+")) {",
				"\t\t\tnla_nest_cancel(skb, nest);", "\t\t\treturn -EMSGSIZE;", "\t\t}",
				"\t\tif ("+b.nestEnd()+"(skb, nest))", "\t\t\treturn -EMSGSIZE;", "\t}")
		case shapeArray:
			needI = true
			body = append(body, b.putArray(a, s, m, &needNest)...)
		}
	}
	if needNest {
		decls = append(decls, "\tstruct nlattr *nest;")
	}
	if needI {
		decls = append(decls, "\tunsigned int i;")
	}
	if len(decls) > 0 {
		decls = append(decls, "")
	}
	body = append(append(decls, body...), "\treturn 0;")
	b.static("Puts the present attributes of struct "+s.Tag+", in the spec's order; -EMSGSIZE when skb is full.",
		"int", name, []string{"struct sk_buff *skb", "const struct " + s.Tag + " *src"}, body)
}

// replyFunc answers a do with its reply.
func (b *helperBuilder) replyFunc(s *helperSet, op *spec.Op, cmd string) {
	name := b.f.CName + "_nl_" + op.CIdent + "_reply"
	body := b.newMsg(s, "GFP_KERNEL", "info->snd_portid, info->snd_seq", "0", cmd)
	body = append(body, "\treturn genlmsg_reply(skb, info);", "err_free:", "\tnlmsg_free(skb);", "\treturn err;")
	doc := kdocFn(name, "Answer the "+op.CName+" request in info with rsp.",
		[][2]string{{"info", "the request"}, {"rsp", "the reply's attributes"}}, "0 or a negative error (return it from the doit)")
	b.fn(doc, "int", name, []string{"struct genl_info *info", "const struct " + s.Tag + " *rsp"}, body)
}

// msgSize is the payload genlmsg_new() needs for a message of struct s:
// the fixed header (which genlmsg_put reserves too) and the attributes.
func (b *helperBuilder) msgSize(s *helperSet) string {
	if s.Hdr != nil {
		return "sizeof(rsp->_hdr) + " + b.sizeName(s) + "(rsp)"
	}
	return b.sizeName(s) + "(rsp)"
}

// newMsg allocates and fills a message of struct s (variable rsp).
func (b *helperBuilder) newMsg(s *helperSet, gfp, portSeq, flags, cmd string) []string {
	body := []string{"\tstruct sk_buff *skb;", "\tvoid *hdr;", "\tint err;", "",
		"\tskb = genlmsg_new(" + b.msgSize(s) + ", " + gfp + ");",
		"\tif (!skb)", "\t\treturn -ENOMEM;",
		wrapParams("\thdr = genlmsg_put(", []string{"skb", portSeq, "&" + b.v.FamilyIdent, flags, cmd}, ";"),
		"\tif (!hdr) {", "\t\terr = -EMSGSIZE;", "\t\tgoto err_free;", "\t}"}
	if s.Hdr != nil {
		body = append(body, "\tmemcpy(hdr, &rsp->_hdr, sizeof(rsp->_hdr));")
	}
	body = append(body, "\terr = "+b.putName(s)+"(skb, rsp);", "\tif (err)", "\t\tgoto err_free;", "\tgenlmsg_end(skb, hdr);")
	return body
}

// dumpOne adds one entry to a dump.
func (b *helperBuilder) dumpOne(s *helperSet, op *spec.Op, cmd string) {
	name := b.f.CName + "_nl_" + op.CIdent + "_entry"
	body := []string{"\tvoid *hdr;", "\tint err;", "",
		wrapParams("\thdr = genlmsg_put(", []string{"skb", "NETLINK_CB(cb->skb).portid", "cb->nlh->nlmsg_seq", "&" + b.v.FamilyIdent, "NLM_F_MULTI", cmd}, ";"),
		"\tif (!hdr)", "\t\treturn -EMSGSIZE;",
		"\tgenl_dump_check_consistent(cb, hdr);"}
	if s.Hdr != nil {
		body = append(body, "\tmemcpy(hdr, &rsp->_hdr, sizeof(rsp->_hdr));")
	}
	body = append(body, "\terr = "+b.putName(s)+"(skb, rsp);", "\tif (err) {", "\t\tgenlmsg_cancel(skb, hdr);", "\t\treturn err;", "\t}",
		"\tgenlmsg_end(skb, hdr);", "\treturn 0;")
	doc := kdocFn(name, "Add one entry of the "+op.CName+" dump to skb. Set cb->seq for the dump to be marked inconsistent (NLM_F_DUMP_INTR) when what it lists changed.",
		[][2]string{{"skb", "the dump's message, as the dumpit got it"}, {"cb", "the dump"}, {"rsp", "the entry's attributes"}},
		"0, or -EMSGSIZE when skb is full: stop, and resume from this entry in the next dumpit call")
	b.fn(doc, "int", name, []string{"struct sk_buff *skb", "struct netlink_callback *cb", "const struct " + s.Tag + " *rsp"}, body)
}

// notifyFunc sends a notification or event to its multicast group.
func (b *helperBuilder) notifyFunc(s *helperSet, op *spec.Op) {
	name := b.f.CName + "_nl_" + op.CIdent + "_notify"
	grp := cUpper(b.f.CName + "_nlgrp_" + op.McastGroup.Name)
	body := []string{"\tstruct sk_buff *skb;", "\tvoid *hdr;", "\tint err;", "",
		"\tif (!genl_has_listeners(&" + b.v.FamilyIdent + ", net, " + grp + "))", "\t\treturn 0;",
		"\tskb = genlmsg_new(" + b.msgSize(s) + ", gfp);",
		"\tif (!skb)", "\t\treturn -ENOMEM;",
		wrapParams("\thdr = genlmsg_put(", []string{"skb", "0", "0", "&" + b.v.FamilyIdent, "0", op.CName}, ";"),
		"\tif (!hdr) {", "\t\terr = -EMSGSIZE;", "\t\tgoto err_free;", "\t}"}
	if s.Hdr != nil {
		body = append(body, "\tmemcpy(hdr, &rsp->_hdr, sizeof(rsp->_hdr));")
	}
	body = append(body, "\terr = "+b.putName(s)+"(skb, rsp);", "\tif (err)", "\t\tgoto err_free;", "\tgenlmsg_end(skb, hdr);",
		wrapParams("\treturn genlmsg_multicast_netns(", []string{"&" + b.v.FamilyIdent, "net", "skb", "0", grp, "gfp"}, ";"),
		"err_free:", "\tnlmsg_free(skb);", "\treturn err;")
	doc := kdocFn(name, "Send "+op.CName+" with rsp's attributes to the listeners of the "+quoteC(op.McastGroup.Name)+" group in net; nothing is allocated when there are none.",
		[][2]string{{"net", "the namespace (genl_info_net() of the request that caused it)"}, {"rsp", "the notification's attributes"}, {"gfp", "allocation flags"}},
		"0 (also when nobody listens) or a negative error")
	b.fn(doc, "int", name, []string{"struct net *net", "const struct " + s.Tag + " *rsp", "gfp_t gfp"}, body)
}
