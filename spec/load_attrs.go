package spec

import (
	"gopkg.in/yaml.v3"
)

type attrSetRaw struct {
	subsetOf      posString
	namePrefix    string
	hasNamePrefix bool
	enumName      string
	hasEnumName   bool
	maxName       string
	cntName       string
}

type attrRaw struct {
	typePos      Pos
	hasType      bool
	hasValue     bool
	namePrefix   string
	nested       posString
	enum         posString
	structName   posString
	len          lenRaw
	checks       map[string]checkRaw
	checksPos    Pos
	subTypePos   Pos
	multiAttrSet bool
	duplicate    bool
	keys         []string
}

// checkRaw is one check as written: a number, a name or a boolean.
type checkRaw struct {
	pos   Pos
	num   int64
	expr  string
	isNum bool
	flag  bool
}

func (l *loader) attrSet(n *yaml.Node) *AttrSet {
	o := l.r.object(n, "attribute set", l.keys.attrSet, []string{"name", "attributes"})
	s := &AttrSet{Pos: l.r.pos(n), Name: l.name(o, "attribute set"), Doc: o.str("doc")}
	o.what = "attribute set " + quote(s.Name)
	s.raw.subsetOf = o.refName("subset-of")
	s.Header = o.header("header")
	s.raw.namePrefix = o.cPart("name-prefix")
	s.raw.hasNamePrefix = o.has("name-prefix")
	s.raw.enumName, s.raw.hasEnumName = o.nullableCPart("enum-name")
	s.raw.maxName = o.cPart("attr-max-name")
	s.raw.cntName = o.cPart("attr-cnt-name")
	if s.raw.hasNamePrefix && s.raw.subsetOf.Value != "" {
		l.r.diag.errorf(o.keyPos("name-prefix"), "%s: a subset inherits its names and cannot set \"name-prefix\"", o.what)
	}
	for _, a := range o.list("attributes") {
		s.Attrs = append(s.Attrs, l.attr(a, s))
	}
	return s
}

func (l *loader) attr(n *yaml.Node, s *AttrSet) *Attr {
	o := l.r.object(n, "attribute in set "+quote(s.Name), l.keys.attr, []string{"name"})
	a := &Attr{Pos: l.r.pos(n), Set: s, Name: l.name(o, "attribute"), Doc: o.str("doc")}
	o.what = "attribute " + quote(s.Name+"."+a.Name)
	for k := range o.values {
		a.raw.keys = append(a.raw.keys, k)
	}
	a.raw.hasType = o.has("type")
	a.raw.typePos = o.posOf("type")
	a.Type = AttrType(o.oneOf("type", l.keys, func(k *keySets) []string { return k.attrTypes }))
	if v, ok := o.uint("value"); ok {
		a.Value = v
		a.raw.hasValue = true
	}
	for _, tv := range o.strList("type-value") {
		if !elementNameRE.MatchString(tv.Value) {
			l.r.diag.errorf(tv.Pos, "%s: type-value %q must hold only letters, digits, '-' and '_': it becomes a Go field and a C member", o.what, tv.Value)
			continue
		}
		a.TypeValue = append(a.TypeValue, tv.Value)
	}
	a.BigEndian = o.oneOf("byte-order", l.keys, func(k *keySets) []string { return k.byteOrders }) == "big-endian"
	a.MultiAttr = o.boolean("multi-attr")
	a.raw.multiAttrSet = o.has("multi-attr")
	a.raw.nested = o.refName("nested-attributes")
	a.raw.enum = o.refName("enum")
	a.raw.structName = o.refName("struct")
	a.EnumAsFlags = o.boolean("enum-as-flags")
	a.DisplayHint = o.oneOf("display-hint", l.keys, func(k *keySets) []string { return k.displayHints })
	a.raw.namePrefix = o.cPart("name-prefix")
	if o.has("sub-type") {
		a.SubType = AttrType(o.oneOf("sub-type", l.keys, func(k *keySets) []string { return k.attrTypes }))
		a.raw.subTypePos = o.posOf("sub-type")
	}
	if o.has("len") {
		num, expr, isNum, ok := o.intOrString("len")
		if ok {
			a.raw.len = lenRaw{num: num, expr: expr, isNum: isNum, pos: o.posOf("len"), set: true}
		}
	}
	if o.has("checks") {
		l.checks(a, o.values["checks"], o.what)
	}
	return a
}

func (l *loader) checks(a *Attr, n *yaml.Node, what string) {
	o := l.r.object(n, what+" checks", l.keys.checks, nil)
	a.raw.checks = map[string]checkRaw{}
	a.raw.checksPos = l.r.pos(n)
	for key, v := range o.values {
		c := checkRaw{pos: l.r.pos(v)}
		switch key {
		case "unterminated-ok", "sparse":
			c.flag = o.boolean(key)
		case "flags-mask":
			c.expr = o.str(key)
		default:
			num, expr, isNum, ok := o.intOrString(key)
			if !ok {
				continue
			}
			c.num, c.expr, c.isNum = num, expr, isNum
		}
		a.raw.checks[key] = c
	}
}
