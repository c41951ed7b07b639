package compat

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// checks compares the input validation of two versions of an attribute:
// the values, lengths and flag bits the kernel accepts. Narrower breaks
// old programs (their requests are rejected); wider is compatible. When
// unchecked says why old requests and the new kernel do not meet on the
// attribute, a change is only noted.
func (c *comparer) checks(what string, o, n *spec.Attr, unchecked string) {
	var narrower, wider []string
	add := func(tightened, loosened []string) {
		narrower, wider = append(narrower, tightened...), append(wider, loosened...)
	}
	if o.Type.IsInteger() && n.Type.IsInteger() {
		add(compareValues(o, n))
		add(compareMask(o, n))
	}
	add(compareLengths(o, n))
	if o.Type == spec.TypeString && n.Type == spec.TypeString && o.Checks.UnterminatedOK != n.Checks.UnterminatedOK {
		if o.Checks.UnterminatedOK {
			narrower = append(narrower, "strings must now end in a NUL")
		} else {
			wider = append(wider, "strings need no longer end in a NUL")
		}
	}
	if len(narrower)+len(wider) == 0 {
		return
	}
	switch {
	case unchecked != "":
		c.compatible("checks", o.Pos, n.Pos, "%s: checks changed (%s), but %s", what, strings.Join(append(narrower, wider...), "; "), unchecked)
	case len(narrower) > 0:
		c.breaking(UserSpace, "check-tightened", o.Pos, n.Pos, "%s: the kernel accepts less: %s", what, strings.Join(append(narrower, wider...), "; "))
	default:
		c.compatible("check-loosened", o.Pos, n.Pos, "%s: the kernel accepts more: %s", what, strings.Join(wider, "; "))
	}
}

// accepted is the set of values the kernel accepts for an integer
// attribute: a range, or (for a sparse enum) a list.
type accepted struct {
	lo, hi *big.Int
	list   []*big.Int // nil unless the values are a list
}

// acceptedValues is what a's checks (and the enum they imply) let through.
func acceptedValues(a *spec.Attr) accepted {
	ch := &a.Checks
	if ch.Sparse && a.Enum != nil {
		var list []*big.Int
		for _, e := range a.Enum.Entries {
			list = append(list, big.NewInt(e.Value))
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Cmp(list[j]) < 0 })
		return accepted{list: list}
	}
	lo, hi := typeRange(a.Type)
	if ch.Min != nil {
		lo = limitInt(ch.Min)
	}
	if ch.Max != nil {
		hi = limitInt(ch.Max)
	}
	return accepted{lo: lo, hi: hi}
}

// typeRange is the range of values an integer type holds.
func typeRange(t spec.AttrType) (lo, hi *big.Int) {
	bits := uint(t.Bits())
	one := big.NewInt(1)
	if t.IsSigned() {
		half := new(big.Int).Lsh(one, bits-1)
		return new(big.Int).Neg(half), new(big.Int).Sub(half, one)
	}
	return new(big.Int), new(big.Int).Sub(new(big.Int).Lsh(one, bits), one)
}

func limitInt(l *spec.Limit) *big.Int {
	v := new(big.Int).SetUint64(l.Abs)
	if l.Neg {
		v.Neg(v)
	}
	return v
}

// contains reports whether v is accepted.
func (a accepted) contains(v *big.Int) bool {
	if a.list == nil {
		return a.lo.Cmp(v) <= 0 && v.Cmp(a.hi) <= 0
	}
	for _, x := range a.list {
		if x.Cmp(v) == 0 {
			return true
		}
	}
	return false
}

// maxListed is the largest range spelled out to compare it with a list.
const maxListed = 1 << 16

// missing returns the values a accepts that b does not: a few of them
// spelled out, or a range's bounds; none when b accepts all of a.
func (a accepted) missing(b accepted) []string {
	var out []string
	if a.list == nil && b.list == nil {
		if a.lo.Cmp(b.lo) < 0 {
			out = append(out, fmt.Sprintf("min %s is now %s", a.lo, b.lo))
		}
		if b.hi.Cmp(a.hi) < 0 {
			out = append(out, fmt.Sprintf("max %s is now %s", a.hi, b.hi))
		}
		return out
	}
	values := a.list
	if values == nil {
		if new(big.Int).Sub(a.hi, a.lo).Cmp(big.NewInt(maxListed)) > 0 {
			return []string{fmt.Sprintf("values %s..%s are now only %s", a.lo, a.hi, b)}
		}
		for v := new(big.Int).Set(a.lo); v.Cmp(a.hi) <= 0; v = new(big.Int).Add(v, big.NewInt(1)) {
			values = append(values, v)
		}
	}
	var gone []string
	for _, v := range values {
		if !b.contains(v) {
			gone = append(gone, v.String())
		}
	}
	if len(gone) == 0 {
		return nil
	}
	if len(gone) > 8 {
		gone = append(gone[:8], "...")
	}
	return []string{"no longer accepts " + strings.Join(gone, ", ")}
}

// String spells the accepted values.
func (a accepted) String() string {
	if a.list == nil {
		return a.lo.String() + ".." + a.hi.String()
	}
	s := make([]string, len(a.list))
	for i, v := range a.list {
		s[i] = v.String()
	}
	return "{" + strings.Join(s, ", ") + "}"
}

// compareValues compares the accepted values: what old accepted and new
// does not narrows, the converse widens.
func compareValues(o, n *spec.Attr) (narrower, wider []string) {
	ov, nv := acceptedValues(o), acceptedValues(n)
	if gone := ov.missing(nv); len(gone) > 0 {
		return gone, nil
	}
	if len(nv.missing(ov)) > 0 {
		return nil, []string{fmt.Sprintf("values %s are now %s", ov, nv)}
	}
	return nil, nil
}

// compareMask compares the flag bits the kernel accepts (every bit when
// no mask applies).
func compareMask(o, n *spec.Attr) (narrower, wider []string) {
	om, nm := mask(o), mask(n)
	if gone := om &^ nm; gone != 0 {
		narrower = append(narrower, fmt.Sprintf("flag bits %#x no longer accepted (mask %#x is now %#x)", gone, om, nm))
	}
	if extra := nm &^ om; extra != 0 {
		wider = append(wider, fmt.Sprintf("flag bits %#x now accepted (mask %#x is now %#x)", extra, om, nm))
	}
	return narrower, wider
}

func mask(a *spec.Attr) uint64 {
	if a.Checks.HasMask {
		return a.Checks.Mask
	}
	return ^uint64(0)
}

// lengths is the byte length range a string or binary attribute accepts;
// hi is nil when unbounded.
type lengths struct{ lo, hi *uint64 }

func acceptedLengths(a *spec.Attr) lengths {
	ch := &a.Checks
	zero := uint64(0)
	l := lengths{lo: &zero}
	if ch.ExactLen != nil {
		return lengths{lo: &ch.ExactLen.Abs, hi: &ch.ExactLen.Abs}
	}
	if ch.MinLen != nil {
		l.lo = &ch.MinLen.Abs
	}
	if ch.MaxLen != nil {
		l.hi = &ch.MaxLen.Abs
	}
	return l
}

func (l lengths) String() string {
	if l.hi == nil {
		return fmt.Sprintf("%d or more bytes", *l.lo)
	}
	if *l.lo == *l.hi {
		return fmt.Sprintf("exactly %d bytes", *l.lo)
	}
	return fmt.Sprintf("%d to %d bytes", *l.lo, *l.hi)
}

// compareLengths compares the lengths the kernel accepts.
func compareLengths(o, n *spec.Attr) (narrower, wider []string) {
	ol, nl := acceptedLengths(o), acceptedLengths(n)
	shorterMax := nl.hi != nil && (ol.hi == nil || *nl.hi < *ol.hi)
	longerMax := ol.hi != nil && (nl.hi == nil || *ol.hi < *nl.hi)
	msg := fmt.Sprintf("length %s is now %s", ol, nl)
	switch {
	case *nl.lo > *ol.lo || shorterMax:
		return []string{msg}, nil
	case *nl.lo < *ol.lo || longerMax:
		return nil, []string{msg}
	}
	return nil, nil
}
