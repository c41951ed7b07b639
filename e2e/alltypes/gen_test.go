package e2ealltypes

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"

	at "github.com/genlgen/genlgen/internal/gogen/alltypes"
	"github.com/genlgen/genlgen/runtime"
)

// Limits of the spec's checks (internal/gogen/testdata/alltypes.yaml),
// and the sizes random values stay within where the spec sets none.
const (
	strMaxLen     = at.MaxThings // str-max: max-len max-things
	strRangeMin   = 2            // str-range
	strRangeMax   = 8            //
	binMinLen     = 4            // bin-min
	binMaxLen     = 32           // bin-max
	binExactLen   = 16           // bin-exact
	binRangeMin   = 2            // bin-range
	binRangeMax   = 8            //
	leafStrMax    = 12           // leaf.str
	leafBinLen    = 4            // leaf.bin: exact-len
	colorMax      = 2            // color enum: red, green, blue
	permMask      = 7            // perm flags: read, write, exec
	countMax      = 1000         // count
	freeStrMax    = 256          // str, loose-str, inner.b: no limit in the spec
	freeBinMax    = 256          // bin: no limit
	arrayMax      = 16           // scalar arrays
	nestArrayMax  = 6            // arrays of nests
	innerDepthMax = 3            // inner nests inner: child levels
	tvEntriesMax  = 6            // nest-type-value entries
)

// Modes of a random request.
const (
	modeRandom = iota // each attribute present with some probability
	modeFull          // every attribute present, lengths at their maximum
	modeEmpty         // no attribute at all (the fixed header only)
)

// gen makes random valid values of every attribute the echo carries.
type gen struct {
	r    *rand.Rand
	mode int
}

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

// present says whether to set an attribute.
func (g *gen) present() bool {
	switch g.mode {
	case modeFull:
		return true
	case modeEmpty:
		return false
	}
	return g.r.IntN(10) < 6
}

// extreme reports, now and then, that a value should sit at a limit.
func (g *gen) extreme() bool { return g.r.IntN(10) < 3 }

// unsigned returns a bits-wide value, often 0, 1, the maximum or one of the
// edges where uint switches from 4 to 8 bytes on the wire.
func (g *gen) unsigned(bits int) uint64 {
	max := uint64(math.MaxUint64) >> (64 - bits)
	if g.extreme() {
		edges := []uint64{0, 1, max, max - 1, max >> 1, max>>1 + 1}
		if bits == 64 {
			edges = append(edges, math.MaxUint32, math.MaxUint32+1)
		}
		return edges[g.r.IntN(len(edges))]
	}
	return g.r.Uint64() & max
}

// signed returns a bits-wide value, often 0, ±1, the minimum, the maximum
// or one of the 4/8-byte edges of sint.
func (g *gen) signed(bits int) int64 {
	max := int64(math.MaxInt64 >> (64 - bits))
	min := -max - 1
	if g.extreme() {
		edges := []int64{0, 1, -1, min, max, min + 1, max - 1}
		if bits == 64 {
			edges = append(edges, math.MinInt32, math.MaxInt32, math.MinInt32-1, math.MaxInt32+1)
		}
		return edges[g.r.IntN(len(edges))]
	}
	return int64(g.r.Uint64()) >> (64 - bits)
}

// urange returns a value in [lo, hi], often lo or hi.
func (g *gen) urange(lo, hi uint64) uint64 {
	if g.extreme() {
		return []uint64{lo, hi}[g.r.IntN(2)]
	}
	return lo + g.r.Uint64N(hi-lo+1)
}

// srange returns a value in [lo, hi], often lo or hi.
func (g *gen) srange(lo, hi int64) int64 {
	if g.extreme() {
		return []int64{lo, hi}[g.r.IntN(2)]
	}
	return lo + int64(g.r.Uint64N(uint64(hi-lo)+1))
}

// length returns a length in [lo, hi]: hi in full mode, often lo or hi.
func (g *gen) length(lo, hi int) int {
	if g.mode == modeFull {
		return hi
	}
	return int(g.urange(uint64(lo), uint64(hi)))
}

// str returns a string of lo to hi bytes, none of them NUL (a NUL would end
// the string in the kernel): printable ASCII mostly, any other byte too.
func (g *gen) str(lo, hi int) string {
	b := make([]byte, g.length(lo, hi))
	for i := range b {
		if g.r.IntN(4) == 0 {
			b[i] = byte(1 + g.r.IntN(255))
		} else {
			b[i] = byte(' ' + g.r.IntN(95))
		}
	}
	return string(b)
}

// bytes returns lo to hi random bytes, never nil (present, maybe empty).
func (g *gen) bytes(lo, hi int) []byte {
	b := make([]byte, g.length(lo, hi))
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	return b
}

// opt returns v() as a present value, or an absent one.
func opt[T any](g *gen, v func() T) runtime.Opt[T] {
	if !g.present() {
		return runtime.Opt[T]{}
	}
	return runtime.Some(v())
}

// slice returns n elements (0 to max, max in full mode) or nil: a multi-attr
// array without elements is not on the wire, so it comes back nil.
func slice[T any](g *gen, max int, elem func() T) []T {
	if !g.present() {
		return nil
	}
	n := g.length(0, max)
	if n == 0 {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		out[i] = elem()
	}
	return out
}

// array is slice for an indexed array, whose empty form is on the wire (an
// empty nest): present and empty is kept as an empty, non-nil slice.
func array[T any](g *gen, max int, elem func() T) []T {
	if !g.present() {
		return nil
	}
	out := make([]T, g.length(0, max))
	for i := range out {
		out[i] = elem()
	}
	return out
}

func (g *gen) hdr() at.Hdr {
	return at.Hdr{
		ID:       uint32(g.unsigned(32)),
		Port:     uint16(g.unsigned(16)),
		Kind:     at.Color(g.unsigned(8)), // a struct member: not validated
		Reserved: uint8(g.unsigned(8)),
	}
}

func (g *gen) stats() at.Stats {
	var mac [6]byte
	for i := range mac {
		mac[i] = byte(g.r.Uint32())
	}
	return at.Stats{
		Packets: g.unsigned(64),
		Delta:   int32(g.signed(32)),
		Addr:    uint32(g.unsigned(32)),
		MAC:     mac,
		Tail:    uint16(g.unsigned(16)),
		Hdr:     g.hdr(),
	}
}

// inner returns an "inner" nest with up to depth levels of children.
func (g *gen) inner(depth int) at.Inner {
	v := at.Inner{
		A: opt(g, func() uint32 { return uint32(g.unsigned(32)) }),
		B: opt(g, func() string { return g.str(0, 64) }),
	}
	if depth > 0 && (g.mode == modeFull || g.r.IntN(3) == 0) {
		c := g.inner(depth - 1)
		v.Child = &c
	}
	return v
}

func (g *gen) leaf() at.Leaf {
	v := at.Leaf{
		U16:   opt(g, func() uint16 { return uint16(g.unsigned(16)) }),
		S64:   opt(g, func() int64 { return g.signed(64) }),
		Uint:  opt(g, func() uint64 { return g.unsigned(64) }),
		Flag:  g.present() && (g.mode == modeFull || g.r.IntN(2) == 0),
		Str:   opt(g, func() string { return g.str(0, leafStrMax) }),
		Stats: opt(g, g.stats),
		Color: opt(g, func() at.Color { return at.Color(g.urange(0, colorMax)) }),
	}
	if g.present() {
		v.Bin = runtime.Some([leafBinLen]byte(g.bytes(leafBinLen, leafBinLen)))
	}
	return v
}

func (g *gen) bitfield() runtime.Bitfield32 {
	sel := uint32(g.r.IntN(permMask + 1))
	return runtime.Bitfield32{Value: sel & uint32(g.r.IntN(permMask+1)), Selector: sel}
}

// all returns a random valid request of the echo: every attribute of the
// "all" set.
func (g *gen) all(mode int) *at.All {
	g.mode = mode
	v := &at.All{Header: g.hdr()}
	v.U8 = opt(g, func() uint8 { return uint8(g.unsigned(8)) })
	v.U16 = opt(g, func() uint16 { return uint16(g.unsigned(16)) })
	v.U32 = opt(g, func() uint32 { return uint32(g.unsigned(32)) })
	v.U64 = opt(g, func() uint64 { return g.unsigned(64) })
	v.S8 = opt(g, func() int8 { return int8(g.signed(8)) })
	v.S16 = opt(g, func() int16 { return int16(g.signed(16)) })
	v.S32 = opt(g, func() int32 { return int32(g.signed(32)) })
	v.S64 = opt(g, func() int64 { return g.signed(64) })
	v.Uint = opt(g, func() uint64 { return g.unsigned(64) })
	v.Sint = opt(g, func() int64 { return g.signed(64) })
	v.Be16 = opt(g, func() uint16 { return uint16(g.unsigned(16)) })
	v.Be32 = opt(g, func() uint32 { return uint32(g.unsigned(32)) })
	v.Be64 = opt(g, func() uint64 { return g.unsigned(64) })
	v.Flag = g.present() && (g.mode == modeFull || g.r.IntN(2) == 0)
	v.Str = opt(g, func() string { return g.str(0, freeStrMax) })
	v.LooseStr = opt(g, func() string { return g.str(0, freeStrMax) })
	if g.present() {
		v.Bin = g.bytes(0, freeBinMax)
	}
	v.U32Array = array(g, arrayMax, func() uint32 { return uint32(g.unsigned(32)) })
	v.S16Array = array(g, arrayMax, func() int16 { return int16(g.signed(16)) })
	v.Stats = opt(g, g.stats)
	if g.present() {
		n := g.inner(innerDepthMax)
		v.Nest = &n
	}
	v.MultiU32 = slice(g, arrayMax, func() uint32 { return uint32(g.unsigned(32)) })
	v.MultiNest = slice(g, nestArrayMax, func() at.Inner { return g.inner(1) })
	v.IdxNest = array(g, nestArrayMax, func() at.Inner { return g.inner(1) })
	v.IdxU32 = array(g, arrayMax, func() uint32 { return uint32(g.unsigned(32)) })
	v.Tv = array(g, tvEntriesMax, func() at.AllTvEntry {
		return at.AllTvEntry{AID: uint16(1 + g.r.IntN(4)), BID: uint16(1 + g.r.IntN(4)), Attrs: g.inner(1)}
	})
	v.Bf = opt(g, g.bitfield)
	v.Color = opt(g, func() at.Color { return at.Color(g.urange(0, colorMax)) })
	v.Perms = opt(g, func() at.Perm { return at.Perm(g.urange(0, permMask)) })
	v.ColorMask = opt(g, func() uint32 { return uint32(g.urange(0, permMask)) })
	v.U8Range = opt(g, func() uint8 { return uint8(g.urange(10, 200)) })
	v.U16Max = opt(g, func() uint16 { return uint16(g.urange(0, 1000)) })
	v.U32Range = opt(g, func() uint32 { return uint32(g.urange(5, 100000)) })
	v.U64Max = opt(g, func() uint64 { return g.urange(0, 1e12) })
	v.S8Range = opt(g, func() int8 { return int8(g.srange(-100, 100)) })
	v.S16Range = opt(g, func() int16 { return int16(g.srange(-1000, 1000)) })
	v.S32Range = opt(g, func() int32 { return int32(g.srange(-100000, 100000)) })
	v.S64Range = opt(g, func() int64 { return g.srange(-1e12, 1e12) })
	v.UintMax = opt(g, func() uint64 { return g.urange(0, 1e6) })
	v.SintRange = opt(g, func() int64 { return g.srange(-1e6, 1e6) })
	v.Be32Max = opt(g, func() uint32 { return uint32(g.urange(0, 65535)) })
	v.U32Mask = opt(g, func() uint32 { return uint32(g.urange(0, permMask)) })
	v.StrMax = opt(g, func() string { return g.str(0, strMaxLen) })
	v.StrRange = opt(g, func() string { return g.str(strRangeMin, strRangeMax) })
	if g.present() {
		v.BinMin = g.bytes(binMinLen, 64)
	}
	if g.present() {
		v.BinMax = g.bytes(0, binMaxLen)
	}
	if g.present() {
		v.BinExact = runtime.Some([binExactLen]byte(g.bytes(binExactLen, binExactLen)))
	}
	if g.present() {
		v.BinRange = g.bytes(binRangeMin, binRangeMax)
	}
	if g.present() {
		l := g.leaf()
		v.Leaf = &l
	}
	v.MultiLeaf = slice(g, nestArrayMax, g.leaf)
	v.IdxLeaf = array(g, nestArrayMax, g.leaf)
	v.MultiS64 = slice(g, arrayMax, func() int64 { return g.signed(64) })
	v.MultiStr = slice(g, arrayMax, func() string { return g.str(0, 64) })
	v.MultiBin = slice(g, arrayMax, func() []byte { return g.bytes(0, 64) })
	v.IdxS16 = array(g, arrayMax, func() int16 { return int16(g.signed(16)) })
	v.IdxU64 = array(g, arrayMax, func() uint64 { return g.unsigned(64) })
	v.Count = opt(g, func() uint32 { return uint32(g.urange(0, countMax)) })
	return v
}

// modeOf picks the mode of request i: mostly random, one in 25 with every
// attribute at its largest, one in 25 empty.
func modeOf(i int) int {
	switch i % 25 {
	case 1:
		return modeFull
	case 2:
		return modeEmpty
	}
	return modeRandom
}

// want is what the kernel's echo of req must decode to: req itself, an
// indexed array or a nest-type-value sent empty (an empty nest) included.
func want(req *at.All) *at.All { return req }

// diff lists the fields in which got and want differ, one per line, with
// both values; "" if they are equal.
func diff(got, want *at.All) string {
	if reflect.DeepEqual(got, want) {
		return ""
	}
	if got == nil || want == nil {
		return fmt.Sprintf("\n  got %v, want %v", got, want)
	}
	gv, wv := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	var b strings.Builder
	for i := range gv.NumField() {
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if reflect.DeepEqual(g, w) {
			continue
		}
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if string(gj) == string(wj) { // nil and empty, or bytes JSON hides
			gj, wj = []byte(fmt.Sprintf("%#v", g)), []byte(fmt.Sprintf("%#v", w))
		}
		fmt.Fprintf(&b, "\n  %s:\n    got  %s\n    want %s", gv.Type().Field(i).Name, gj, wj)
	}
	return b.String()
}

// presentFields adds to seen the names of the fields v sets (the
// attributes a request carries).
func presentFields(v *at.All, seen map[string]int) {
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		name := rv.Type().Field(i).Name
		if name == "Header" || name == "Unknown" {
			continue
		}
		if !rv.Field(i).IsZero() {
			seen[name]++
		}
	}
}

// echoFields lists the fields of All whose attributes the echo carries:
// all but Header and Unknown.
func echoFields() []string {
	var out []string
	rt := reflect.TypeOf(at.All{})
	for i := range rt.NumField() {
		switch n := rt.Field(i).Name; n {
		case "Header", "Unknown":
		default:
			out = append(out, n)
		}
	}
	return out
}
