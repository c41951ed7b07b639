package gogen

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// The view is the thin layer between the model and the templates: it
// decides which declarations exist and precomputes every snippet, so the
// templates only print.

// fileView is the data of every template.
type fileView struct {
	Package   string
	PkgDoc    string
	Family    string
	FamilyDoc string
	Version   uint64

	Consts []constView
	// AttrConsts and CmdConsts name the attribute types (per root set
	// of the sets Sets holds) and the commands.
	AttrConsts []constGroup
	CmdConsts  []constView
	Enums      []enumView
	Structs    []structView
	Sets       []setView
	Entries    []entryView
	Ops        []opView
	Groups     []groupView
	Ntfs       []ntfView

	// LinksNests marks a package whose attribute tables point to
	// nested ones, which its init links.
	LinksNests bool

	// Payload and ElemPayload are attrPayload.data and elemPayload.data,
	// for the template's own uses of the payloads.
	Payload, ElemPayload string
}

type constView struct {
	Name, Doc, Value string
}

// constGroup is one const block, with a doc comment.
type constGroup struct {
	Doc    string
	Consts []constView
}

type enumView struct {
	Name, Doc, NamesVar, Underlying string
	SpecName                        string // quoted
	Flags                           bool
	Entries                         []enumEntryView
}

type enumEntryView struct {
	Name, Doc, SpecName, Value string
}

type structView struct {
	Name, Doc string
	SpecName  string // quoted
	Size      int
	Members   []memberView
}

type memberView struct {
	Name, Type, Tag, Doc string
	SpecName             string // quoted
	Put, Get             string
	// JSONPut and JSONGet are the member's part of MarshalJSON and
	// UnmarshalJSON (json.go).
	JSONPut, JSONGet string
}

type setView struct {
	Name, Doc, AttrsVar, SpecName string
	Fields                        []fieldView
	Specs                         []attrSpecView
	Ignored                       []string // pad and unused attributes' constants
	Header                        *headerView
	// JSONCases says whether UnmarshalJSON knows any member name.
	JSONCases bool
	// Recursive marks a set that nests itself, directly or not: its
	// values may contain themselves, so its Encode counts its levels
	// (runtime.Encoder.Enter).
	Recursive bool
}

type headerView struct {
	Field, Type string
	Size, Len   int
	// JSONNames are the quoted names of its members that stand beside
	// the attributes in JSON ("" if none).
	JSONNames string
}

type attrSpecView struct {
	Value     uint64
	Const     string
	Name      string
	NestedVar string
	Indexed   bool
	// TypeValues is a nest-type-value's depth (runtime.AttrSpec).
	TypeValues int
}

// fieldView is one attribute's field and its codec. Shape says how the
// element codec (Put, Get) is applied: "flag", "opt" (runtime.Opt field),
// "ptr" (pointer field), "nil" (nil-able field), "multi", "indexed" or
// "typevalue".
type fieldView struct {
	Name, Type, Tag, Doc string
	Value                uint64
	Const                string // the attribute type's constant
	SpecName             string // quoted
	Shape                string
	Put                  string
	Get                  string
	ElemType             string
	// ElemInPlace marks an indexed array of nested sets: each element is
	// decoded in place in the slice rather than copied into it.
	ElemInPlace bool
	// JSONPut and JSONGet are the field's part of MarshalJSON and
	// UnmarshalJSON (json.go).
	JSONPut, JSONGet string

	// typevalue
	Entry     string
	Depth     int
	KeyExprs  string
	KeyInit   string
	AttrsName string
}

type entryView struct {
	Name, Doc  string
	Keys       []entryKeyView
	AttrsField string
	AttrsType  string
	// Attr is the spec name of the attribute (quoted), for errors.
	Attr string
	// AttrsJSON is the JSON value of the attributes (x.AttrsField).
	AttrsJSON string
}

type entryKeyView struct {
	Name, SpecName string
}

type opView struct {
	Name, SpecName, Doc, Var, AttrsVar string
	DoDoc, DumpDoc                     string
	Cmd                                string // the command's constant
	Type                               string
	Do, Dump                           *modeView
	Header                             bool
	// DoReply marks ops whose do form has a reply: they are sent
	// without NLM_F_ACK (runtime.Op.DoReply).
	DoReply bool
	// Only lists the request attribute tables of the op's modes.
	Only []onlyView
}

type modeView struct {
	Request, Reply bool
	// Encoder is the Go expression passed to Do/Dump as the request
	// encoder.
	Encoder string
}

// onlyView is a table of the attribute types a request carries.
type onlyView struct {
	Var, What, Init string
}

type groupView struct {
	Name, SpecName string
}

// ntfView is one notification or event: its Go type Name wraps a pointer
// to the attribute set's struct Type.
type ntfView struct {
	Cmd                  string // the command's constant
	SpecName, Name, Type string
	Header               bool
	Doc                  string
}

// build makes the view of f.
func build(f *spec.Family) (*fileView, error) {
	v := &fileView{
		Package:     f.GoPackage,
		Family:      f.Name,
		Version:     f.Version,
		Payload:     attrPayload.data,
		ElemPayload: elemPayload.data,
	}
	conventions := pkgConventions
	if len(f.McastGroups) > 0 {
		conventions += "\n\n" + pkgNotifications
	}
	v.PkgDoc = comment(fmt.Sprintf("Package %s is a client for the %s generic netlink family.\n\n%s\n\n%s",
		f.GoPackage, f.Name, strings.TrimSpace(f.Doc), conventions))

	widths := enumWidths(f)
	for _, def := range f.Definitions {
		switch def.Kind {
		case spec.DefConst:
			v.Consts = append(v.Consts, constView{
				Name:  def.GoName,
				Doc:   docFor(def.GoName, "is the "+q(def.Name)+" constant.", def.Doc),
				Value: constValue(def),
			})
		case spec.DefEnum, spec.DefFlags:
			v.Enums = append(v.Enums, enumOf(def, widths[def]))
		case spec.DefStruct:
			s, err := structOf(def)
			if err != nil {
				return nil, err
			}
			v.Structs = append(v.Structs, s)
		}
	}

	sets := usedSets(f)
	for _, s := range sets {
		sv, entries, err := setOf(s)
		if err != nil {
			return nil, err
		}
		v.Sets = append(v.Sets, sv)
		v.Entries = append(v.Entries, entries...)
		v.LinksNests = v.LinksNests || slices.ContainsFunc(sv.Specs, func(a attrSpecView) bool { return a.NestedVar != "" })
	}

	v.AttrConsts = attrConsts(sets)
	seenCmd := map[string]bool{}
	cmd := func(name string, value uint64, op *spec.Op) {
		if !seenCmd[name] {
			seenCmd[name] = true
			v.CmdConsts = append(v.CmdConsts, constView{Name: name, Value: strconv.FormatUint(value, 10), Doc: "// " + name + " is the command of " + q(op.Name) + "."})
		}
	}
	for _, op := range f.Ops.List {
		if op.IsReserved() {
			continue
		}
		if op.IsAsync() {
			v.Ntfs = append(v.Ntfs, ntfOf(op))
			cmd(op.GoReplyCmd, op.ReplyValue, op)
			continue
		}
		v.Ops = append(v.Ops, opOf(op))
		cmd(op.GoCmd, op.RequestValue, op)
	}
	for _, g := range f.McastGroups {
		v.Groups = append(v.Groups, groupView{Name: g.GoName, SpecName: q(g.Name)})
	}
	return v, nil
}

const pkgConventions = `Each attribute set the family's messages use is a struct. An attribute
that may be absent is a runtime.Opt value (runtime.Some(v) to send one;
Present false means "not sent" or "not received"), a pointer for a nested
attribute set, or a nil slice for binary and repeated attributes; flags
are bools. A subset of an attribute set gets a struct of its own, with only the
attributes the subset lists. Attributes that the spec does not know are kept
raw in each struct's Unknown field, so nothing the kernel sends is lost.
Every type marshals to JSON as the kernel's own client prints it (cli.py
--output-json: spec names, enums and flags by name, binary as hex) and
reads the same JSON back.

Dial connects to the family; each operation is a method of Client, and its
dump form (if any) is a method whose name ends in Dump and that returns an
iterator streaming the replies as they arrive. Replies stay valid for as
long as they are kept; a loop that keeps none can pass
runtime.ReuseReplies() to a dump, or runtime.ReuseReply(&arena) to a
request, to have each reply decoded into the memory of the one before.`

// pkgNotifications ends the package doc of a family with multicast groups.
const pkgNotifications = `Client.Subscribe joins multicast groups; Notifications.All streams what
they carry, decoded by command. Like a dump, it takes
runtime.ReuseReplies().`

// enumWidths picks each enum's underlying type: uint64 when a value or an
// attribute carrying it needs 64 bits, uint32 otherwise.
func enumWidths(f *spec.Family) map[*spec.Definition]string {
	w := map[*spec.Definition]string{}
	for _, def := range f.Definitions {
		if !def.IsEnumLike() {
			continue
		}
		w[def] = "uint32"
		for _, e := range def.Entries {
			if e.UserValue > math.MaxUint32 {
				w[def] = "uint64"
			}
		}
	}
	for _, s := range f.AttrSets {
		for _, a := range s.Attrs {
			t := a.Type
			if t == spec.TypeIndexedArray || (t == spec.TypeBinary && a.SubType != "") {
				t = a.SubType
			}
			if a.Enum != nil && !isPlainInt(a) && t.IsInteger() && t.Bits() > 32 {
				w[a.Enum] = "uint64"
			}
		}
	}
	for _, def := range f.Definitions {
		for _, m := range def.Members {
			if m.Enum != nil && m.Type.IsInteger() && m.Type.Bits() > 32 {
				w[m.Enum] = "uint64"
			}
		}
	}
	return w
}

func constValue(def *spec.Definition) string {
	if def.IsString {
		return q(def.ValueExpr)
	}
	return strconv.FormatInt(def.Value, 10)
}

func enumOf(def *spec.Definition, underlying string) enumView {
	kind := "enum"
	if def.Kind == spec.DefFlags {
		kind = "flags"
	}
	ev := enumView{
		Name:       def.GoName,
		Doc:        docFor(def.GoName, "is the "+q(def.Name)+" "+kind+".", def.Doc),
		NamesVar:   "names" + def.GoName,
		SpecName:   q(def.Name),
		Underlying: underlying,
		Flags:      def.Kind == spec.DefFlags,
	}
	for _, e := range def.Entries {
		val := strconv.FormatUint(e.UserValue, 10)
		if ev.Flags {
			val = "1 << " + strconv.FormatInt(e.Value, 10)
		}
		ev.Entries = append(ev.Entries, enumEntryView{
			Name:     e.GoName,
			Doc:      docFor(e.GoName, "is "+q(e.Name)+".", e.Doc),
			SpecName: q(e.Name),
			Value:    val,
		})
	}
	return ev
}

func structOf(def *spec.Definition) (structView, error) {
	sv := structView{
		Name:     def.GoName,
		Doc:      docFor(def.GoName, "is the "+q(def.Name)+" struct ("+strconv.Itoa(def.Size)+" bytes on the wire).", def.Doc),
		Size:     def.Size,
		SpecName: q(def.Name),
	}
	for _, m := range def.Members {
		if m.Type == spec.TypePad {
			continue
		}
		mv := memberView{
			Name:     m.GoName,
			SpecName: q(m.Name),
			Doc:      docFor(m.GoName, "is the "+q(m.Name)+" member.", m.Doc),
		}
		off := strconv.Itoa(m.Offset)
		switch {
		case m.Type == spec.TypeBinary && m.Struct != nil:
			// Another struct, laid out by its own put and get.
			mv.Type = m.Struct.GoName
			b := "b[" + off + ":" + strconv.Itoa(m.Offset+m.Size) + "]"
			mv.Put = "s." + m.GoName + ".put(" + b + ")"
			mv.Get = "s." + m.GoName + ".get(" + b + ")"
		case m.Type == spec.TypeBinary:
			if m.Len <= 0 {
				return sv, fmt.Errorf("genlgen: %s: struct %q: binary member %q needs a len", m.Pos, def.Name, m.Name)
			}
			mv.Type = "[" + strconv.Itoa(m.Len) + "]byte"
			end := strconv.Itoa(m.Offset + m.Len)
			mv.Put = "copy(b[" + off + ":" + end + "], s." + m.GoName + "[:])"
			mv.Get = "copy(s." + m.GoName + "[:], b[" + off + ":" + end + "])"
		case m.Type.IsInteger() && m.Type.Width() > 0:
			k := intKinds[m.Type]
			mv.Type = k.goType
			if m.Enum != nil {
				mv.Type = m.Enum.GoName
			}
			u := "uint" + strconv.Itoa(m.Type.Bits())
			if m.Type.Width() == 1 {
				mv.Put = "b[" + off + "] = " + conv(u, mv.Type, "s."+m.GoName)
				mv.Get = "s." + m.GoName + " = " + conv(mv.Type, u, "b["+off+"]")
				break
			}
			order := "binary.NativeEndian"
			if m.BigEndian {
				order = "binary.BigEndian"
			}
			bits := strconv.Itoa(m.Type.Bits())
			mv.Put = order + ".PutUint" + bits + "(b[" + off + ":], " + conv(u, mv.Type, "s."+m.GoName) + ")"
			mv.Get = "s." + m.GoName + " = " + conv(mv.Type, u, order+".Uint"+bits+"(b["+off+":])")
		default:
			return sv, fmt.Errorf("genlgen: %s: struct %q: member %q of type %s is not supported in Go", m.Pos, def.Name, m.Name, m.Type)
		}
		memberJSON(m, &mv)
		sv.Members = append(sv.Members, mv)
	}
	return sv, nil
}

// conv converts x (of type from) to type to, if they differ.
func conv(to, from, x string) string {
	if to == from {
		return x
	}
	return to + "(" + x + ")"
}

// usedSets lists the sets messages carry, directly or through nests, in
// spec order.
func usedSets(f *spec.Family) []*spec.AttrSet {
	used := map[*spec.AttrSet]bool{}
	var visit func(s *spec.AttrSet)
	visit = func(s *spec.AttrSet) {
		if s == nil || used[s] {
			return
		}
		used[s] = true
		for _, a := range s.Attrs {
			visit(a.Nested)
		}
	}
	for _, s := range f.AttrSets {
		if s.UsedInRequest || s.UsedInReply {
			visit(s)
		}
	}
	for _, op := range f.Ops.List {
		if !op.IsReserved() {
			visit(op.AttrSet)
		}
	}
	var out []*spec.AttrSet
	for _, s := range f.AttrSets {
		if used[s] {
			out = append(out, s)
		}
	}
	return out
}

func setOf(s *spec.AttrSet) (setView, []entryView, error) {
	doc := "holds the attributes of the " + q(s.Name) + " attribute set."
	if s.SubsetOf != nil {
		doc = "holds the attributes of " + q(s.Name) + ", a subset of " + q(s.SubsetOf.Name) + ": only the attributes the subset lists."
	}
	sv := setView{
		Name:     s.GoName,
		SpecName: q(s.Name),
		Doc:      docFor(s.GoName, doc, s.Doc),
		AttrsVar: "attrs" + s.GoName,
	}
	if h := s.Go.FixedHeader; h != nil {
		sv.Header = &headerView{Field: s.Go.HeaderField, Type: h.GoName, Size: h.Size, Len: (h.Size + 3) &^ 3, JSONNames: headerNames(h, s)}
	}
	var entries []entryView
	for _, a := range s.Attrs {
		spv := attrSpecView{Value: a.Value, Const: a.Go.Const, Name: q(a.Name)}
		if a.Nested != nil {
			spv.NestedVar = "attrs" + a.Nested.GoName
		}
		if a.Type == spec.TypeNestTypeValue {
			spv.TypeValues = len(a.TypeValue)
		}
		// Scalar elements too: an error in one is "name[i]".
		spv.Indexed = a.Type == spec.TypeIndexedArray
		sv.Specs = append(sv.Specs, spv)
		if a.Type == spec.TypePad || a.Type == spec.TypeUnused {
			sv.Ignored = append(sv.Ignored, a.Go.Const)
			continue
		}
		fv, entry, err := fieldOf(a)
		if err != nil {
			return sv, nil, err
		}
		sv.Fields = append(sv.Fields, fv)
		if entry != nil {
			entries = append(entries, *entry)
		}
	}
	slices.SortFunc(sv.Specs, func(a, b attrSpecView) int { return int(a.Value) - int(b.Value) })
	sv.JSONCases = len(sv.Fields) > 0 || sv.Header != nil && sv.Header.JSONNames != ""
	sv.Recursive = nestsItself(s)
	return sv, entries, nil
}

// attrPayload and elemPayload are the payloads of the attribute a
// generated decode loop is at and of the element its indexed-array loop is
// at. templates/go/attrs.go.tmpl declares the variables they use (off,
// end, l; arr, eoff, eend, el) and reads the payloads from here too
// (fileView.Payload, ElemPayload).
var (
	attrPayload = payload{data: "b[off+4 : end]", size: "l-4"}
	elemPayload = payload{data: "arr[eoff+4 : eend]", size: "el-4"}
)

// fieldOf is a's field: its Go type, wire codec and JSON.
func fieldOf(a *spec.Attr) (fieldView, *entryView, error) {
	fv, entry, err := fieldCodec(a)
	if err == nil {
		jsonField(a, &fv)
	}
	return fv, entry, err
}

func fieldCodec(a *spec.Attr) (fieldView, *entryView, error) {
	fv := fieldView{
		Name:     a.GoName,
		Tag:      "`json:\"" + a.Name + ",omitempty\"`",
		Doc:      docFor(a.GoName, "is the "+q(a.Name)+" attribute.", a.Doc),
		Value:    a.Value,
		SpecName: q(a.Name),
	}
	typ := a.Go.Const
	fv.Const = typ
	switch a.Type {
	case spec.TypeNestTypeValue:
		return typeValueField(a, fv)
	case spec.TypeIndexedArray:
		k, ok := kinds[a.SubType]
		if !ok || a.SubType == spec.TypeFlag {
			return fv, nil, fmt.Errorf("genlgen: %s: attribute %q: indexed-array of %q is not supported in Go", a.Pos, a.Name, a.SubType)
		}
		elem := subAttr(a)
		fv.Shape = "indexed"
		fv.ElemType = k.elem(elem)
		fv.Type = "[]" + fv.ElemType
		fv.Put = k.put(elem, "uint16(i+1)", "x")
		fv.Get = k.get(elem, elemPayload)
		fv.ElemInPlace = a.SubType == spec.TypeNest
		return fv, nil, nil
	}
	k, ok := kinds[a.Type]
	if !ok {
		return fv, nil, fmt.Errorf("genlgen: %s: attribute %q: type %q is not supported in Go", a.Pos, a.Name, a.Type)
	}
	fv.ElemType = k.elem(a)
	fv.Get = k.get(a, attrPayload)
	switch {
	case a.Type == spec.TypeFlag:
		fv.Shape, fv.Type = "flag", "bool"
		fv.Put = k.put(a, typ, "")
	case a.MultiAttr:
		fv.Shape, fv.Type = "multi", "[]"+fv.ElemType
		fv.Put = k.put(a, typ, "x")
	case k.nilable != nil && k.nilable(a):
		fv.Shape, fv.Type = "nil", fv.ElemType
		fv.Put = k.put(a, typ, "x")
	case k.pointer:
		fv.Shape, fv.Type = "ptr", "*"+fv.ElemType
		fv.Put = k.put(a, typ, "x")
	default:
		fv.Shape, fv.Type = "opt", "runtime.Opt["+fv.ElemType+"]"
		fv.Tag = "`json:\"" + a.Name + ",omitzero\"`"
		fv.Put = k.put(a, typ, "x.V")
	}
	return fv, nil, nil
}

// subAttr is the element of an indexed array seen as an attribute of its
// sub-type.
func subAttr(a *spec.Attr) *spec.Attr {
	e := *a
	e.Type = a.SubType
	e.SubType = ""
	e.MultiAttr = false
	return &e
}

// maxTypeValueDepth is runtime.MaxTypeValueDepth, the most keys a
// generated client's nest-type-value entries may have. It is restated
// here so that the generator does not link the runtime it generates for
// (TestRuntimeLimits checks that the two agree).
const maxTypeValueDepth = 8

func typeValueField(a *spec.Attr, fv fieldView) (fieldView, *entryView, error) {
	if a.Nested == nil || len(a.TypeValue) == 0 {
		return fv, nil, fmt.Errorf("genlgen: %s: attribute %q: nest-type-value needs type-value and nested-attributes", a.Pos, a.Name)
	}
	if len(a.TypeValue) > maxTypeValueDepth {
		return fv, nil, fmt.Errorf("genlgen: %s: attribute %q: nest-type-value with %d type-value keys; Go clients handle at most %d", a.Pos, a.Name, len(a.TypeValue), maxTypeValueDepth)
	}
	g := a.Go
	fv.Shape = "typevalue"
	fv.Entry = g.EntryName
	fv.Type = "[]" + g.EntryName
	fv.Depth = len(a.TypeValue)
	fv.AttrsName = g.AttrsField
	var keys, inits []string
	for i, name := range g.TypeValueFields {
		keys = append(keys, "x."+name)
		inits = append(inits, name+": it.Key("+strconv.Itoa(i)+")")
	}
	fv.KeyExprs = strings.Join(keys, ", ")
	fv.KeyInit = strings.Join(inits, ", ")
	ev := entryView{
		Name: g.EntryName,
		Doc: comment(g.EntryName + " is one entry of the " + q(a.Name) + " attribute of " + q(a.Set.Name) +
			": the nests around it carry " + strings.Join(a.TypeValue, ", ") + " in their types."),
		AttrsField: g.AttrsField,
		AttrsType:  a.Nested.GoName,
		Attr:       q(a.Name),
		AttrsJSON:  nestJSON(a.Nested, "&x."+g.AttrsField),
	}
	for i, name := range g.TypeValueFields {
		ev.Keys = append(ev.Keys, entryKeyView{Name: name, SpecName: q(a.TypeValue[i])})
	}
	return fv, &ev, nil
}

func opOf(op *spec.Op) opView {
	ov := opView{
		Name:     op.GoName,
		SpecName: q(op.Name),
		Var:      "op" + op.GoName,
		AttrsVar: "attrs" + op.AttrSet.GoName,
		Cmd:      op.GoCmd,
		Type:     op.AttrSet.GoName,
		Header:   op.AttrSet.Go.FixedHeader != nil,
		Doc:      strings.TrimSpace(op.Doc),
	}
	mode := func(m *spec.OpMode, kind string) *modeView {
		if m == nil {
			return nil
		}
		mv := &modeView{
			Request: ov.Header || (m.Request != nil && len(m.Request.Attrs) > 0),
			Reply:   m.Reply != nil,
		}
		only := "nil"
		if mv.Request && m.Request != nil && len(m.Request.Attrs) < countSent(op.AttrSet) {
			o := onlyView{Var: "req" + op.GoName + kind, What: q(op.Name) + " " + strings.ToLower(kind) + " requests"}
			// In attribute order, however the spec lists them.
			attrs := slices.Clone(m.Request.Attrs)
			slices.SortFunc(attrs, func(a, b *spec.Attr) int { return cmp.Compare(a.Value, b.Value) })
			var inits []string
			for _, a := range attrs {
				inits = append(inits, a.Go.Const+": true")
			}
			o.Init = strings.Join(inits, ", ")
			ov.Only = append(ov.Only, o)
			only = o.Var
		}
		switch {
		case !mv.Request:
			mv.Encoder = "nil"
		case ov.Header:
			mv.Encoder = "func(e *runtime.Encoder) { req.encodeMessage(e, " + only + ") }"
		case only == "nil":
			mv.Encoder = "req.Encode"
		default:
			mv.Encoder = "func(e *runtime.Encoder) { req.encodeOnly(e, " + only + ") }"
		}
		return mv
	}
	ov.Do, ov.Dump = mode(op.Do, "Do"), mode(op.Dump, "Dump")
	ov.DoReply = ov.Do != nil && ov.Do.Reply
	if ov.Do != nil {
		ov.DoDoc = docFor(op.GoName, "runs the "+q(op.Name)+" operation"+opDocTail(op, ov.Do, false), op.Doc)
	}
	if ov.Dump != nil {
		ov.DumpDoc = docFor(op.GoName+"Dump", "runs the "+q(op.Name)+" operation as a dump"+opDocTail(op, ov.Dump, true), op.Doc)
	}
	return ov
}

// opDocTail says what a method returns.
func opDocTail(op *spec.Op, m *modeView, dump bool) string {
	switch {
	case dump:
		return ", yielding each reply as it arrives. Stopping the loop early is fine; the dump is not buffered. Replies are carved from chunks shared with earlier and later replies on the same socket (see runtime.Chunk): a reply kept holds its chunks, a few KiB, alive. With runtime.ReuseReplies each reply is decoded into the memory of the one before instead, and is valid only until its loop iteration ends."
	case m.Reply:
		return " and returns the kernel's reply (nil if it sent none), carved from chunks shared with other replies on the same socket (see runtime.Chunk). With runtime.ReuseReply(arena) the reply is decoded into the arena instead, and is valid only until the next request that uses it."
	}
	return "; the kernel sends no reply."
}

func ntfOf(op *spec.Op) ntfView {
	return ntfView{
		Cmd:      op.GoReplyCmd,
		SpecName: q(op.Name),
		Name:     op.GoNtfName,
		Type:     op.AttrSet.GoName,
		Header:   op.AttrSet.Go.FixedHeader != nil,
		Doc:      docFor(op.GoNtfName, "is the "+q(op.Name)+" notification, its attributes those of "+op.AttrSet.GoName+".", op.Doc),
	}
}

// docFor builds the doc comment of an exported identifier: name, what it
// is, then the spec's doc.
func docFor(name, what, doc string) string {
	text := name + " " + what
	if d := strings.TrimSpace(doc); d != "" {
		text += "\n" + d
	}
	return comment(text)
}

// comment renders text as // lines wrapped at about 76 columns. Lines of
// the spec's doc are joined into paragraphs; blank lines, and lines that
// start like a list item, start new ones.
func comment(text string) string {
	var paras [][]string // words of each paragraph; nil is a blank line
	var cur []string
	flush := func() {
		if cur != nil {
			paras = append(paras, cur)
			cur = nil
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			flush()
			paras = append(paras, nil)
			continue
		case strings.HasPrefix(line, "- "), strings.HasPrefix(line, "* "):
			flush()
		}
		cur = append(cur, strings.Fields(line)...)
	}
	flush()
	var b strings.Builder
	for i, words := range paras {
		if i > 0 {
			b.WriteByte('\n')
		}
		if words == nil {
			b.WriteString("//")
			continue
		}
		n := 0
		for j, w := range words {
			switch {
			case j == 0:
				b.WriteString("// ")
				n = 3
			case n+1+len(w) > 76:
				b.WriteString("\n// ")
				n = 3
			default:
				b.WriteByte(' ')
				n++
			}
			b.WriteString(w)
			n += len(w)
		}
	}
	return b.String()
}

// countSent is how many attributes of s a message can carry (pad and
// unused never are).
func countSent(s *spec.AttrSet) int {
	n := 0
	for _, a := range s.Attrs {
		if a.Type != spec.TypePad && a.Type != spec.TypeUnused {
			n++
		}
	}
	return n
}

// nestsItself reports whether s is reachable from its own attributes'
// nested sets.
func nestsItself(s *spec.AttrSet) bool {
	seen := map[*spec.AttrSet]bool{}
	var reach func(x *spec.AttrSet) bool
	reach = func(x *spec.AttrSet) bool {
		for _, a := range x.Attrs {
			n := a.Nested
			if n == nil || !a.Type.IsNested() && a.Type != spec.TypeIndexedArray {
				continue
			}
			if n == s {
				return true
			}
			if !seen[n] {
				seen[n] = true
				if reach(n) {
					return true
				}
			}
		}
		return false
	}
	return reach(s)
}

// attrConsts declares the attribute types of the root sets of sets, one
// block per root set, in value order.
func attrConsts(sets []*spec.AttrSet) []constGroup {
	var out []constGroup
	seen := map[*spec.AttrSet]bool{}
	for _, s := range sets {
		r := s.Root()
		if seen[r] {
			continue
		}
		seen[r] = true
		g := constGroup{Doc: comment("Attribute types of " + q(r.Name) + ", as the kernel's header names them.")}
		attrs := slices.Clone(r.Attrs)
		slices.SortFunc(attrs, func(a, b *spec.Attr) int { return cmp.Compare(a.Value, b.Value) })
		for _, a := range attrs {
			g.Consts = append(g.Consts, constView{Name: a.Go.Const, Value: strconv.FormatUint(a.Value, 10)})
		}
		out = append(out, g)
	}
	return out
}
