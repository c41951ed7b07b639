package spec

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var (
	typeLimitRE = regexp.MustCompile(`^([us])(8|16|32|64)-(min|max)$`)
	minusOneRE  = regexp.MustCompile(`^([0-9A-Za-z_-]+) - 1$`)
)

// limitExpr resolves a limit written as a name: a const, a const minus one
// (when allowMinus1) or a type limit such as u32-max or s16-min.
func (rv *resolver) limitExpr(expr string, pos Pos, what string, allowMinus1 bool) (*Limit, bool) {
	lim := &Limit{Pos: pos, Expr: expr}
	name := expr
	if m := minusOneRE.FindStringSubmatch(expr); m != nil {
		if !allowMinus1 {
			rv.d.errorf(pos, "%s: the \"NAME - 1\" form %q is only allowed for lengths", what, expr)
			return nil, false
		}
		name, lim.Minus1 = m[1], true
	}
	if m := typeLimitRE.FindStringSubmatch(name); m != nil && !lim.Minus1 {
		bits, _ := strconv.Atoi(m[2])
		switch {
		case m[1] == "u" && m[3] == "min":
			lim.Abs = 0
		case m[1] == "u":
			lim.Abs = 1<<uint(bits) - 1
			if bits == 64 {
				lim.Abs = ^uint64(0)
			}
		case m[3] == "max":
			lim.Abs = 1<<uint(bits-1) - 1
		default:
			lim.Neg, lim.Abs = true, 1<<uint(bits-1)
		}
		return lim, true
	}
	def := rv.f.defs[name]
	if def == nil {
		def = rv.constByCName(cUpper(name))
	}
	if def == nil || def.Kind != DefConst || def.IsString {
		rv.d.errorf(pos, "%s: limit %q is not a number, a const or a type limit like u32-max%s", what, expr, didYouMean(name, rv.defNames(DefConst)))
		return nil, false
	}
	lim.Const = def
	v := def.Value
	if lim.Minus1 {
		v--
	}
	if v < 0 {
		lim.Neg, lim.Abs = true, uint64(-v)
	} else {
		lim.Abs = uint64(v)
	}
	return lim, true
}

// constByCName finds a const by its C name: a check may name a const the
// way C does (wireguard's "wg-key-len" for key-len with name-prefix wg-),
// as the kernel's generator, which prints such names verbatim, allows.
func (rv *resolver) constByCName(cname string) *Definition {
	for _, d := range rv.f.Definitions {
		if d.Kind == DefConst && d.CName == cname {
			return d
		}
	}
	return nil
}

// limit resolves a check's value (a number, a const's name, "NAME - 1"
// where allowMinus1) to a Limit, keeping the spec's text for C.
func (rv *resolver) limit(c checkRaw, what string, allowMinus1 bool) *Limit {
	if c.isNum {
		l := &Limit{Pos: c.pos}
		if c.num < 0 {
			l.Neg, l.Abs = true, uint64(-c.num)
		} else {
			l.Abs = uint64(c.num)
		}
		return l
	}
	l, ok := rv.limitExpr(c.expr, c.pos, what, allowMinus1)
	if !ok {
		return nil
	}
	return l
}

// attrChecks resolves checks and the validation an enum implies.
func (rv *resolver) attrChecks(a *Attr, what string) {
	t := a.Type
	allowed := typeInfos[t].Checks
	keys := make([]string, 0, len(a.raw.checks))
	for k := range a.raw.checks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ch := &a.Checks
	for _, k := range keys {
		c := a.raw.checks[k]
		if k != "sparse" && !contains(allowed, k) && t != "" {
			rv.d.errorf(c.pos, "%s: check %q does not apply to type %s", what, k, t)
			continue
		}
		switch k {
		case "min":
			ch.Min = rv.limit(c, what, false)
		case "max":
			ch.Max = rv.limit(c, what, false)
		case "min-len":
			ch.MinLen = rv.limit(c, what, true)
		case "max-len":
			ch.MaxLen = rv.limit(c, what, true)
		case "exact-len":
			ch.ExactLen = rv.limit(c, what, true)
		case "unterminated-ok":
			ch.UnterminatedOK = c.flag
		case "sparse":
			ch.Sparse = c.flag
		case "flags-mask":
			def := rv.f.defs[c.expr]
			if def == nil || def.Kind != DefFlags {
				rv.d.errorf(c.pos, "%s: flags-mask %q is not a flags definition%s", what, c.expr, didYouMean(c.expr, rv.defNames(DefFlags)))
				continue
			}
			ch.FlagsMask, ch.HasMask, ch.Mask = def, true, def.Mask()
		}
	}
	for _, l := range []*Limit{ch.MinLen, ch.MaxLen, ch.ExactLen} {
		if l != nil && l.Neg {
			rv.d.errorf(l.Pos, "%s: a length limit cannot be negative", what)
		}
	}
	if ch.ExactLen != nil && (ch.MinLen != nil || ch.MaxLen != nil) {
		rv.d.errorf(ch.ExactLen.Pos, "%s: exact-len cannot be combined with min-len or max-len", what)
	}
	if ch.MinLen != nil && ch.MaxLen != nil && ch.MaxLen.Less(ch.MinLen) {
		rv.d.errorf(ch.MaxLen.Pos, "%s: max-len %s is below min-len %s", what, limitText(ch.MaxLen), limitText(ch.MinLen))
	}
	rv.enumValidation(a)
	if ch.Min != nil && ch.Max != nil && ch.Max.Less(ch.Min) {
		rv.d.errorf(ch.Max.Pos, "%s: max %s is below min %s", what, limitText(ch.Max), limitText(ch.Min))
	}
	for _, l := range []*Limit{ch.Min, ch.Max} {
		if l != nil && t.IsInteger() && !fitsType(l, t) {
			rv.d.errorf(l.Pos, "%s: limit %s does not fit type %s", what, limitText(l), t)
		}
	}
}

// enumValidation applies what an enum implies: an enum attribute accepts
// only the enum's values (a range, or a sparse set), a flags enum or an
// enum used as flags only its mask.
func (rv *resolver) enumValidation(a *Attr) {
	e := a.Enum
	if e == nil || !a.Type.IsInteger() {
		return
	}
	ch := &a.Checks
	if a.EnumAsFlags || e.Kind == DefFlags {
		if !ch.HasMask {
			ch.HasMask = true
			ch.Mask = enumMask(e)
		}
		return
	}
	if !e.Contiguous || len(e.Entries) == 0 {
		if ch.Min == nil && ch.Max == nil {
			ch.Sparse = true
		}
		return
	}
	lo, hi := e.minMax()
	if ch.Min == nil && (lo != 0 || a.Type.IsSigned()) {
		ch.Min = &Limit{Pos: a.raw.enum.Pos, FromEnum: true, Neg: lo < 0, Abs: absInt(lo)}
	}
	if ch.Max == nil {
		ch.Max = &Limit{Pos: a.raw.enum.Pos, FromEnum: true, Neg: hi < 0, Abs: absInt(hi)}
	}
}

// enumMask is the mask of an enum's values taken as bit numbers.
func enumMask(e *Definition) uint64 {
	var m uint64
	for _, x := range e.Entries {
		if x.Value >= 0 && x.Value < 64 {
			m |= 1 << uint(x.Value)
		}
	}
	return m
}

// absInt is the magnitude of v (math.MinInt64 included).
func absInt(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// fitsType reports whether limit l is a value of integer type t.
func fitsType(l *Limit, t AttrType) bool {
	bits := t.Bits()
	if t.IsSigned() {
		if l.Neg {
			return l.Abs <= 1<<uint(bits-1)
		}
		return l.Abs <= 1<<uint(bits-1)-1
	}
	if l.Neg {
		return false
	}
	return bits == 64 || l.Abs <= 1<<uint(bits)-1
}

// limitText shows l in messages: its number, after the spec's text when that is a name.
func limitText(l *Limit) string {
	n := strconv.FormatUint(l.Abs, 10)
	if l.Neg {
		n = "-" + n
	}
	if l.Expr != "" && !strings.EqualFold(l.Expr, n) {
		return l.Expr + " (" + n + ")"
	}
	return n
}
