package kgen

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// policy is one struct nla_policy table.
type policy struct {
	Name string
	// Static policies belong to one op; nested ones are shared (extern).
	Static bool
	// Comment names what uses the table (e.g. "DOC_EXMPL_C_ECHO - do").
	Comment string
	// Cond is the CONFIG_ symbol guarding the table, "" if none.
	Cond string
	// MaxAttr is the C name of the highest attribute in the table.
	MaxAttr string
	// Lines are the rendered "[ATTR] = ...," entries.
	Lines []string

	set   *spec.AttrSet
	attrs []*spec.Attr
}

// Decl is the table's declaration (without the initializer or ";").
func (p *policy) Decl() string {
	q := "const struct nla_policy "
	if p.Static {
		q = "static " + q
	}
	one := q + p.Name + "[" + p.MaxAttr + " + 1]"
	if cols(one+" = {") <= prefCols {
		return one
	}
	return strings.TrimSuffix(q, " ") + "\n" + p.Name + "[" + p.MaxAttr + " + 1]"
}

// helper is a range struct or a validate function policies point to.
type helper struct {
	Name string
	// Lines are the full C definition.
	Lines []string
	// Cond guards the helper when every user is guarded by it.
	Cond  string
	conds map[string]bool
}

// policyBuilder builds every policy of a family, sharing nested policies
// and helpers between the tables that use them.
type policyBuilder struct {
	f          *spec.Family
	nest       map[*spec.AttrSet]*policy
	nestedList []*policy
	help       map[string]*helper
	// helpers in order of first use.
	helpers []*helper
	// cond is the guard of the table being built ("" for shared ones).
	cond string
}

func newPolicyBuilder(f *spec.Family) *policyBuilder {
	return &policyBuilder{f: f, nest: map[*spec.AttrSet]*policy{}, help: map[string]*helper{}}
}

// hasPolicy reports whether any attribute of s gets a policy entry.
func hasPolicy(s *spec.AttrSet) bool {
	for _, a := range s.Attrs {
		if cTypes[a.Type].nla != "" {
			return true
		}
	}
	return false
}

// nested returns the shared policy of a nested set, building it (and what
// it nests) on first use; nil when the set has nothing to validate.
func (b *policyBuilder) nested(s *spec.AttrSet) *policy {
	if s == nil || !hasPolicy(s) {
		return nil
	}
	if p := b.nest[s]; p != nil {
		return p
	}
	p := &policy{Name: s.CName + "_nl_policy", set: s, attrs: s.Attrs}
	b.nest[s] = p
	saved := b.cond
	b.cond = ""
	b.fill(p)
	b.cond = saved
	b.nestedList = append(b.nestedList, p)
	return p
}

// fill renders a table's entries, sorted by attribute value.
func (b *policyBuilder) fill(p *policy) {
	attrs := append([]*spec.Attr(nil), p.attrs...)
	sort.SliceStable(attrs, func(i, j int) bool { return attrs[i].Value < attrs[j].Value })
	var top *spec.Attr
	for _, a := range attrs {
		expr := b.policyExpr(a)
		if expr == "" {
			continue
		}
		p.Lines = append(p.Lines, initLine("\t", "["+a.CName+"]", expr))
		top = a
	}
	if top != nil {
		p.MaxAttr = top.CName
	}
}

// opPolicy builds a table of the given request attributes.
func (b *policyBuilder) opPolicy(name, comment, cond string, attrs []*spec.Attr) *policy {
	p := &policy{Name: name, Static: true, Comment: comment, Cond: cond, attrs: attrs}
	b.cond = cond
	b.fill(p)
	b.cond = ""
	if p.MaxAttr == "" {
		return nil
	}
	return p
}

// use records that the table being built uses helper h.
func (b *policyBuilder) use(h *helper) {
	h.conds[b.cond] = true
}

// addHelper registers a helper under a unique name and returns the name.
func (b *policyBuilder) addHelper(base string, render func(name string) []string) string {
	name := base
	for i := 2; ; i++ {
		h := b.help[name]
		if h == nil {
			h = &helper{Name: name, Lines: render(name), conds: map[string]bool{}}
			b.help[name] = h
			b.helpers = append(b.helpers, h)
			b.use(h)
			return name
		}
		if strings.Join(h.Lines, "\n") == strings.Join(render(name), "\n") {
			b.use(h)
			return name
		}
		name = base + "_" + strconv.Itoa(i)
	}
}

// finishHelpers decides each helper's guard: a helper used only under one
// CONFIG_ symbol is compiled only with it, so no build has unused code.
func (b *policyBuilder) finishHelpers() {
	for _, h := range b.helpers {
		if len(h.conds) == 1 {
			for c := range h.conds {
				h.Cond = c
			}
		}
	}
}

// limit renders a limit in a policy macro: the const or type-limit name
// when the spec used one, else the number.
func (b *policyBuilder) limit(l *spec.Limit) string {
	if l.Const != nil && constVisible(l.Const) {
		if l.Minus1 {
			return l.Const.CName + " - 1"
		}
		return l.Const.CName
	}
	if m := typeLimitMacro(l.Expr); m != "" {
		return m
	}
	return limitNum(l, "")
}

// constVisible reports whether a definition's C names are declared by the
// generated uAPI header. Definitions with a header are declared there
// under names the spec does not spell, so their values print as numbers.
func constVisible(d *spec.Definition) bool {
	return d.Header == "" && (d.Scope == "uapi" || d.Scope == "")
}

// typeLimitMacro maps "u32-max" to U32_MAX (and any "-min" of an unsigned
// type to 0); "" if expr is not a type limit.
func typeLimitMacro(expr string) string {
	parts := strings.Split(expr, "-")
	if len(parts) != 2 || (parts[1] != "min" && parts[1] != "max") {
		return ""
	}
	switch parts[0] {
	case "u8", "u16", "u32", "u64":
		if parts[1] == "min" {
			return "0"
		}
	case "s8", "s16", "s32", "s64":
	default:
		return ""
	}
	return strings.ToUpper(parts[0] + "_" + parts[1])
}

func limitNum(l *spec.Limit, suffix string) string {
	s := strconv.FormatUint(l.Abs, 10) + suffix
	if l.Neg {
		return "-" + s
	}
	return s
}

// rangeStruct defines the struct netlink_range_validation(_signed) for a's
// limits beyond what the s16 fields of struct nla_policy hold.
func (b *policyBuilder) rangeStruct(a *spec.Attr) string {
	ch := &a.Checks
	lo, hi := ch.Min, ch.Max
	ct := cTypes[a.Type]
	minDef, maxDef := ct.min, ct.max
	if a.Type == spec.TypeBinary {
		lo, hi = ch.MinLen, ch.MaxLen
		minDef, maxDef = "0", "U16_MAX"
	}
	signed := a.Type.IsSigned()
	val := func(l *spec.Limit, def string) string {
		if l == nil {
			return def
		}
		if l.Const != nil && constVisible(l.Const) {
			return b.limit(l)
		}
		if m := typeLimitMacro(l.Expr); m != "" {
			return m
		}
		if signed {
			return limitNum(l, "LL")
		}
		return limitNum(l, "ULL")
	}
	kind := "netlink_range_validation"
	if signed {
		kind += "_signed"
	}
	return b.addHelper(strings.ToLower(a.CName)+"_range", func(name string) []string {
		return []string{
			"static const struct " + kind + " " + name + " = {",
			"\t.min\t= " + val(lo, minDef) + ",",
			"\t.max\t= " + val(hi, maxDef) + ",",
			"};",
		}
	})
}

// validateFn defines a validate function for checks struct nla_policy
// cannot express: values of a non-contiguous enum, masks of signed or
// 64-bit types, limits of big-endian u64s, string minimum lengths.
func (b *policyBuilder) validateFn(a *spec.Attr) string {
	return b.addHelper(strings.ToLower(a.CName)+"_validate", func(name string) []string {
		return validateLines(a, name)
	})
}

func validateLines(a *spec.Attr, name string) []string {
	ch := &a.Checks
	lines := []string{proto("static int", name, []string{"const struct nlattr *attr", "struct netlink_ext_ack *extack"}, ""), "{"}
	fail := func(indent, msg string) []string {
		return []string{
			indent + "NL_SET_ERR_MSG_ATTR(extack, attr, \"" + msg + "\");",
			indent + "return -EINVAL;",
		}
	}
	if a.Type == spec.TypeString {
		lines = append(lines, "\tsize_t len = strnlen(nla_data(attr), nla_len(attr));", "")
		if ch.ExactLen != nil {
			lines = append(lines, "\tif (len != "+limitNum(ch.ExactLen, "")+") {")
			lines = append(lines, fail("\t\t", "string has the wrong length")...)
			lines = append(lines, "\t}")
		}
		if ch.MinLen != nil {
			lines = append(lines, "\tif (len < "+limitNum(ch.MinLen, "")+") {")
			lines = append(lines, fail("\t\t", "string is too short")...)
			lines = append(lines, "\t}")
		}
		if ch.MaxLen != nil {
			lines = append(lines, "\tif (len > "+limitNum(ch.MaxLen, "")+") {")
			lines = append(lines, fail("\t\t", "string is too long")...)
			lines = append(lines, "\t}")
		}
		return append(lines, "\treturn 0;", "}")
	}
	ct := cTypes[a.Type]
	read := ct.get + "(attr)"
	if a.BigEndian && ct.getBE != "" {
		read = ct.fromBE + "(" + ct.getBE + "(attr))"
	}
	signed := a.Type.IsSigned()
	typ, suffix := "u64", "ULL"
	if signed {
		typ, suffix = "s64", "LL"
	}
	lines = append(lines, "\t"+typ+" val = "+read+";", "")
	if ch.HasMask {
		lines = append(lines, fmt.Sprintf("\tif (val & ~0x%x%s) {", ch.Mask, suffix))
		lines = append(lines, fail("\t\t", "unknown bits set")...)
		lines = append(lines, "\t}")
	}
	if ch.Min != nil && (signed || ch.Min.Abs != 0) {
		lines = append(lines, "\tif (val < "+limitNum(ch.Min, suffix)+") {")
		lines = append(lines, fail("\t\t", "value is too small")...)
		lines = append(lines, "\t}")
	}
	if ch.Max != nil {
		lines = append(lines, "\tif (val > "+limitNum(ch.Max, suffix)+") {")
		lines = append(lines, fail("\t\t", "value is too large")...)
		lines = append(lines, "\t}")
	}
	if ch.Sparse && a.Enum != nil && !ch.HasMask {
		lines = append(lines, "\tswitch (val) {")
		for _, e := range a.Enum.Entries {
			label := e.CName
			if !constVisible(a.Enum) {
				label = strconv.FormatInt(e.Value, 10)
			}
			lines = append(lines, "\tcase "+label+":")
		}
		lines = append(lines, "\t\treturn 0;", "\t}")
		lines = append(lines, fail("\t", "value is not a valid "+a.Enum.Name)...)
		return append(lines, "}")
	}
	return append(lines, "\treturn 0;", "}")
}
