package spec

import (
	"gopkg.in/yaml.v3"
)

// definitionRaw holds what a definition names before resolution.
type definitionRaw struct {
	namePrefix     string
	hasNamePrefix  bool
	enumName       string
	hasEnumName    bool
	valueIsNum     bool
	hasValue       bool
	valueStartExpr string
	// Struct layout state: a struct member lays out its struct first.
	layingOut, laidOut bool
}

func (l *loader) definition(n *yaml.Node) *Definition {
	o := l.r.object(n, "definition", l.keys.definition, []string{"type", "name"})
	d := &Definition{Pos: l.r.pos(n), Name: l.name(o, "definition"), Doc: o.str("doc"), Header: o.header("header"), Scope: o.oneOf("scope", l.keys, func(k *keySets) []string { return k.scopes })}
	if d.Scope == "" {
		d.Scope = "uapi"
	}
	what := "definition " + quote(d.Name)
	o.what = what
	if o.has("type") && o.str("type") == string(DefStruct) && !contains(l.keys.defTypes, string(DefStruct)) {
		l.r.diag.errorf(o.posOf("type"), "%s: struct definitions need protocol genetlink-legacy", what)
	} else {
		d.Kind = DefKind(o.oneOf("type", l.keys, func(k *keySets) []string { return k.defTypes }))
	}
	d.raw.namePrefix = o.cPart("name-prefix")
	d.raw.hasNamePrefix = o.has("name-prefix")
	d.raw.enumName, d.raw.hasEnumName = o.nullableCPart("enum-name")
	d.EnumCntName = o.cPart("enum-cnt-name")
	d.RenderMax = o.boolean("render-max")

	onlyFor := func(key string, kinds ...DefKind) {
		if !o.has(key) || d.Kind == "" {
			return
		}
		for _, k := range kinds {
			if d.Kind == k {
				return
			}
		}
		l.r.diag.errorf(o.keyPos(key), "%s: %q does not apply to a %s", what, key, d.Kind)
	}
	onlyFor("value", DefConst)
	onlyFor("entries", DefEnum, DefFlags)
	onlyFor("value-start", DefEnum, DefFlags)
	onlyFor("render-max", DefEnum, DefFlags)
	onlyFor("enum-cnt-name", DefEnum)
	onlyFor("name-prefix", DefConst, DefEnum, DefFlags)
	onlyFor("enum-name", DefEnum, DefFlags, DefStruct)
	onlyFor("members", DefStruct)

	switch d.Kind {
	case DefConst:
		if !o.has("value") {
			l.r.diag.errorf(d.Pos, "%s: a const needs a \"value\"", what)
		}
		num, expr, isNum, ok := o.intOrString("value")
		if ok {
			d.Value, d.ValueExpr, d.raw.valueIsNum, d.raw.hasValue = num, expr, isNum, true
		}
	case DefEnum, DefFlags:
		if !o.has("entries") {
			l.r.diag.errorf(d.Pos, "%s: an %s needs \"entries\"", what, d.Kind)
		}
		if o.has("value-start") {
			num, expr, isNum, ok := o.intOrString("value-start")
			if ok && isNum {
				d.ValueStart = num
			} else if ok {
				d.raw.valueStartExpr = expr
			}
		}
		for _, e := range o.list("entries") {
			d.Entries = append(d.Entries, l.entry(e, what))
		}
		if o.has("entries") && len(d.Entries) == 0 && o.values["entries"].Kind == yaml.SequenceNode {
			l.r.diag.warnf(o.posOf("entries"), "%s: \"entries\" is empty", what)
		}
	case DefStruct:
		if !o.has("members") {
			l.r.diag.errorf(d.Pos, "%s: a struct needs \"members\"", what)
		}
		for _, m := range o.list("members") {
			d.Members = append(d.Members, l.member(m, what))
		}
	}
	return d
}

func (l *loader) entry(n *yaml.Node, owner string) *EnumEntry {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		return &EnumEntry{Pos: l.r.pos(n), Name: n.Value}
	}
	o := l.r.object(n, owner+" entry", l.keys.entry, []string{"name"})
	e := &EnumEntry{Pos: l.r.pos(n), Name: l.name(o, "entry"), Doc: o.str("doc")}
	o.what = owner + " entry " + quote(e.Name)
	if v, ok := o.intOrStringNum("value"); ok {
		e.Value = v
		e.raw.hasValue = true
	}
	return e
}

func (l *loader) member(n *yaml.Node, owner string) *StructMember {
	o := l.r.object(n, owner+" member", l.keys.member, []string{"name", "type"})
	m := &StructMember{Pos: l.r.pos(n), Name: l.name(o, "member"), Doc: o.str("doc")}
	o.what = owner + " member " + quote(m.Name)
	m.Type = AttrType(o.oneOf("type", l.keys, func(k *keySets) []string { return k.memberTypes }))
	m.BigEndian = o.oneOf("byte-order", l.keys, func(k *keySets) []string { return k.byteOrders }) == "big-endian"
	m.DisplayHint = o.oneOf("display-hint", l.keys, func(k *keySets) []string { return k.displayHints })
	m.raw.enum = o.refName("enum")
	m.raw.structName = o.refName("struct")
	if m.raw.structName.Value != "" && m.Type != "" && m.Type != TypeBinary {
		l.r.diag.errorf(o.keyPos("struct"), "%s: \"struct\" applies to a binary member, not a %s", o.what, m.Type)
	}
	if o.has("len") {
		num, expr, isNum, ok := o.intOrString("len")
		if ok {
			m.raw.len = lenRaw{num: num, expr: expr, isNum: isNum, pos: o.posOf("len"), set: true}
		}
	}
	if (m.Type == TypeString || m.Type == TypeBinary) && !o.has("len") && m.raw.structName.Value == "" {
		l.r.diag.errorf(m.Pos, "%s: a %s member needs a \"len\"", o.what, m.Type)
	}
	return m
}

// lenRaw is a length written as a number or a const name.
type lenRaw struct {
	num   int64
	expr  string
	isNum bool
	pos   Pos
	set   bool
}

// refName reads a string naming another spec element, with its position.
func (o *object) refName(key string) posString {
	if !o.has(key) {
		return posString{}
	}
	return posString{Value: o.str(key), Pos: o.posOf(key)}
}

// keyPos is the position of the key itself (not its value).
func (o *object) keyPos(key string) Pos {
	if k, ok := o.keys[key]; ok {
		return o.r.pos(k)
	}
	return o.r.pos(o.node)
}

// intOrStringNum reads a value that must be a (possibly negative) integer.
func (o *object) intOrStringNum(key string) (int64, bool) {
	num, _, isNum, ok := o.intOrString(key)
	if ok && !isNum {
		o.r.diag.errorf(o.posOf(key), "%s: %q must be an integer", o.what, key)
		return 0, false
	}
	return num, ok
}

func quote(s string) string { return "\"" + s + "\"" }
