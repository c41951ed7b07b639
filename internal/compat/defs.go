package compat

import (
	"fmt"
	"strconv"

	"github.com/genlgen/genlgen/spec"
)

// defsPos is where a family's definitions are: the first one, or the
// family.
func defsPos(f *spec.Family) spec.Pos {
	if len(f.Definitions) > 0 {
		return f.Definitions[0].Pos
	}
	return f.Pos
}

// inUAPI reports whether a definition is part of the uAPI (the header
// genlgen writes, or the kernel header it names).
func inUAPI(d *spec.Definition) bool { return d.Scope == "" || d.Scope == "uapi" }

// definitions compares consts, enums, flags and structs. A definition is
// matched by name, or when renamed by its C name.
func (c *comparer) definitions() {
	pairs, removed, added := pairUp(c, c.old.Definitions, c.new.Definitions,
		func(d *spec.Definition) (string, bool) {
			if d.Kind == spec.DefStruct {
				return "struct " + layout(d), true
			}
			k := defCName(d)
			return string(d.Kind) + " " + k, k != ""
		}, defWhat, c.defs)
	for _, p := range pairs {
		c.definition(defWhat(p.old), p.old, p.new)
	}
	for _, d := range removed {
		if !inUAPI(d) {
			c.compatible("def-removed", d.Pos, defsPos(c.new), "%s: removed (it was not part of the uAPI: scope %s)", defWhat(d), d.Scope)
			continue
		}
		c.breaking(Both, "def-removed", d.Pos, defsPos(c.new), "%s: removed from the uAPI", defWhat(d))
	}
	for _, d := range added {
		c.compatible("def-added", defsPos(c.old), d.Pos, "%s: added", defWhat(d))
	}
}

// defCName is the C name a const or enum is known by: a const's define
// or an enum's tag ("" for an anonymous enum).
func defCName(d *spec.Definition) string {
	if d.Kind == spec.DefEnum || d.Kind == spec.DefFlags {
		return d.EnumName
	}
	return d.CName
}

func defWhat(d *spec.Definition) string { return fmt.Sprintf("%s %q", d.Kind, d.Name) }

// definition compares two versions of one definition: its kind and scope,
// then what its kind holds (a const's value, an enum's entries, a struct's
// layout), then its C names and documentation.
func (c *comparer) definition(what string, o, n *spec.Definition) {
	switch {
	case o.Kind != n.Kind:
		c.breaking(Both, "def-kind", o.Pos, n.Pos, "%s: is now a %s: its values mean other things", what, n.Kind)
		return
	case inUAPI(o) && !inUAPI(n):
		c.report(SourceBreaking, Both, "def-scope", o.Pos, n.Pos, "%s: scope %s: it leaves the uAPI header", what, n.Scope)
	case !inUAPI(o) && inUAPI(n):
		c.compatible("def-scope", o.Pos, n.Pos, "%s: now part of the uAPI", what)
	}
	c.header(what, o.Header, n.Header, o.Pos, n.Pos)
	// The C names of a definition another header holds are that header's,
	// whatever the spec computes: only the spec's own renderings compare.
	names := o.Header == "" && n.Header == ""
	switch o.Kind {
	case spec.DefConst:
		if ov, nv := constText(o), constText(n); ov != nv {
			c.breaking(Both, "const-value", o.Pos, n.Pos, "%s: value %s is now %s: both sides agree on it", what, ov, nv)
		}
		if names {
			c.cname(what, "C name", o.CName, n.CName, o.Pos, n.Pos)
		}
	case spec.DefEnum, spec.DefFlags:
		c.enumEntries(what, o, n, names)
		if names {
			c.cname(what, "enum tag", o.EnumName, n.EnumName, o.Pos, n.Pos)
			if o.RenderMax {
				c.cname(what, "max name", o.MaxName, n.MaxName, o.Pos, n.Pos)
			}
		}
	case spec.DefStruct:
		c.structMembers(what, o, n, names)
		if names {
			c.cname(what, "C name", o.CName, n.CName, o.Pos, n.Pos)
		}
	}
	c.doc(what, o.Doc, n.Doc, o.Pos, n.Pos)
}

// header notes a change of the C header that defines an item instead of
// the family's uAPI header: the family's header includes that one, so
// the names stay visible to C sources (spelled as that header has them).
func (c *comparer) header(what, oldHeader, newHeader string, old, new spec.Pos) {
	if oldHeader == newHeader {
		return
	}
	c.compatible("c-header", old, new, "%s: C definition now taken from %s, was %s (the family's uAPI header includes it; its names and values are that header's, whatever the spec says)", what, orNone(newHeader), orNone(oldHeader))
}

// constText is a const's value as the uAPI header has it.
func constText(d *spec.Definition) string {
	if d.IsString {
		return strconv.Quote(d.ValueExpr)
	}
	return strconv.FormatInt(d.Value, 10)
}

// enumEntries compares the entries of an enum or flags definition by name,
// or when renamed by value; names tells whether to compare C names.
func (c *comparer) enumEntries(what string, o, n *spec.Definition, names bool) {
	entryWhat := func(e *spec.EnumEntry) string { return fmt.Sprintf("%s entry %q", what, e.Name) }
	pairs, removed, added := pairUp(c, o.Entries, n.Entries,
		func(e *spec.EnumEntry) (string, bool) { return strconv.FormatUint(e.UserValue, 10), true }, entryWhat, nil)
	var oldMax uint64
	for _, e := range o.Entries {
		oldMax = max(oldMax, e.UserValue)
	}
	for _, p := range pairs {
		ew := entryWhat(p.old)
		if p.old.UserValue != p.new.UserValue {
			c.breaking(Both, "enum-value", p.old.Pos, p.new.Pos, "%s: value %s is now %s", ew, entryValue(o, p.old), entryValue(n, p.new))
		}
		if names {
			c.cname(ew, "C name", p.old.CName, p.new.CName, p.old.Pos, p.new.Pos)
		}
		c.doc(ew, p.old.Doc, p.new.Doc, p.old.Pos, p.new.Pos)
	}
	for _, e := range removed {
		c.breaking(Both, "enum-removed", e.Pos, n.Pos, "%s entry %q (value %s): removed", what, e.Name, entryValue(o, e))
	}
	for _, e := range added {
		where := "at the end"
		if e.UserValue < oldMax {
			where = "in a gap"
		}
		c.compatible("enum-added", o.Pos, e.Pos, "%s entry %q: added %s (value %s)", what, e.Name, where, entryValue(n, e))
	}
}

// entryValue spells an entry's value: "N" for an enum, "bit N (V)" for
// flags.
func entryValue(d *spec.Definition, e *spec.EnumEntry) string {
	if d.Kind == spec.DefFlags {
		return fmt.Sprintf("bit %d (%#x)", e.Value, e.UserValue)
	}
	return strconv.FormatInt(e.Value, 10)
}

// structMembers compares a struct's layout: every member's offset, size
// and wire type, and the struct's size; names tells whether to compare C
// names.
func (c *comparer) structMembers(what string, o, n *spec.Definition, names bool) {
	memberWhat := func(m *spec.StructMember) string { return fmt.Sprintf("%s member %q", what, m.Name) }
	pairs, removed, added := pairUp(c, o.Members, n.Members,
		func(m *spec.StructMember) (string, bool) { return fmt.Sprintf("%d+%d", m.Offset, m.Size), true }, memberWhat, nil)
	for _, p := range pairs {
		mo, mn := p.old, p.new
		mw := memberWhat(mo)
		switch {
		case mo.Offset != mn.Offset || mo.Size != mn.Size:
			c.breaking(Both, "member-layout", mo.Pos, mn.Pos, "%s: offset %d size %d is now offset %d size %d", mw, mo.Offset, mo.Size, mn.Offset, mn.Size)
		case mo.Type != mn.Type:
			c.breaking(Both, "member-type", mo.Pos, mn.Pos, "%s: type %s is now %s (same bytes, read otherwise)", mw, mo.Type, mn.Type)
		case mo.BigEndian != mn.BigEndian:
			c.breaking(Both, "member-byte-order", mo.Pos, mn.Pos, "%s: byte order %s is now %s", mw, byteOrder(mo.BigEndian), byteOrder(mn.BigEndian))
		}
		if names {
			c.cname(mw, "C name", mo.CName, mn.CName, mo.Pos, mn.Pos)
		}
		c.doc(mw, mo.Doc, mn.Doc, mo.Pos, mn.Pos)
	}
	for _, m := range removed {
		c.breaking(Both, "member-removed", m.Pos, n.Pos, "%s member %q (offset %d size %d): removed", what, m.Name, m.Offset, m.Size)
	}
	for _, m := range added {
		c.compatible("member-added", o.Pos, m.Pos, "%s member %q: added at offset %d", what, m.Name, m.Offset)
	}
	if o.Size != n.Size {
		c.breaking(Both, "struct-size", o.Pos, n.Pos, "%s: size %d is now %d bytes", what, o.Size, n.Size)
	}
}

func byteOrder(big bool) string {
	if big {
		return "big-endian"
	}
	return "host"
}

// layout spells a struct's layout, names aside: its size and each
// member's offset, size, type and byte order.
func layout(d *spec.Definition) string {
	s := strconv.Itoa(d.Size)
	for _, m := range d.Members {
		s += fmt.Sprintf(" %d+%d:%s:%v", m.Offset, m.Size, m.Type, m.BigEndian)
	}
	return s
}

// sameLayout reports whether two structs lay out the same bytes the same
// way (names aside).
func sameLayout(o, n *spec.Definition) bool { return layout(o) == layout(n) }

// fixedHeader compares the fixed header a message starts with.
func (c *comparer) fixedHeader(what string, o, n *spec.Definition, op, np spec.Pos) {
	switch {
	case o == nil && n == nil:
	case o == nil:
		c.breaking(Both, "fixed-header", op, np, "%s: messages now start with fixed header %q (%d bytes): every attribute moves", what, n.Name, n.Size)
	case n == nil:
		c.breaking(Both, "fixed-header", op, np, "%s: fixed header %q (%d bytes) is gone: every attribute moves", what, o.Name, o.Size)
	case c.defs[o] == n:
		// The same struct: its own comparison reports layout changes.
	case sameLayout(o, n):
		c.report(SourceBreaking, Both, "fixed-header", op, np, "%s: fixed header %q is now %q, laid out the same", what, o.Name, n.Name)
	default:
		c.breaking(Both, "fixed-header", op, np, "%s: fixed header %q (%d bytes) is now %q (%d bytes), laid out otherwise", what, o.Name, o.Size, n.Name, n.Size)
	}
}
