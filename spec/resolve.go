package spec

import (
	"sort"
)

// resolve is the second pass: numbers, references, checks and names.
func resolve(f *Family, d *diagnostics) {
	rv := &resolver{f: f, d: d}
	rv.familyNames()
	rv.definitions()
	rv.attrSets()
	rv.operations()
	rv.groups()
	rv.cNames()
	rv.markUsage()
	rv.goNames()
	rv.goExtras()
	rv.warnings()
}

type resolver struct {
	f *Family
	d *diagnostics
	// cPairs are the pairs of elements already reported for giving C one
	// name (cnames.go), reported once however many names they share.
	cPairs map[string]bool
}

func (rv *resolver) familyNames() {
	f := rv.f
	if len(f.Name) > 15 {
		rv.d.errorf(f.Pos, "family name %q is %d bytes long; generic netlink allows at most 15 (GENL_NAMSIZ - 1)", f.Name, len(f.Name))
	}
	f.IdentName = replaceDash(f.Name)
	f.CName = cLower(f.IdentName)
	if f.UAPIHeader == "" {
		f.UAPIHeader = "linux/" + f.IdentName + ".h"
	}
	if f.CFamilyNameDefine == "" {
		f.CFamilyNameDefine = f.Name + "_FAMILY_NAME"
	}
	f.CFamilyNameDefine = cUpper(f.CFamilyNameDefine)
	if f.CVersionDefine == "" {
		f.CVersionDefine = f.Name + "_FAMILY_VERSION"
	}
	f.CVersionDefine = cUpper(f.CVersionDefine)
	f.GoPackage = goPackageName(f.Name)
}

func replaceDash(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '-' {
			b[i] = '_'
		}
	}
	return string(b)
}

func (rv *resolver) definitions() {
	f := rv.f
	f.defs = map[string]*Definition{}
	for _, def := range f.Definitions {
		if prev, dup := f.defs[def.Name]; dup {
			rv.d.errorf(def.Pos, "duplicate definition %q (first at %s)", def.Name, prev.Pos)
			continue
		}
		f.defs[def.Name] = def
	}
	// Consts first: enums, structs and checks may name them.
	for _, def := range f.Definitions {
		if def.Kind == DefConst {
			rv.constDef(def)
		}
	}
	for _, def := range f.Definitions {
		switch def.Kind {
		case DefEnum, DefFlags:
			rv.enumDef(def)
		case DefStruct:
			rv.structDef(def)
		}
	}
}

func (rv *resolver) constDef(def *Definition) {
	prefix := rv.f.IdentName + "-"
	if def.raw.hasNamePrefix {
		prefix = def.raw.namePrefix
	}
	def.CName = cUpper(prefix + def.Name)
	// A const given as a string is a string constant (C renders it quoted).
	def.IsString = def.raw.hasValue && !def.raw.valueIsNum
}

func (rv *resolver) enumDef(def *Definition) {
	f := rv.f
	prefix := f.IdentName + "-" + def.Name + "-"
	if def.raw.hasNamePrefix {
		prefix = def.raw.namePrefix
	}
	def.NamePrefix = cUpper(prefix)
	switch {
	case def.raw.hasEnumName && def.raw.enumName != "":
		def.EnumName = cLower(def.raw.enumName)
	case def.raw.hasEnumName:
		def.EnumName = ""
	default:
		def.EnumName = f.CName + "_" + cLower(def.Name)
	}
	if def.raw.valueStartExpr != "" {
		rv.d.errorf(def.Pos, "definition %q: value-start %q must be an integer", def.Name, def.raw.valueStartExpr)
	}
	seenName := map[string]*EnumEntry{}
	seenValue := map[int64]*EnumEntry{}
	var prev *EnumEntry
	for _, e := range def.Entries {
		if !e.raw.hasValue {
			if prev != nil {
				e.Value = prev.Value + 1
			} else {
				e.Value = def.ValueStart
			}
		}
		if prev != nil {
			e.Explicit = e.Value != prev.Value+1
		} else {
			e.Explicit = e.Value != 0
		}
		if def.Kind == DefFlags {
			e.Explicit = true
			if e.Value < 0 || e.Value > 63 {
				rv.d.errorf(e.Pos, "definition %q: flag %q has bit number %d, want 0..63", def.Name, e.Name, e.Value)
			} else {
				e.UserValue = 1 << uint(e.Value)
			}
		} else {
			e.UserValue = uint64(e.Value)
		}
		e.CName = cUpper(prefix + e.Name)
		if p, dup := seenName[e.Name]; dup {
			rv.d.errorf(e.Pos, "definition %q: duplicate entry %q (first at line %d)", def.Name, e.Name, p.Pos.Line)
		}
		if p, dup := seenValue[e.Value]; dup {
			rv.d.errorf(e.Pos, "definition %q: entry %q has the same value %d as %q", def.Name, e.Name, e.Value, p.Name)
		}
		seenName[e.Name], seenValue[e.Value] = e, e
		prev = e
	}
	if def.RenderMax {
		if def.Kind == DefFlags {
			def.MaxName = cUpper(prefix + "mask")
		} else {
			def.MaxName = cUpper(prefix + "max")
			def.EnumCntName = cUpper(orDefault(def.EnumCntName, "__"+prefix+"max"))
		}
	}
	def.Contiguous = contiguous(def.Entries)
}

// contiguous reports whether an enum's values, sorted, leave no gap.
func contiguous(entries []*EnumEntry) bool {
	if len(entries) == 0 {
		return true
	}
	vals := make([]int64, len(entries))
	for i, e := range entries {
		vals[i] = e.Value
	}
	sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
	return vals[len(vals)-1]-vals[0]+1 == int64(len(vals))
}

// minMax returns the lowest and highest value of an enum.
func (d *Definition) minMax() (lo, hi int64) {
	for i, e := range d.Entries {
		if i == 0 || e.Value < lo {
			lo = e.Value
		}
		if i == 0 || e.Value > hi {
			hi = e.Value
		}
	}
	return lo, hi
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// structDef lays out a struct; a member holding another struct lays that
// one out first.
func (rv *resolver) structDef(def *Definition) {
	if def.raw.laidOut || def.raw.layingOut {
		return
	}
	def.raw.layingOut = true
	defer func() { def.raw.layingOut, def.raw.laidOut = false, true }()
	def.CName = cLower(rv.f.IdentName + "-" + def.Name)
	if def.Header != "" {
		// Defined by that header under its own name (wireguard's
		// --kernel-timespec is struct __kernel_timespec).
		def.CName = cLower(def.Name)
	}
	offset, align := 0, 1
	seen := map[string]bool{}
	for _, m := range def.Members {
		if seen[m.Name] {
			rv.d.errorf(m.Pos, "definition %q: duplicate member %q", def.Name, m.Name)
		}
		seen[m.Name] = true
		m.CName = cLower(m.Name)
		if m.raw.enum.Value != "" {
			m.Enum = rv.enumRef(m.raw.enum, "member "+quote(m.Name))
		}
		size, a := m.Type.Width(), m.Type.Width()
		if ref := m.raw.structName; ref.Value != "" {
			inner := rv.f.defs[ref.Value]
			switch {
			case inner == nil || inner.Kind != DefStruct:
				rv.d.errorf(ref.Pos, "definition %q member %q: struct %q is not a struct definition%s", def.Name, m.Name, ref.Value, didYouMean(ref.Value, rv.defNames(DefStruct)))
			case inner.raw.layingOut:
				rv.d.errorf(ref.Pos, "definition %q member %q: struct %q contains itself", def.Name, m.Name, ref.Value)
			default:
				rv.structDef(inner)
				m.Struct = inner
				size, a = inner.Size, inner.align
				if m.raw.len.set {
					rv.d.errorf(m.raw.len.pos, "definition %q member %q: a struct member takes its length from struct %q", def.Name, m.Name, ref.Value)
				}
			}
		}
		if m.raw.len.set {
			n, expr, ok := rv.length(m.raw.len, "definition "+quote(def.Name)+" member "+quote(m.Name))
			if ok {
				m.Len, m.LenExpr = n, expr
			}
			if m.Type == TypeString || m.Type == TypeBinary {
				size, a = m.Len, 1
			}
		}
		if a == 0 {
			a = 1
		}
		offset = (offset + a - 1) / a * a
		m.Offset, m.Size = offset, size
		offset += size
		align = max(align, a)
	}
	def.Size = (offset + align - 1) / align * align
	def.align = align
}

// length resolves a len-or-define value.
func (rv *resolver) length(l lenRaw, what string) (int, string, bool) {
	if l.isNum {
		if l.num < 0 {
			rv.d.errorf(l.pos, "%s: length %d is negative", what, l.num)
			return 0, "", false
		}
		return int(l.num), "", true
	}
	lim, ok := rv.limitExpr(l.expr, l.pos, what, true)
	if !ok {
		return 0, "", false
	}
	v, _ := lim.Int64()
	if lim.Neg {
		rv.d.errorf(l.pos, "%s: length %q is negative", what, l.expr)
		return 0, "", false
	}
	return int(v), l.expr, true
}

func (rv *resolver) enumRef(ref posString, what string) *Definition {
	def := rv.f.defs[ref.Value]
	if def == nil {
		rv.d.errorf(ref.Pos, "%s: unknown enum %q%s", what, ref.Value, didYouMean(ref.Value, rv.defNames(DefEnum, DefFlags)))
		return nil
	}
	if !def.IsEnumLike() {
		rv.d.errorf(ref.Pos, "%s: %q is a %s, not an enum or flags", what, ref.Value, def.Kind)
		return nil
	}
	return def
}

func (rv *resolver) defNames(kinds ...DefKind) []string {
	var out []string
	for _, d := range rv.f.Definitions {
		for _, k := range kinds {
			if d.Kind == k {
				out = append(out, d.Name)
			}
		}
	}
	return out
}

func (rv *resolver) groups() {
	f := rv.f
	f.groups = map[string]*McastGroup{}
	for _, g := range f.McastGroups {
		if prev, dup := f.groups[g.Name]; dup {
			rv.d.errorf(g.Pos, "duplicate multicast group %q (first at line %d)", g.Name, prev.Pos.Line)
			continue
		}
		if len(g.Name) > 15 {
			rv.d.errorf(g.Pos, "multicast group name %q is longer than 15 bytes (GENL_NAMSIZ - 1)", g.Name)
		}
		f.groups[g.Name] = g
		g.CDefine = cUpper(orDefault(g.CDefine, f.IdentName+"-mcgrp-"+g.Name))
	}
	for _, op := range f.Ops.List {
		if op.raw.mcgrp.Value == "" {
			continue
		}
		op.McastGroup = f.groups[op.raw.mcgrp.Value]
		if op.McastGroup == nil {
			rv.d.errorf(op.raw.mcgrp.Pos, "operation %q: unknown multicast group %q%s", op.Name, op.raw.mcgrp.Value, didYouMean(op.raw.mcgrp.Value, groupNames(f)))
		}
		if !op.IsAsync() {
			rv.d.errorf(op.raw.mcgrp.Pos, "operation %q: \"mcgrp\" only applies to notifications and events", op.Name)
		}
	}
}

func groupNames(f *Family) []string {
	var out []string
	for _, g := range f.McastGroups {
		out = append(out, g.Name)
	}
	return out
}
