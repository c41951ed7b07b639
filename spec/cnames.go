package spec

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// What a spec's names may be. A name from a spec becomes file names (the
// family's), C identifiers and macros, Go identifiers, #include lines and
// Kbuild lines; genlgen may run in CI on specs from pull requests, so
// each is checked against what it becomes, not only against the kernel's
// schemas, whose patterns (namePattern and the like, schema.go) are
// looser where C needs more (genetlink-c's names are free-form) and
// stricter where C needs less (the 7.3 schemas ask for lower case).
var (
	// familyNameRE: the family's name stems the generated files
	// (<name>.h, <name>-nl.c, ...), the module and every C identifier.
	familyNameRE = regexp.MustCompile(`^[A-Za-z_][0-9A-Za-z_-]*$`)
	// elementNameRE: the names of definitions, entries, members, sets,
	// attributes, operations and groups end C and Go identifiers.
	elementNameRE = regexp.MustCompile(`^[0-9A-Za-z_-]+$`)
	// cPartRE: keys that give a C name or a part of one (name-prefix,
	// enum-name, c-define-name, ...), before dashes become underscores.
	cPartRE = regexp.MustCompile(`^[0-9A-Za-z_-]*$`)
	// headerRE: a header the generated C includes (uapi-header, header,
	// kernel-family's headers), as in #include <linux/if_team.h>.
	headerRE = regexp.MustCompile(`^[0-9A-Za-z_+-]+(\.[0-9A-Za-z_+-]+)*(/[0-9A-Za-z_+-]+(\.[0-9A-Za-z_+-]+)*)*$`)
	// sockPrivRE: kernel-family's sock-priv, a C type.
	sockPrivRE = regexp.MustCompile(`^(struct )?[A-Za-z_][0-9A-Za-z_]*$`)
	// cIdentRE: what every C name the model computes must be.
	cIdentRE = regexp.MustCompile(`^[A-Za-z_][0-9A-Za-z_]*$`)
)

// nameProblem is what is wrong with the name s of an object of the given
// kind ("spec", "attribute", ...), or "".
func nameProblem(kind, s string) string {
	if kind == "spec" {
		if !familyNameRE.MatchString(s) {
			return fmt.Sprintf("family name %q must start with a letter or '_' and hold only letters, digits, '-' and '_': it names the generated files, the kernel module and the C identifiers", s)
		}
		return ""
	}
	if !elementNameRE.MatchString(s) {
		return fmt.Sprintf("%s name %q must hold only letters, digits, '-' and '_' (and at least one): it becomes part of C and Go identifiers", kind, s)
	}
	return ""
}

// matching returns the value of key if it is empty or matches re, and
// otherwise reports it, rule saying what it must be.
func (o *object) matching(key string, re *regexp.Regexp, rule string) string {
	s := o.str(key)
	if s != "" && !re.MatchString(s) {
		o.r.diag.errorf(o.posOf(key), "%s: %q is %q: %s", o.what, key, s, rule)
		return ""
	}
	return s
}

const (
	cPartRule  = "it becomes (part of) a C identifier, so it may hold only letters, digits, '-' and '_'"
	headerRule = "a header the generated C includes must be a relative path of letters, digits and '_', '-', '+', '.' (no '..', no empty part)"
)

// cPart returns the value of a key that gives (a part of) a C name.
func (o *object) cPart(key string) string { return o.matching(key, cPartRE, cPartRule) }

// cFunc returns the value of a key that names a C function (a hook).
func (o *object) cFunc(key string) string {
	s := o.cPart(key)
	if c := cLower(s); s != "" && (!cIdentRE.MatchString(c) || cKeywords[c]) {
		o.r.diag.errorf(o.posOf(key), "%s: %q is %q, which is %q in C: not a function name", o.what, key, s, c)
		return ""
	}
	return s
}

// nullableCPart is nullableName for a key that gives a C name.
func (o *object) nullableCPart(key string) (string, bool) {
	s, present := o.nullableName(key)
	if !cPartRE.MatchString(s) {
		o.r.diag.errorf(o.posOf(key), "%s: %q is %q: %s", o.what, key, s, cPartRule)
		return "", present
	}
	return s, present
}

// header returns the value of a key naming a header to include.
func (o *object) header(key string) string { return o.matching(key, headerRE, headerRule) }

// headers returns the items of a list of headers to include.
func (o *object) headers(key string) []string {
	var out []string
	for _, h := range o.strList(key) {
		if !headerRE.MatchString(h.Value) {
			o.r.diag.errorf(h.Pos, "%s: %q holds %q: %s", o.what, key, h.Value, headerRule)
			continue
		}
		out = append(out, h.Value)
	}
	return out
}

// textProblem is what is wrong with a string of the spec, or "": every
// string may end up in a generated file, in a comment at least, so none
// may hold a control character but tab and newline (a NUL is not even
// legal Go source; an escape sequence would reach a terminal that shows
// the file) or a bidirectional formatting character, which can make
// generated code read otherwise than it compiles (CVE-2021-42574).
func textProblem(s string) string {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case unicode.IsControl(r):
			return fmt.Sprintf("holds the control character %U, which the generated files cannot carry", r)
		case r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			return fmt.Sprintf("holds %U, a bidirectional formatting character, which can make generated code read otherwise than it compiles", r)
		}
	}
	return ""
}

// fileNameProblem rejects a spec file whose name the generated files
// could not print in their banners ("Code generated by genlgen from
// NAME"): a control character (a newline would start a Kbuild line), a
// backslash (it would continue a Kbuild comment onto the next line) or
// "*/" (it would end a C comment).
func fileNameProblem(file string) *Diagnostic {
	base := filepath.Base(file)
	if !strings.ContainsFunc(base, unicode.IsControl) && !strings.ContainsAny(base, `\`) && !strings.Contains(base, "*/") {
		return nil
	}
	return &Diagnostic{Pos: Pos{File: file, Line: 1, Col: 1},
		Msg: fmt.Sprintf("the spec's file name %q cannot be printed in the banners of the generated files: rename it without control characters, '\\' or \"*/\"", base)}
}

// IsCKeyword reports whether s is a C keyword (or one of the kernel's
// bool literals), which a spec name cannot stand for as it is: a struct
// member or a hook spelled so is an error, and the kernel generator
// renames an attribute's helper member so.
func IsCKeyword(s string) bool { return cKeywords[s] }

var cKeywords = map[string]bool{
	"auto": true, "break": true, "case": true, "char": true, "const": true, "continue": true,
	"default": true, "do": true, "double": true, "else": true, "enum": true, "extern": true,
	"float": true, "for": true, "goto": true, "if": true, "inline": true, "int": true, "long": true,
	"register": true, "restrict": true, "return": true, "short": true, "signed": true, "sizeof": true,
	"static": true, "struct": true, "switch": true, "typedef": true, "union": true, "unsigned": true,
	"void": true, "volatile": true, "while": true, "bool": true, "true": true, "false": true,
}

// cNamespace is one scope of C names: every name in it belongs to one
// spec element, or two spec names give C one identifier for two things.
type cNamespace struct {
	rv    *resolver
	names map[string]cOwner
}

// cOwner is the spec element a C name stands for.
type cOwner struct {
	what string // `attribute "set.name"`
	pos  Pos
	// role, for a name genlgen derives rather than one the spec gives
	// (a set's maximum or count, say), is what the name is: "maximum".
	// Such a name is left out of the uAPI header when a spec name took
	// it first (the kernel's 6.12 ethtool spec has an attribute "max"
	// in a set whose maximum would have its name), which is a warning;
	// a spec name that comes after it would be lost, which is an error.
	role string
	// shared, when not "", lets another owner with the same shared
	// value declare the name too: two sets with one name-prefix give
	// the same attribute (of the same value), the same max names and
	// the same enum tag, which the uAPI header declares once.
	shared string
}

// claim records that o becomes the C name cname, reporting a name that
// is not a C identifier or that another element already became. Names
// are claimed in the order the uAPI header declares them.
func (ns *cNamespace) claim(cname string, o cOwner) {
	if !cIdentRE.MatchString(cname) {
		ns.rv.d.errorf(o.pos, "%s becomes %q in C, which is not a C identifier (a letter or '_', then letters, digits and '_')", o.what, cname)
		return
	}
	prev, taken := ns.names[cname]
	if !taken {
		ns.names[cname] = o
		return
	}
	if prev.what == o.what && prev.role == o.role || (o.shared != "" && o.shared == prev.shared) {
		return
	}
	key := prev.what + "\x00" + prev.role + "\x00" + o.what + "\x00" + o.role
	if ns.rv.cPairs[key] {
		return
	}
	ns.rv.cPairs[key] = true
	switch {
	case o.role != "":
		ns.rv.d.warnf(o.pos, "%s: its %s would be %s in C, which %s (at %s) already is: the uAPI header leaves the %s out",
			o.what, o.role, cname, prev.describe(), prev.pos, o.role)
	case prev.role != "":
		ns.rv.d.errorf(o.pos, "%s becomes %s in C, which is already %s (at %s): rename one", o.what, cname, prev.describe(), prev.pos)
	default:
		first, second := prev, o
		if posBefore(o.pos, prev.pos) {
			first, second = o, prev
		}
		ns.rv.d.errorf(second.pos, "%s and %s (at %s) both become %s in C: rename one", second.what, first.what, first.pos, cname)
	}
}

// describe names o as the owner of a name: `attribute "s.a"`, or `the
// maximum of attribute set "s"`.
func (o cOwner) describe() string {
	if o.role != "" {
		return "the " + o.role + " of " + o.what
	}
	return o.what
}

// namespace is an empty scope of C identifiers for cNames.
func (rv *resolver) namespace() *cNamespace {
	return &cNamespace{rv: rv, names: map[string]cOwner{}}
}

// cNames checks the C names of the model: each is a C identifier, and no
// two spec names give one C identifier in the same scope (where the
// kernel's rules, dashes as underscores and case folded, give foo-bar and
// foo_bar one name, C would get one enum entry, policy, handler or define
// for two things, or refuse to build). The scopes: the macros and enum
// entries of the uAPI header, the enum and struct tags, the stems of the
// sets' policies and helpers, the stems of the operations' handlers, and
// each struct's members.
//
// Go is not checked here: Go names are given out by goNames, which
// renames (a suffix) what would collide in Go only, such as foo-1 and
// foo1 (Foo1 both): C keeps the two apart, so the spec is fine.
func (rv *resolver) cNames() {
	f := rv.f
	rv.cPairs = map[string]bool{}
	macros, tags, sets, ops := rv.namespace(), rv.namespace(), rv.namespace(), rv.namespace()
	fam := cOwner{what: "the family (" + quote(f.Name) + ")", pos: f.Pos}
	macros.claim(f.CFamilyNameDefine, fam)
	macros.claim(f.CVersionDefine, fam)
	for _, def := range f.Definitions {
		o := cOwner{what: "definition " + quote(def.Name), pos: def.Pos}
		switch def.Kind {
		case DefConst:
			macros.claim(def.CName, o)
		case DefEnum, DefFlags:
			if def.EnumName != "" {
				tags.claim(def.EnumName, o)
			}
			for _, e := range def.Entries {
				macros.claim(e.CName, cOwner{what: "entry " + quote(def.Name+"."+e.Name), pos: e.Pos})
			}
			if def.RenderMax && def.Kind == DefFlags {
				macros.claim(def.MaxName, cOwner{what: o.what, pos: o.pos, role: "mask"})
			} else if def.RenderMax {
				macros.claim(def.EnumCntName, cOwner{what: o.what, pos: o.pos, role: "count"})
				macros.claim(def.MaxName, cOwner{what: o.what, pos: o.pos, role: "maximum"})
			}
		case DefStruct:
			tags.claim(def.CName, o)
			members := rv.namespace()
			for _, m := range def.Members {
				mo := cOwner{what: "member " + quote(def.Name+"."+m.Name), pos: m.Pos}
				if cKeywords[m.CName] {
					rv.d.errorf(m.Pos, "%s becomes the C keyword %q: rename it", mo.what, m.CName)
					continue
				}
				members.claim(m.CName, mo)
			}
		}
	}
	for _, s := range f.AttrSets {
		o := cOwner{what: "attribute set " + quote(s.Name), pos: s.Pos}
		sets.claim(s.CName, o)
		if s.SubsetOf != nil {
			continue
		}
		shared := "prefix " + s.NamePrefix
		if s.EnumName != "" {
			tags.claim(s.EnumName, cOwner{what: o.what, pos: o.pos, shared: shared})
		}
		for _, a := range s.Attrs {
			macros.claim(a.CName, cOwner{what: "attribute " + quote(s.Name+"."+a.Name), pos: a.Pos,
				shared: fmt.Sprintf("attribute %s = %d", a.Name, a.Value)})
		}
		macros.claim(s.CntName, cOwner{what: o.what, pos: o.pos, role: "count", shared: shared})
		macros.claim(s.MaxName, cOwner{what: o.what, pos: o.pos, role: "maximum", shared: shared})
	}
	ol := &f.Ops
	opsOwner := cOwner{what: "operations", pos: ol.Pos}
	if ol.EnumName != "" {
		tags.claim(ol.EnumName, opsOwner)
	}
	if ol.AsyncEnumName != "" {
		tags.claim(ol.AsyncEnumName, opsOwner)
	}
	for _, op := range ol.List {
		o := cOwner{what: "operation " + quote(op.Name), pos: op.Pos}
		macros.claim(op.CName, o)
		if op.ReplyCName != "" {
			macros.claim(op.ReplyCName, o)
		}
		ops.claim(op.CIdent, o)
	}
	for _, l := range []struct{ name, role string }{
		{ol.CmdNoneName, "zero request"}, {ol.CmdCntName, "command count"}, {ol.CmdMaxName, "command maximum"},
		{ol.ReplyNoneName, "zero reply"}, {ol.ReplyCntName, "reply count"}, {ol.ReplyMaxName, "reply maximum"},
	} {
		if l.name != "" {
			macros.claim(l.name, cOwner{what: opsOwner.what, pos: opsOwner.pos, role: l.role})
		}
	}
	for _, g := range f.McastGroups {
		macros.claim(g.CDefine, cOwner{what: "multicast group " + quote(g.Name), pos: g.Pos})
	}
}
