// Package compat compares two versions of a generic netlink family's spec
// and says what the change does to the programs and kernels built against
// the old one: the uAPI guard behind `genlgen -compat OLD NEW`.
//
// A family is a kernel ABI. Its numbers (attribute types, commands in each
// direction, enum and flags values, consts), its wire types, its struct
// layouts and its multicast group names are what old binaries hold; its
// checks, permissions and operation lists are what the kernel accepts. The
// comparison walks both resolved models (spec.Family) side by side,
// matching every node by its spec name (and, for a node whose name
// vanished, by its number: a rename), and reports each difference as one
// Finding with a Class, who it breaks and the positions of both versions.
//
// It also recovers the numbers genlgen's generated files hold (Scan,
// Renumbered), so regenerating into a directory can warn when a spec edit
// renumbered what programs built from those files use.
package compat

import (
	"fmt"
	"sort"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// Class is how bad a change is.
type Class string

// The classes, from worst to harmless.
const (
	// Breaking changes what binaries built against the old version see on
	// the wire or are allowed to do: exit status 1.
	Breaking Class = "breaking"
	// SourceBreaking keeps every number but renames something programs
	// spell: a C constant or tag of the uAPI header, or a spec name (which
	// YNL tools address and genlgen's Go identifiers derive from). Old
	// binaries keep working; their sources no longer compile unchanged.
	SourceBreaking Class = "source-breaking"
	// Compatible changes nothing an old binary relies on: additions,
	// loosened checks, less privilege.
	Compatible Class = "compatible"
	// DocOnly changes documentation only.
	DocOnly Class = "doc-only"
)

// Breaks says whom a breaking or source-breaking change breaks.
type Breaks string

// Whom a change breaks.
const (
	// Nobody is the value for compatible and documentation changes.
	Nobody Breaks = ""
	// UserSpace: programs built against the old version, talking to a
	// kernel that implements the new one (what the kernel promises never
	// to break).
	UserSpace Breaks = "user-space"
	// Kernel: the kernel side built or written against the old version —
	// a kernel implementing it, facing programs built against the new one,
	// or the family's handlers, which must change before they are correct
	// for the new one.
	Kernel Breaks = "kernel"
	// Both sides.
	Both Breaks = "both"
)

// Finding is one difference between the two versions.
type Finding struct {
	Class  Class  `json:"class"`
	Breaks Breaks `json:"breaks,omitempty"`
	// Code names the kind of change (e.g. "attr-value", "check-max"), for
	// tools and tests; Msg says it in words, naming the item.
	Code string `json:"code"`
	Msg  string `json:"message"`
	// Old and New are where the item is in each version. For an item
	// that exists in one version only, the other is the position of what
	// held it (its set, the operation list, the definitions).
	Old spec.Pos `json:"-"`
	New spec.Pos `json:"-"`
	// OldPos and NewPos are Old and New as file:line:col (for JSON).
	OldPos string `json:"old"`
	NewPos string `json:"new"`
}

// String renders the finding as one line led by the new position, the way
// compilers print diagnostics: "new:l:c: breaking (user space): msg (old
// old:l:c)".
func (f Finding) String() string {
	verdict := string(f.Class)
	if f.Breaks != Nobody {
		verdict += " (" + breaksText[f.Breaks] + ")"
	}
	return fmt.Sprintf("%s: %s: %s (old %s)", f.New, verdict, f.Msg, f.Old)
}

var breaksText = map[Breaks]string{UserSpace: "user space", Kernel: "kernel side", Both: "user space and kernel side"}

// HasBreaking reports whether any finding is Breaking.
func HasBreaking(fs []Finding) bool {
	for _, f := range fs {
		if f.Class == Breaking {
			return true
		}
	}
	return false
}

// Count returns how many findings each class holds.
func Count(fs []Finding) map[Class]int {
	n := map[Class]int{}
	for _, f := range fs {
		n[f.Class]++
	}
	return n
}

// Compare returns every difference between old and new: the breaking
// ones first, then source-breaking, compatible and doc-only, each class in
// the order of the spec (family, definitions, attribute sets, operations,
// multicast groups; within each, old's order, then what new adds).
func Compare(old, new *spec.Family) []Finding {
	c := &comparer{old: old, new: new, oldUse: attrUsage(old), newUse: attrUsage(new),
		sets: map[*spec.AttrSet]*spec.AttrSet{}, defs: map[*spec.Definition]*spec.Definition{}, attrs: map[*spec.Attr]*spec.Attr{}}
	c.family()
	c.definitions()
	c.attrSets()
	c.operations()
	c.groups()
	for i := range c.out {
		c.out[i].OldPos, c.out[i].NewPos = c.out[i].Old.String(), c.out[i].New.String()
	}
	// Keep the walk's order, which follows the spec, but put breaking
	// findings first so a reader (and a CI log) sees them first.
	sort.SliceStable(c.out, func(i, j int) bool { return classRank[c.out[i].Class] < classRank[c.out[j].Class] })
	return c.out
}

var classRank = map[Class]int{Breaking: 0, SourceBreaking: 1, Compatible: 2, DocOnly: 3}

// comparer holds the two models and what has been found so far.
type comparer struct {
	old, new       *spec.Family
	oldUse, newUse usage
	// sets, defs and attrs map each old node to the new node it became
	// (same name, or renamed keeping its number), so references compare
	// across renames. attrs holds the attributes of root sets.
	sets  map[*spec.AttrSet]*spec.AttrSet
	defs  map[*spec.Definition]*spec.Definition
	attrs map[*spec.Attr]*spec.Attr
	out   []Finding
}

// report records a finding; msg is formatted with args.
func (c *comparer) report(class Class, who Breaks, code string, old, new spec.Pos, format string, args ...any) {
	c.out = append(c.out, Finding{Class: class, Breaks: who, Code: code, Msg: fmt.Sprintf(format, args...), Old: old, New: new})
}

// breaking records a Breaking finding.
func (c *comparer) breaking(who Breaks, code string, old, new spec.Pos, format string, args ...any) {
	c.report(Breaking, who, code, old, new, format, args...)
}

// compatible records a Compatible finding.
func (c *comparer) compatible(code string, old, new spec.Pos, format string, args ...any) {
	c.report(Compatible, Nobody, code, old, new, format, args...)
}

// doc records a DocOnly finding when the two texts differ.
func (c *comparer) doc(what string, oldDoc, newDoc string, old, new spec.Pos) {
	if oldDoc != newDoc {
		c.report(DocOnly, Nobody, "doc", old, new, "%s: documentation changed", what)
	}
}

// cname records a SourceBreaking finding when a C name changed. kind names
// the C name ("C name", "enum tag", "max name"); an empty name is "none".
func (c *comparer) cname(what, kind, oldName, newName string, old, new spec.Pos) {
	if oldName == newName {
		return
	}
	c.report(SourceBreaking, Both, "c-name", old, new, "%s: %s %s is now %s (the wire unchanged: binaries keep working; C sources spelling the old name no longer build)",
		what, kind, orNone(oldName), orNone(newName))
}

// renamed records the SourceBreaking finding for an item whose spec name
// changed while what the wire carries stayed (its number, its layout):
// YNL tools address it by the new name, and the generated Go identifier
// may change with it. A changed C name is reported apart (cname).
func (c *comparer) renamed(what, newName, oldGo, newGo string, old, new spec.Pos) {
	goName := ""
	if oldGo != newGo {
		goName = fmt.Sprintf("; Go name %s is now %s", oldGo, newGo)
	}
	c.report(SourceBreaking, Both, "renamed", old, new, "%s: renamed to %q, the wire unchanged (YNL tools spell the new name%s)", what, newName, goName)
}

// orNone spells an empty name.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// pair is an old node and the new node it became.
type pair[T any] struct{ old, new T }

// named is what matching and a rename report need of a node: its spec
// name, its Go identifier and its position.
type named struct {
	name, goName string
	pos          spec.Pos
}

// nodeInfo returns what matching needs of every kind of node compared.
func nodeInfo(x any) named {
	switch x := x.(type) {
	case *spec.Definition:
		return named{x.Name, x.GoName, x.Pos}
	case *spec.EnumEntry:
		return named{x.Name, x.GoName, x.Pos}
	case *spec.StructMember:
		return named{x.Name, x.GoName, x.Pos}
	case *spec.AttrSet:
		return named{x.Name, x.GoName, x.Pos}
	case *spec.Attr:
		return named{x.Name, x.GoName, x.Pos}
	case *spec.Op:
		return named{x.Name, x.GoName, x.Pos}
	case *spec.McastGroup:
		return named{x.Name, x.GoName, x.Pos}
	}
	panic(fmt.Sprintf("compat: no node info for %T", x))
}

// pairUp matches old and new nodes (match), records each pair in seen
// when it is not nil (before anything is compared, so references compare
// across renames), and reports every renamed node, what describing it.
func pairUp[T comparable](c *comparer, old, new []T, key func(T) (string, bool), what func(T) string, seen map[T]T) (pairs []pair[T], removed, added []T) {
	pairs, renamed, removed, added := match(old, new, key)
	for _, p := range pairs {
		if seen != nil {
			seen[p.old] = p.new
		}
		if renamed[p.old] {
			o, n := nodeInfo(p.old), nodeInfo(p.new)
			c.renamed(what(p.old), n.name, o.goName, n.goName, o.pos, n.pos)
		}
	}
	return pairs, removed, added
}

// match pairs old and new nodes: by name; then, for the nodes left, by
// name with underscores read as dashes (7.3's specs respelled 6.12's
// names so); then by key (their number, or another identity that
// survives a rename). Nodes paired by anything but their exact name are
// renamed. It returns the pairs in old's order, and what is only in old
// (removed) or only in new (added), in their own orders. A nil key pairs
// by name only.
func match[T comparable](old, new []T, key func(T) (string, bool)) (pairs []pair[T], renamed map[T]bool, removed, added []T) {
	name := func(x T) string { return nodeInfo(x).name }
	found := map[T]T{}
	used := map[T]bool{}
	renamed = map[T]bool{}
	pass := func(k func(T) (string, bool), rename bool) {
		byKey := map[string]T{}
		for _, n := range new {
			if s, ok := k(n); ok && !used[n] {
				if _, dup := byKey[s]; !dup {
					byKey[s] = n
				}
			}
		}
		for _, o := range old {
			if _, done := found[o]; done {
				continue
			}
			s, ok := k(o)
			if n, hit := byKey[s]; ok && hit && !used[n] {
				used[n], found[o], renamed[o] = true, n, rename
			}
		}
	}
	pass(func(x T) (string, bool) { return name(x), true }, false)
	pass(func(x T) (string, bool) { return strings.ReplaceAll(name(x), "_", "-"), true }, true)
	if key != nil {
		pass(key, true)
	}
	for _, o := range old {
		if n, ok := found[o]; ok {
			pairs = append(pairs, pair[T]{o, n})
		} else {
			removed = append(removed, o)
		}
	}
	for _, n := range new {
		if !used[n] {
			added = append(added, n)
		}
	}
	return pairs, renamed, removed, added
}
