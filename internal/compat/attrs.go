package compat

import (
	"fmt"
	"strconv"

	"github.com/genlgen/genlgen/spec"
)

// setsPos is where a family's attribute sets are: the first one, or the
// family.
func setsPos(f *spec.Family) spec.Pos {
	if len(f.AttrSets) > 0 {
		return f.AttrSets[0].Pos
	}
	return f.Pos
}

func setWhat(s *spec.AttrSet) string { return fmt.Sprintf("attribute set %q", s.Name) }

func attrWhat(a *spec.Attr) string { return fmt.Sprintf("attribute %q of set %q", a.Name, a.Set.Name) }

// used reports whether messages carry the set at all.
func used(s *spec.AttrSet) bool { return s.UsedInRequest || s.UsedInReply }

// attrSets compares attribute sets, matched by name or, for a renamed
// set, by its C prefix. Every pair is recorded first, so a nest's target
// compares across renames.
func (c *comparer) attrSets() {
	pairs, removed, added := pairUp(c, c.old.AttrSets, c.new.AttrSets,
		func(s *spec.AttrSet) (string, bool) { return s.NamePrefix, s.SubsetOf == nil }, setWhat, c.sets)
	for _, p := range pairs {
		o, n := p.old, p.new
		what := setWhat(o)
		if o.SubsetOf != nil && n.SubsetOf != nil {
			c.subsetAttrs(what, o, n)
		} else {
			c.rootAttrs(what, o, n)
		}
		if o.SubsetOf == nil && n.SubsetOf == nil {
			c.header(what, o.Header, n.Header, o.Pos, n.Pos)
		}
		if setNames(o, n) {
			// Count names (__X_MAX, __X_CNT) are private by the kernel's
			// convention, so only the enum tag and max name are compared.
			c.cname(what, "enum tag", o.EnumName, n.EnumName, o.Pos, n.Pos)
			c.cname(what, "max name", o.MaxName, n.MaxName, o.Pos, n.Pos)
		}
		c.doc(what, o.Doc, n.Doc, o.Pos, n.Pos)
	}
	for _, s := range removed {
		switch {
		case s.SubsetOf != nil:
			c.compatible("set-removed", s.Pos, setsPos(c.new), "%s: subset of %q removed (the attributes nesting it say what changes)", setWhat(s), s.SubsetOf.Name)
		case used(s):
			c.breaking(Both, "set-removed", s.Pos, setsPos(c.new), "%s: removed with its %d attributes", setWhat(s), len(s.Attrs))
		default:
			c.report(SourceBreaking, Both, "set-removed", s.Pos, setsPos(c.new), "%s: removed; no message carried it, but its C enum is gone", setWhat(s))
		}
	}
	for _, s := range added {
		c.compatible("set-added", setsPos(c.old), s.Pos, "%s: added", setWhat(s))
	}
}

// setNames reports whether the C names of a set compare: both versions
// number their own attributes and render them in the family's header
// (the names of a set another header holds are that header's).
func setNames(o, n *spec.AttrSet) bool {
	return o.SubsetOf == nil && n.SubsetOf == nil && o.Header == "" && n.Header == ""
}

// rootAttrs compares the attributes of two sets that number their own:
// matched by name, or for a renamed attribute by value.
func (c *comparer) rootAttrs(what string, os, ns *spec.AttrSet) {
	pairs, removed, added := pairUp(c, os.Attrs, ns.Attrs,
		func(a *spec.Attr) (string, bool) { return strconv.FormatUint(a.Value, 10), true }, attrWhat, c.attrs)
	for _, p := range pairs {
		o, n := p.old, p.new
		aw := attrWhat(o)
		if o.Value != n.Value {
			c.breaking(Both, "attr-value", o.Pos, n.Pos, "%s: value %d is now %d", aw, o.Value, n.Value)
		}
		c.attr(aw, o, n)
		if setNames(os, ns) {
			c.cname(aw, "C name", o.CName, n.CName, o.Pos, n.Pos)
		}
		c.doc(aw, o.Doc, n.Doc, o.Pos, n.Pos)
	}
	for _, a := range removed {
		if retired(a.Type) {
			c.report(SourceBreaking, Both, "attr-removed", a.Pos, ns.Pos, "%s (%s, value %d): removed; it carried nothing, but its C name is gone", attrWhat(a), a.Type, a.Value)
			continue
		}
		c.breaking(Both, "attr-removed", a.Pos, ns.Pos, "%s (value %d): removed", attrWhat(a), a.Value)
	}
	for _, a := range added {
		switch {
		case retired(a.Type):
			c.compatible("attr-added", os.Pos, a.Pos, "%s: added (%s, value %d: it carries nothing)", attrWhat(a), a.Type, a.Value)
		case a.Value > os.MaxValue:
			c.compatible("attr-added", os.Pos, a.Pos, "%s: added at the end (value %d)", attrWhat(a), a.Value)
		default:
			c.compatible("attr-added", os.Pos, a.Pos, "%s: added in a gap (value %d)", attrWhat(a), a.Value)
		}
	}
}

// subsetAttrs compares two subsets: which attributes of the parent they
// carry, and what those nest.
func (c *comparer) subsetAttrs(what string, os, ns *spec.AttrSet) {
	if c.sets[os.SubsetOf] != ns.SubsetOf {
		c.breaking(Both, "subset-of", os.Pos, ns.Pos, "%s: now a subset of %q (was %q)", what, ns.SubsetOf.Name, os.SubsetOf.Name)
		return
	}
	pairs, _, removed, added := match(os.Attrs, ns.Attrs, nil)
	for _, p := range pairs {
		c.nestTarget(attrWhat(p.old), p.old, p.new)
	}
	c.members(what, os, ns, removed, added)
}

// members reports the attributes a set's nest lost and gained: one lost
// from a subset that messages carry breaks old programs (the kernel no
// longer accepts or sends it there).
func (c *comparer) members(what string, os, ns *spec.AttrSet, removed, added []*spec.Attr) {
	for _, a := range removed {
		if used(os) {
			c.breaking(UserSpace, "subset-removed", a.Pos, ns.Pos, "%s: no longer carries %q (%s)", what, a.Name, direction(os))
		} else {
			c.compatible("subset-removed", a.Pos, ns.Pos, "%s: no longer lists %q (no message carries the set)", what, a.Name)
		}
	}
	for _, a := range added {
		c.compatible("subset-added", os.Pos, a.Pos, "%s: now carries %q", what, a.Name)
	}
}

// direction says where a set is carried, for messages.
func direction(s *spec.AttrSet) string {
	switch {
	case s.UsedInRequest && s.UsedInReply:
		return "in requests and replies"
	case s.UsedInRequest:
		return "in requests"
	}
	return "in replies"
}

// attr compares everything but the number and the names of two versions
// of one attribute.
func (c *comparer) attr(what string, o, n *spec.Attr) {
	ou, nu := c.oldUse.of(o), c.newUse.of(n)
	req, rsp := ou[0] || nu[0], ou[1] || nu[1]
	if !req && !rsp {
		// No message carries it: judge it as if both did.
		req, rsp = true, true
	}
	if o.Type != n.Type {
		class, who, why := typeChange(o.Type, n.Type, req, rsp)
		c.report(class, who, "attr-type", o.Pos, n.Pos, "%s: type %s is now %s: %s", what, o.Type, n.Type, why)
		if class == Breaking {
			return
		}
	}
	if o.SubType != n.SubType {
		c.breaking(Both, "attr-sub-type", o.Pos, n.Pos, "%s: sub-type %s is now %s", what, orNone(string(o.SubType)), orNone(string(n.SubType)))
	}
	if o.BigEndian != n.BigEndian {
		c.breaking(Both, "attr-byte-order", o.Pos, n.Pos, "%s: byte order %s is now %s", what, byteOrder(o.BigEndian), byteOrder(n.BigEndian))
	}
	if o.Len != n.Len {
		c.breaking(Both, "attr-len", o.Pos, n.Pos, "%s: fixed length %d is now %d bytes", what, o.Len, n.Len)
	}
	c.nestTarget(what, o, n)
	if o.MultiAttr != n.MultiAttr {
		c.multiAttr(what, o, n, req, rsp)
	}
	c.attrStruct(what, o, n)
	c.attrEnum(what, o, n)
	if o.DisplayHint != n.DisplayHint {
		c.report(DocOnly, Nobody, "display-hint", o.Pos, n.Pos, "%s: display hint %s is now %s", what, orNone(o.DisplayHint), orNone(n.DisplayHint))
	}
	// A check matters where old programs could send the attribute and
	// the new kernel still takes it.
	var unchecked string
	switch {
	case !ou[0]:
		unchecked = "no old request could carry it"
	case !nu[0]:
		unchecked = "no request carries it now"
	}
	c.checks(what, o, n, unchecked)
}

// usage tells, for each attribute (by the node of its root set), whether
// requests ([0]) and replies or notifications ([1]) may carry it: listed
// by an operation, or inside a nest that one lists. Under the global
// policy a request may carry every attribute of its operation's set.
type usage map[*spec.Attr]*[2]bool

// rootAttr is the attribute of the root set a subset's entry mirrors.
func rootAttr(a *spec.Attr) *spec.Attr {
	if a.Parent != nil {
		return a.Parent
	}
	return a
}

func attrUsage(f *spec.Family) usage {
	u := usage{}
	seen := [2]map[*spec.AttrSet]bool{{}, {}}
	var walk func(attrs []*spec.Attr, dir int)
	walk = func(attrs []*spec.Attr, dir int) {
		for _, a := range attrs {
			r := rootAttr(a)
			if u[r] == nil {
				u[r] = &[2]bool{}
			}
			u[r][dir] = true
			if n := a.Nested; n != nil && !seen[dir][n] {
				seen[dir][n] = true
				walk(n.Attrs, dir)
			}
		}
	}
	for _, op := range f.Ops.List {
		for _, m := range []*spec.OpMode{op.Do, op.Dump} {
			if m == nil {
				continue
			}
			req := msgAttrs(m.Request)
			if m.Request != nil && !restricts(f.KernelPolicy) && op.AttrSet != nil {
				req = op.AttrSet.Attrs
			}
			walk(req, 0)
			walk(msgAttrs(m.Reply), 1)
		}
		if op.IsAsync() {
			walk(ntfAttrs(op), 1)
		}
	}
	return u
}

// of returns whether requests and replies carry a.
func (u usage) of(a *spec.Attr) [2]bool {
	if d := u[rootAttr(a)]; d != nil {
		return *d
	}
	return [2]bool{}
}

// nestTarget compares the set a nested attribute carries.
func (c *comparer) nestTarget(what string, o, n *spec.Attr) {
	on, nn := o.Nested, n.Nested
	switch {
	case on == nil && nn == nil, on != nil && nn != nil && c.sets[on] == nn:
	case on != nil && nn != nil && c.sets[on.Root()] == nn.Root():
		// Narrowed or widened within one root set: what matters is which
		// attributes the nest still holds.
		_, _, removed, added := match(on.Attrs, nn.Attrs, nil)
		c.members(fmt.Sprintf("%s (nesting %q, was %q)", what, nn.Name, on.Name), on, nn, removed, added)
	default:
		c.breaking(Both, "attr-nest", o.Pos, n.Pos, "%s: nests %s, was %s: its attributes mean other things", what, setName(nn), setName(on))
	}
}

func setName(s *spec.AttrSet) string {
	if s == nil {
		return "nothing"
	}
	return strconv.Quote(s.Name)
}

// multiAttr judges a change of multi-attr by direction: repeated where
// the reader expected one breaks the reader; one where the writer sent
// several breaks the writer's code.
func (c *comparer) multiAttr(what string, o, n *spec.Attr, req, rsp bool) {
	var who Breaks
	var why string
	if n.MultiAttr {
		// The kernel's handlers must take every copy in requests; old
		// programs read one copy of a reply attribute.
		who = side(req, Kernel, rsp, UserSpace)
		why = "it may now be repeated"
	} else {
		// Old programs send several copies and the kernel keeps one; the
		// kernel's handlers that sent several must send one.
		who = side(req, UserSpace, rsp, Kernel)
		why = "it may no longer be repeated"
	}
	c.breaking(who, "attr-multi-attr", o.Pos, n.Pos, "%s: multi-attr %v is now %v: %s", what, o.MultiAttr, n.MultiAttr, why)
}

// side merges whom a change breaks in requests and in replies.
func side(req bool, inReq Breaks, rsp bool, inRsp Breaks) Breaks {
	switch {
	case req && rsp && inReq != inRsp:
		return Both
	case req:
		return inReq
	case rsp:
		return inRsp
	}
	return Nobody
}

// attrStruct compares the struct a binary attribute carries.
func (c *comparer) attrStruct(what string, o, n *spec.Attr) {
	os, ns := o.Struct, n.Struct
	switch {
	case os == nil && ns == nil, os != nil && ns != nil && c.defs[os] == ns:
	case os == nil:
		c.compatible("attr-struct", o.Pos, n.Pos, "%s: its bytes are now described as struct %q", what, ns.Name)
	case ns == nil:
		c.compatible("attr-struct", o.Pos, n.Pos, "%s: its bytes are no longer described as struct %q", what, os.Name)
	case sameLayout(os, ns):
		c.report(SourceBreaking, Both, "attr-struct", o.Pos, n.Pos, "%s: carries struct %q, laid out as %q was", what, ns.Name, os.Name)
	default:
		c.breaking(Both, "attr-struct", o.Pos, n.Pos, "%s: carries struct %q (%d bytes), was %q (%d bytes)", what, ns.Name, ns.Size, os.Name, os.Size)
	}
}

// attrEnum compares the enum an attribute's values are named by; what
// it validates is compared with the checks.
func (c *comparer) attrEnum(what string, o, n *spec.Attr) {
	oe, ne := o.Enum, n.Enum
	switch {
	case oe == nil && ne == nil, oe != nil && ne != nil && c.defs[oe] == ne:
	case oe == nil:
		c.compatible("attr-enum", o.Pos, n.Pos, "%s: values now named by %s %q", what, ne.Kind, ne.Name)
	case ne == nil:
		c.report(SourceBreaking, Both, "attr-enum", o.Pos, n.Pos, "%s: values no longer named by %s %q", what, oe.Kind, oe.Name)
	default:
		c.report(SourceBreaking, Both, "attr-enum", o.Pos, n.Pos, "%s: values now named by %s %q, was %s %q", what, ne.Kind, ne.Name, oe.Kind, oe.Name)
	}
}
