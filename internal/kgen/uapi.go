package kgen

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// cEnum is one C enum of the uAPI header.
type cEnum struct {
	Doc []string
	// Tag is "enum name" or "enum".
	Tag string
	// Entries are "NAME," or "NAME = value," lines.
	Entries []string
	// Tail follows a blank line (the count and max entries).
	Tail []string
	// After are lines after the enum (max-by-define).
	After []string
}

// define is one #define line with its optional comment above.
type define struct {
	Doc   []string
	Name  string
	Value string
}

// uapiBlock is one definition rendered in the uAPI header: a group of
// defines, an enum or a struct.
type uapiBlock struct {
	Defines []define
	Enum    *cEnum
	Struct  *cStruct
}

// cStruct is a struct definition.
type cStruct struct {
	Doc     []string
	Name    string
	Members []string
}

// uapiView is what the uAPI header template prints.
type uapiView struct {
	// declared holds every name the header declares so far: specs may
	// give two sets the same prefix (and so the same max names), and C
	// refuses a second declaration.
	declared map[string]bool

	Guard    string
	Includes []string
	Family   []define
	Blocks   []uapiBlock
	Sets     []*cEnum
	Cmds     []*cEnum
	Groups   []define
}

// declare reports whether name is new, recording it.
func (u *uapiView) declare(name string) bool {
	if u.declared[name] {
		return false
	}
	u.declared[name] = true
	return true
}

// newEntries keeps the entries whose names are not declared yet.
func (u *uapiView) newEntries(names []string, vals []int64) ([]string, []int64) {
	var n []string
	var v []int64
	for i, name := range names {
		if u.declare(name) {
			n, v = append(n, name), append(v, vals[i])
		}
	}
	return n, v
}

// finish drops tail names already declared; it reports false when the
// enum would be empty.
func (u *uapiView) finish(e *cEnum, cnt, maxName string, byDefine bool) bool {
	newCnt, newMax := u.declare(cnt), u.declare(maxName)
	switch {
	case newCnt && newMax:
		maxTail(e, cnt, maxName, byDefine)
	case newCnt:
		e.Tail = []string{cnt + ","}
	}
	return len(e.Entries) > 0 || len(e.Tail) > 0
}

func enumTag(name string) string {
	if name == "" {
		return "enum"
	}
	return "enum " + name
}

// entryLines numbers C enum entries, spelling a value only where it is
// not the previous one plus one (the first implied value is 0).
func entryLines(names []string, values []int64, always bool) []string {
	var out []string
	next := int64(0)
	for i, n := range names {
		if always || values[i] != next {
			out = append(out, fmt.Sprintf("%s = %d,", n, values[i]))
		} else {
			out = append(out, n+",")
		}
		next = values[i] + 1
	}
	return out
}

// maxTail renders the count and max entries of an enum, or with
// max-by-define the count entry and a #define of the max.
func maxTail(e *cEnum, cnt, maxName string, byDefine bool) {
	if byDefine {
		e.Tail = []string{cnt}
		e.After = []string{"#define " + maxName + " (" + cnt + " - 1)"}
		return
	}
	e.Tail = []string{cnt + ",", maxName + " = (" + cnt + " - 1)"}
}

func uapiGuard(header string) string {
	base := strings.TrimSuffix(path.Base(header), ".h")
	dir := path.Dir(header)
	stem := base
	if dir != "." && dir != "" {
		stem = dir + "_" + base
	}
	return "_UAPI_" + cUpper(strings.ReplaceAll(strings.ReplaceAll(stem, "/", "_"), ".", "_")) + "_H"
}

func (v *view) buildUAPI() {
	f := v.F
	u := &v.UAPI
	u.Guard = uapiGuard(f.UAPIHeader)
	u.declared = map[string]bool{}
	u.declare(f.CFamilyNameDefine)
	u.declare(f.CVersionDefine)
	u.Family = []define{
		{Name: f.CFamilyNameDefine, Value: strconv.Quote(f.Name)},
		{Name: f.CVersionDefine, Value: strconv.FormatUint(f.Version, 10)},
	}
	seenInc := map[string]bool{}
	var consts []define
	flush := func() {
		if len(consts) > 0 {
			u.Blocks = append(u.Blocks, uapiBlock{Defines: consts})
			consts = nil
		}
	}
	for _, d := range f.Definitions {
		if d.Scope != "" && d.Scope != "uapi" {
			continue
		}
		if d.Header != "" {
			if !seenInc[d.Header] {
				seenInc[d.Header] = true
				u.Includes = append(u.Includes, d.Header)
			}
			continue
		}
		if d.Scope != "" && d.Scope != "uapi" {
			continue
		}
		switch d.Kind {
		case spec.DefConst:
			val := strconv.FormatInt(d.Value, 10)
			if d.IsString {
				val = strconv.Quote(d.ValueExpr)
			}
			if u.declare(d.CName) {
				consts = append(consts, define{Doc: comment("", d.Doc, prefCols), Name: d.CName, Value: val})
			}
		case spec.DefEnum, spec.DefFlags:
			flush()
			if e := u.defEnum(d); e != nil {
				u.Blocks = append(u.Blocks, uapiBlock{Enum: e})
			}
		case spec.DefStruct:
			flush()
			u.Blocks = append(u.Blocks, uapiBlock{Struct: defStruct(d)})
		}
	}
	flush()
	for _, b := range u.Blocks {
		if b.Struct != nil && !seenInc["linux/types.h"] {
			seenInc["linux/types.h"] = true
			u.Includes = append([]string{"linux/types.h"}, u.Includes...)
		}
	}
	for _, s := range f.AttrSets {
		if s.SubsetOf != nil {
			continue
		}
		if s.Header != "" {
			if !seenInc[s.Header] {
				seenInc[s.Header] = true
				u.Includes = append(u.Includes, s.Header)
			}
			continue
		}
		e := &cEnum{Tag: enumTag(s.EnumName)}
		if s.Doc != "" {
			e.Doc = comment("", s.Doc, prefCols)
		}
		var names []string
		var vals []int64
		for _, a := range s.Attrs {
			names = append(names, a.CName)
			vals = append(vals, int64(a.Value))
		}
		names, vals = u.newEntries(names, vals)
		e.Entries = entryLines(names, vals, false)
		if u.finish(e, s.CntName, s.MaxName, f.MaxByDefine) {
			u.Sets = append(u.Sets, e)
		}
	}
	v.buildCmdEnums()
	for _, g := range f.McastGroups {
		if u.declare(g.CDefine) {
			u.Groups = append(u.Groups, define{Name: g.CDefine, Value: strconv.Quote(g.Name)})
		}
	}
}

func (u *uapiView) defEnum(d *spec.Definition) *cEnum {
	e := &cEnum{Tag: enumTag(d.EnumName)}
	var names []string
	var vals []int64
	var items [][2]string
	for _, x := range d.Entries {
		if !u.declare(x.CName) {
			continue
		}
		names, vals = append(names, x.CName), append(vals, int64(x.UserValue))
		if x.Doc != "" {
			items = append(items, [2]string{x.CName, x.Doc})
		}
	}
	if len(names) == 0 {
		return nil
	}
	if d.Doc != "" || len(items) > 0 {
		title := d.EnumName
		if title == "" {
			title = d.NamePrefix
		}
		if d.Doc != "" {
			title = "enum " + title + " - " + d.Doc
		} else {
			title = "enum " + title
		}
		e.Doc = kdoc(title, items)
	}
	e.Entries = entryLines(names, vals, d.Kind == spec.DefFlags)
	if d.RenderMax {
		if d.Kind == spec.DefFlags {
			if u.declare(d.MaxName) {
				e.Tail = []string{"/* private: */", fmt.Sprintf("%s = %d,", d.MaxName, enumUserMask(d))}
			}
		} else if u.declare(d.EnumCntName) && u.declare(d.MaxName) {
			e.Tail = []string{"/* private: */", d.EnumCntName + ",", d.MaxName + " = (" + d.EnumCntName + " - 1)"}
		}
	}
	return e
}

// enumUserMask is the OR of a flags definition's values.
func enumUserMask(d *spec.Definition) uint64 {
	var m uint64
	for _, x := range d.Entries {
		m |= x.UserValue
	}
	return m
}

func defStruct(d *spec.Definition) *cStruct {
	s := &cStruct{Name: d.CName}
	if d.Doc != "" {
		s.Doc = comment("", d.Doc, prefCols)
	}
	for _, m := range d.Members {
		if m.Struct != nil {
			s.Members = append(s.Members, "struct "+m.Struct.CName+" "+m.CName+";")
			continue
		}
		ct := cTypes[m.Type]
		typ := ct.uapi
		if m.BigEndian && ct.uapiBE != "" {
			typ = ct.uapiBE
		}
		if typ == "" {
			typ = "__u8"
		}
		line := typ + " " + m.CName
		if m.Type == spec.TypeBinary || m.Type == spec.TypeString || m.Type == spec.TypePad {
			line += "[" + strconv.Itoa(m.Len) + "]"
		}
		s.Members = append(s.Members, line+";")
	}
	return s
}

type opEntry struct {
	name  string
	value uint64
}

func sortedEntries(es []opEntry) ([]string, []int64) {
	sort.SliceStable(es, func(i, j int) bool { return es[i].value < es[j].value })
	var names []string
	var vals []int64
	for _, e := range es {
		names = append(names, e.name)
		vals = append(vals, int64(e.value))
	}
	return names, vals
}

func (v *view) buildCmdEnums() {
	f := v.F
	o := &f.Ops
	u := &v.UAPI
	if o.Directional() {
		var req, rsp []opEntry
		for _, op := range o.List {
			if op.HasRequestValue {
				req = append(req, opEntry{op.CName, op.RequestValue})
			}
			if op.HasReplyValue {
				name := op.ReplyCName
				if name == "" {
					name = op.CName
				}
				rsp = append(rsp, opEntry{name, op.ReplyValue})
			}
		}
		// Each direction's enum starts with its NONE entry at 0.
		req = append(req, opEntry{o.CmdNoneName, 0})
		rsp = append(rsp, opEntry{o.ReplyNoneName, 0})
		e := &cEnum{Tag: enumTag(o.EnumName), Doc: comment("", "Requests, user space to kernel.", prefCols)}
		n, vals := u.newEntries(sortedEntries(req))
		e.Entries = entryLines(n, vals, false)
		if u.finish(e, o.CmdCntName, o.CmdMaxName, f.MaxByDefine) {
			u.Cmds = append(u.Cmds, e)
		}
		r := &cEnum{Tag: "enum", Doc: comment("", "Replies and notifications, kernel to user space.", prefCols)}
		n, vals = u.newEntries(sortedEntries(rsp))
		r.Entries = entryLines(n, vals, false)
		if u.finish(r, o.ReplyCntName, o.ReplyMaxName, f.MaxByDefine) {
			u.Cmds = append(u.Cmds, r)
		}
		return
	}
	var main, async []opEntry
	for _, op := range o.List {
		if o.HasAsyncEnum && op.IsAsync() {
			async = append(async, opEntry{op.CName, op.Value})
			continue
		}
		main = append(main, opEntry{op.CName, op.Value})
	}
	e := &cEnum{Tag: enumTag(o.EnumName)}
	n, vals := u.newEntries(sortedEntries(main))
	e.Entries = entryLines(n, vals, false)
	if u.finish(e, o.CmdCntName, o.CmdMaxName, f.MaxByDefine) {
		u.Cmds = append(u.Cmds, e)
	}
	if o.HasAsyncEnum {
		a := &cEnum{Tag: enumTag(o.AsyncEnumName)}
		n, vals := u.newEntries(sortedEntries(async))
		a.Entries = entryLines(n, vals, true)
		if len(a.Entries) > 0 {
			u.Cmds = append(u.Cmds, a)
		}
	}
}
