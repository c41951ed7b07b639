//go:build e2e_guest

package storm

import (
	"golang.org/x/sys/unix"

	at "github.com/genlgen/genlgen/internal/gogen/alltypes"
	"github.com/genlgen/genlgen/runtime"
)

// The all-types module's numbers, the generated client's constants (the
// names of the uAPI header alltypes.h in Go form), in this file's short
// names.
const (
	atCmdDoAll   = at.AlltypesCmdDoAll
	atCmdGetSome = at.AlltypesCmdGetSome
	atCmdEcho    = at.AlltypesCmdEcho
	atCmdEchoNtf = at.AlltypesCmdEchoNtf
	atHdrLen     = 8 // struct alltypes_hdr

	// The "all" set.
	atAllU32       = at.AlltypesAAllU32
	atAllStr       = at.AlltypesAAllStr
	atAllBin       = at.AlltypesAAllBin
	atAllNest      = at.AlltypesAAllNest
	atAllMultiNest = at.AlltypesAAllMultiNest
	atAllIdxNest   = at.AlltypesAAllIdxNest
	atAllTv        = at.AlltypesAAllTv
	atAllLeaf      = at.AlltypesAAllLeaf
	atAllMultiBin  = at.AlltypesAAllMultiBin
	atAllCount     = at.AlltypesAAllCount
	atAllMax       = at.AlltypesAAllCount // the last
	// The "inner" set, which nests itself through child.
	atInnerA     = at.AlltypesAInnerA
	atInnerB     = at.AlltypesAInnerB
	atInnerChild = at.AlltypesAInnerChild
	atInnerMax   = at.AlltypesAInnerChild
	// The "leaf" set, which does not.
	atLeafMax = at.AlltypesALeafPad

	atCountMax = 1000 // count's max check

	// maxRecursion is the kernel's MAX_POLICY_RECURSION_DEPTH
	// (lib/nlattr.c): policy validation refuses to go deeper.
	maxRecursion = 10
)

// Party tags: the fixed header's id in the valid requests of each sender
// of the notification flood, so a notification names the party whose
// request caused it. Each two differ in every byte, so a storm mutation
// (four bytes changed at most) never turns one into another.
const (
	tagInit   = 0x11111111 // root in the initial namespaces
	tagNobody = 0x22222222 // nobody in the initial namespaces
	tagNetns  = 0x33333333 // root in a new network namespace
	tagUserns = 0x44444444 // root of a new user namespace, in a new network namespace
)

var partyTags = map[uint32]string{tagInit: "init", tagNobody: "nobody", tagNetns: "netns", tagUserns: "userns+netns"}

// atShape is the all-types module's: seven commands, the "all" set's 59
// types (and two beyond) at the top, the nested sets' few below, an 8-byte
// fixed header, nests deeper than the kernel validates, datagrams past
// 8 KiB, and depth bombs and edge lengths among the messages.
var atShape = &shape{
	cmds: 8, attrTypes: atAllMax + 3, nestTypes: atLeafMax + 2, maxDepth: 12,
	hdrLen: atHdrLen, bigDatagrams: true,
	valid: (*gen).validAlltypes, special: (*gen).specialAlltypes,
}

// hdr returns the fixed header of a valid request: the tag, or a random
// id that is no party's.
func (g *gen) hdr() at.Hdr {
	id := g.tag
	for id == 0 || (g.tag == 0 && partyTags[id] != "") {
		id = g.r.Uint32()
	}
	return at.Hdr{ID: id, Port: uint16(g.r.Uint32()), Kind: at.Color(uint8(g.r.Uint32())), Reserved: uint8(g.r.Uint32())}
}

// atMessage frames a request of the all-types family: header, fixed
// header, attributes.
func (g *gen) atMessage(flags uint16, cmd uint8, h at.Hdr, encode func(*runtime.Encoder)) []byte {
	b := g.header(flags, cmd, at.FamilyVersion)
	b = append(b, hdrBytes(h)...)
	attrs, err := runtime.MarshalAttrs(encode)
	if err != nil {
		panic("storm: encode: " + err.Error())
	}
	return finish(append(b, attrs...))
}

func hdrBytes(h at.Hdr) []byte {
	b := make([]byte, atHdrLen)
	ne.PutUint32(b, h.ID)
	b[4], b[5] = byte(h.Port>>8), byte(h.Port) // big-endian
	b[6], b[7] = byte(h.Kind), h.Reserved
	return b
}

// validAlltypes returns an echo with a few random valid attributes (or
// every one), an echo dump of up to 40 entries, a do-all, a do-all dump or
// a get-some. With a tag, always an echo: its notification is the point.
func (g *gen) validAlltypes() []byte {
	const req = unix.NLM_F_REQUEST | unix.NLM_F_ACK
	h := g.hdr()
	k := g.r.IntN(20)
	if g.tag != 0 {
		k = 0
	}
	switch {
	case k < 12:
		return g.atMessage(req, atCmdEcho, h, g.all(1+g.r.IntN(6)).Encode)
	case k < 13:
		return g.atMessage(req, atCmdEcho, h, g.all(len(allSetters)).Encode)
	case k < 16:
		v := g.all(g.r.IntN(4))
		v.Count = runtime.Some(uint32(g.r.IntN(41)))
		return g.atMessage(req|unix.NLM_F_DUMP, atCmdEcho, h, v.Encode)
	case k < 18:
		v := &at.All{U8: runtime.Some(uint8(g.r.Uint32())), U32: runtime.Some(g.r.Uint32()), Str: runtime.Some(g.word(g.r.IntN(64)))}
		if g.r.IntN(2) == 0 {
			n := g.inner(g.r.IntN(maxRecursion - 1))
			v.Nest = &n
		}
		return g.atMessage(req, atCmdDoAll, h, v.Encode)
	case k < 19:
		return g.atMessage(req|unix.NLM_F_DUMP, atCmdDoAll, h, func(*runtime.Encoder) {})
	default:
		v := &at.Some{U32: runtime.Some(g.r.Uint32())}
		return g.atMessage(req, atCmdGetSome, h, v.Encode)
	}
}

// all returns a valid echo request with n attributes drawn at random
// (some perhaps twice, so fewer), or all of them when n is the number of
// setters.
func (g *gen) all(n int) *at.All {
	v := &at.All{}
	if n >= len(allSetters) {
		for _, set := range allSetters {
			set(g, v)
		}
		return v
	}
	for range n {
		allSetters[g.r.IntN(len(allSetters))](g, v)
	}
	return v
}

// word returns n letters: a string without NUL.
func (g *gen) word(n int) string { return string(g.text(n, false)) }

// inner returns an "inner" nest with children levels below it.
func (g *gen) inner(children int) at.Inner {
	v := at.Inner{A: runtime.Some(g.r.Uint32())}
	if g.r.IntN(2) == 0 {
		v.B = runtime.Some(g.word(g.r.IntN(32)))
	}
	if children > 0 {
		c := g.inner(children - 1)
		v.Child = &c
	}
	return v
}

func (g *gen) leaf() at.Leaf {
	return at.Leaf{
		U16: runtime.Some(uint16(g.r.Uint32())), S64: runtime.Some(int64(g.r.Uint64())),
		Uint: runtime.Some(g.r.Uint64() >> g.r.IntN(64)), Flag: g.r.IntN(2) == 0,
		Str: runtime.Some(g.word(g.r.IntN(13))), Bin: runtime.Some([4]byte(g.bytes(4))),
		Stats: runtime.Some(g.stats()), Color: runtime.Some(at.Color(g.r.IntN(3))),
	}
}

func (g *gen) stats() at.Stats {
	return at.Stats{Packets: g.r.Uint64(), Delta: int32(g.r.Uint32()), Addr: g.r.Uint32(),
		MAC: [6]byte(g.bytes(6)), Tail: uint16(g.r.Uint32()), Hdr: g.hdr()}
}

// elems returns up to max elements made by elem.
func elems[T any](g *gen, max int, elem func() T) []T {
	out := make([]T, 1+g.r.IntN(max))
	for i := range out {
		out[i] = elem()
	}
	return out
}

// allSetters set one attribute of the echo each, to a value its checks
// accept: every type of the "all" set.
var allSetters = []func(g *gen, v *at.All){
	func(g *gen, v *at.All) { v.U8 = runtime.Some(uint8(g.r.Uint32())) },
	func(g *gen, v *at.All) { v.U16 = runtime.Some(uint16(g.r.Uint32())) },
	func(g *gen, v *at.All) { v.U32 = runtime.Some(g.r.Uint32()) },
	func(g *gen, v *at.All) { v.U64 = runtime.Some(g.r.Uint64()) },
	func(g *gen, v *at.All) { v.S8 = runtime.Some(int8(g.r.Uint32())) },
	func(g *gen, v *at.All) { v.S16 = runtime.Some(int16(g.r.Uint32())) },
	func(g *gen, v *at.All) { v.S32 = runtime.Some(int32(g.r.Uint32())) },
	func(g *gen, v *at.All) { v.S64 = runtime.Some(int64(g.r.Uint64())) },
	func(g *gen, v *at.All) { v.Uint = runtime.Some(g.r.Uint64() >> g.r.IntN(64)) },
	func(g *gen, v *at.All) { v.Sint = runtime.Some(int64(g.r.Uint64()) >> g.r.IntN(64)) },
	func(g *gen, v *at.All) { v.Be16 = runtime.Some(uint16(g.r.Uint32())) },
	func(g *gen, v *at.All) { v.Be32 = runtime.Some(g.r.Uint32()) },
	func(g *gen, v *at.All) { v.Be64 = runtime.Some(g.r.Uint64()) },
	func(g *gen, v *at.All) { v.Flag = true },
	func(g *gen, v *at.All) { v.Str = runtime.Some(g.word(g.r.IntN(256))) },
	func(g *gen, v *at.All) { v.LooseStr = runtime.Some(g.word(g.r.IntN(256))) },
	func(g *gen, v *at.All) { v.Bin = g.bytes(g.r.IntN(256)) },
	func(g *gen, v *at.All) { v.U32Array = elems(g, 16, g.r.Uint32) },
	func(g *gen, v *at.All) { v.S16Array = elems(g, 16, func() int16 { return int16(g.r.Uint32()) }) },
	func(g *gen, v *at.All) { v.Stats = runtime.Some(g.stats()) },
	func(g *gen, v *at.All) { n := g.inner(g.r.IntN(maxRecursion - 1)); v.Nest = &n },
	func(g *gen, v *at.All) { v.MultiU32 = elems(g, 16, g.r.Uint32) },
	func(g *gen, v *at.All) { v.MultiStr = elems(g, 8, func() string { return g.word(g.r.IntN(64)) }) },
	func(g *gen, v *at.All) { v.MultiNest = elems(g, 4, func() at.Inner { return g.inner(g.r.IntN(3)) }) },
	func(g *gen, v *at.All) { v.IdxNest = elems(g, 4, func() at.Inner { return g.inner(g.r.IntN(3)) }) },
	func(g *gen, v *at.All) { v.IdxU32 = elems(g, 16, g.r.Uint32) },
	func(g *gen, v *at.All) {
		v.Tv = elems(g, 4, func() at.AllTvEntry {
			return at.AllTvEntry{AID: uint16(1 + g.r.IntN(4)), BID: uint16(1 + g.r.IntN(4)), Attrs: g.inner(g.r.IntN(3))}
		})
	},
	func(g *gen, v *at.All) {
		sel := uint32(g.r.IntN(8))
		v.Bf = runtime.Some(runtime.Bitfield32{Value: sel & uint32(g.r.IntN(8)), Selector: sel})
	},
	func(g *gen, v *at.All) { v.Color = runtime.Some(at.Color(g.r.IntN(3))) },
	func(g *gen, v *at.All) { v.Perms = runtime.Some(at.Perm(g.r.IntN(8))) },
	func(g *gen, v *at.All) { v.ColorMask = runtime.Some(uint32(g.r.IntN(8))) },
	func(g *gen, v *at.All) { v.U8Range = runtime.Some(uint8(10 + g.r.IntN(191))) },
	func(g *gen, v *at.All) { v.U16Max = runtime.Some(uint16(g.r.IntN(1001))) },
	func(g *gen, v *at.All) { v.U32Range = runtime.Some(uint32(5 + g.r.IntN(100000-4))) },
	func(g *gen, v *at.All) { v.U64Max = runtime.Some(g.r.Uint64N(1e12 + 1)) },
	func(g *gen, v *at.All) { v.S8Range = runtime.Some(int8(g.r.IntN(201) - 100)) },
	func(g *gen, v *at.All) { v.S16Range = runtime.Some(int16(g.r.IntN(2001) - 1000)) },
	func(g *gen, v *at.All) { v.S32Range = runtime.Some(int32(g.r.IntN(200001) - 100000)) },
	func(g *gen, v *at.All) { v.S64Range = runtime.Some(g.r.Int64N(2e12+1) - 1e12) },
	func(g *gen, v *at.All) { v.UintMax = runtime.Some(g.r.Uint64N(1e6 + 1)) },
	func(g *gen, v *at.All) { v.SintRange = runtime.Some(g.r.Int64N(2e6+1) - 1e6) },
	func(g *gen, v *at.All) { v.Be32Max = runtime.Some(uint32(g.r.IntN(65536))) },
	func(g *gen, v *at.All) { v.U32Mask = runtime.Some(uint32(g.r.IntN(8))) },
	func(g *gen, v *at.All) { v.StrMax = runtime.Some(g.word(g.r.IntN(at.MaxThings + 1))) },
	func(g *gen, v *at.All) { v.StrRange = runtime.Some(g.word(2 + g.r.IntN(7))) },
	func(g *gen, v *at.All) { v.BinMin = g.bytes(4 + g.r.IntN(64)) },
	func(g *gen, v *at.All) { v.BinMax = g.bytes(g.r.IntN(33)) },
	func(g *gen, v *at.All) { v.BinExact = runtime.Some([16]byte(g.bytes(16))) },
	func(g *gen, v *at.All) { v.BinRange = g.bytes(2 + g.r.IntN(7)) },
	func(g *gen, v *at.All) { l := g.leaf(); v.Leaf = &l },
	func(g *gen, v *at.All) { v.MultiLeaf = elems(g, 4, g.leaf) },
	func(g *gen, v *at.All) { v.IdxLeaf = elems(g, 4, g.leaf) },
	func(g *gen, v *at.All) { v.MultiS64 = elems(g, 16, func() int64 { return int64(g.r.Uint64()) }) },
	func(g *gen, v *at.All) { v.MultiBin = elems(g, 8, func() []byte { return g.bytes(g.r.IntN(64)) }) },
	func(g *gen, v *at.All) { v.IdxS16 = elems(g, 16, func() int16 { return int16(g.r.Uint32()) }) },
	func(g *gen, v *at.All) { v.IdxU64 = elems(g, 16, g.r.Uint64) },
	func(g *gen, v *at.All) { v.Count = runtime.Some(uint32(g.r.IntN(atCountMax + 1))) },
}

// specialAlltypes returns an echo (a dump now and then) of a few valid
// attributes and either a depth bomb on one of the nest paths or one
// attribute of any type at an edge length. The 64 KiB ones (the deepest
// bomb, the longest attribute) are rarer, one in 20: they cost the storm
// the most time, and the probes send each of them anyway.
func (g *gen) specialAlltypes() []byte {
	v := g.all(g.r.IntN(3))
	big := g.r.IntN(20) == 0
	if g.r.IntN(2) == 0 {
		p := bombPaths[g.r.IntN(len(bombPaths))]
		levels := []int{p.limit - 1, p.limit, p.limit + 1, p.limit + 2, 100, 1000}[g.r.IntN(6)]
		if big {
			levels = p.maxLevels()
		}
		v.Unknown = append(v.Unknown, p.bomb(levels))
	} else {
		typ := uint16(g.r.IntN(atAllMax + 2))
		n := edgeLens[g.r.IntN(len(edgeLens)-1)]
		if big {
			n = edgeLens[len(edgeLens)-1]
		}
		v.Unknown = append(v.Unknown, edgeAttr(atAllKinds[:], typ, n, g.r.IntN(4) != 0))
	}
	flags := uint16(unix.NLM_F_REQUEST | unix.NLM_F_ACK)
	if g.r.IntN(4) == 0 {
		flags |= unix.NLM_F_DUMP
		v.Count = runtime.Some(uint32(g.r.IntN(4)))
	}
	return g.atMessage(flags, atCmdEcho, g.hdr(), v.Encode)
}

// A bombPath is where a depth bomb goes: the attributes around a chain
// of "inner" nests, each the child of the one before.
type bombPath struct {
	name string
	cmd  uint8
	// around are the types of the attributes that hold the chain,
	// outermost first, at the top level of the request; the last one
	// holds an "inner" set and is the chain's first nest.
	around []uint16
	// limit is the most inner nests the kernel takes on this path: the
	// policy's nests are validated MAX_POLICY_RECURSION_DEPTH - 1 deep
	// below the top, except tv's entries, which the policy leaves alone
	// and the handler validates from depth 0, one level more.
	limit int
}

var bombPaths = []bombPath{
	{"nest", atCmdEcho, []uint16{atAllNest}, maxRecursion - 1},
	{"multi-nest", atCmdEcho, []uint16{atAllMultiNest}, maxRecursion - 1},
	{"idx-nest", atCmdEcho, []uint16{atAllIdxNest, 0}, maxRecursion - 1},
	{"tv", atCmdEcho, []uint16{atAllTv, 1, 2}, maxRecursion},
	{"do-all nest", atCmdDoAll, []uint16{atAllNest}, maxRecursion - 1},
}

// maxLevels is the deepest chain that fits the path's outermost
// attribute (an nla_len of 0xffff): four bytes a level.
func (p bombPath) maxLevels() int {
	return (0xffff-attrHdrLen-8)/attrHdrLen - (len(p.around) - 1) + 1
}

// bomb returns the path's outermost attribute holding a chain of levels
// inner nests, the innermost with an "a" of levels. It is built in place,
// each nest's length covering everything after its header.
func (p bombPath) bomb(levels int) runtime.RawAttr {
	n := len(p.around) - 1 + levels - 1 // nests inside the outermost
	size := attrHdrLen*n + 8
	b := make([]byte, size)
	for i := range n {
		typ := uint16(atInnerChild)
		if i < len(p.around)-1 {
			typ = p.around[i+1]
		}
		ne.PutUint16(b[attrHdrLen*i:], uint16(size-attrHdrLen*i))
		ne.PutUint16(b[attrHdrLen*i+2:], typ|unix.NLA_F_NESTED)
	}
	a := b[attrHdrLen*n:]
	ne.PutUint16(a, 8)
	ne.PutUint16(a[2:], atInnerA)
	ne.PutUint32(a[4:], uint32(levels))
	return runtime.RawAttr{Type: p.around[0], Flags: unix.NLA_F_NESTED, Data: b}
}

// chainDepth counts the inner nests of a chain whose first nest's
// payload is b, following child; the innermost's "a" must say the same.
func chainDepth(b []byte) (levels int, a uint32) {
	for {
		levels++
		var child []byte
		it := runtime.Attrs(b)
		for it.Next() {
			switch it.Type() {
			case atInnerA:
				if d := it.Data(); len(d) == 4 {
					a = ne.Uint32(d)
				}
			case atInnerChild:
				child = it.Data()
			}
		}
		if child == nil {
			return levels, a
		}
		b = child
	}
}

// edgeLens are the payload lengths of the edge-length attack: none, the
// ones shorter than any integer, both sides of each fixed size and of the
// checked lengths (bin-exact 16, stats 32, bin-max 32, str-max 16), and
// the largest an attribute holds (nla_len 0xffff).
var edgeLens = []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 18, 31, 32, 33, 0xffff - attrHdrLen}

// edgeAttr returns an attribute of type typ of a set of kinds with an
// n-byte payload of letters, NUL-terminated if nul; nests get
// NLA_F_NESTED.
func edgeAttr(kinds []attrKind, typ uint16, n int, nul bool) runtime.RawAttr {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte('a' + i%26)
	}
	if nul && n > 0 {
		p[n-1] = 0
	}
	a := runtime.RawAttr{Type: typ, Data: p}
	if kindOf(kinds, typ) == kindNest {
		a.Flags = unix.NLA_F_NESTED
	}
	return a
}

// Kinds of attribute, for what the echo of an edge length must return.
type attrKind uint8

const (
	kindOther  attrKind = iota // unused, pad, unknown: nothing to compare
	kindFixed                  // integers, flag, bitfield32: the same bytes
	kindUint                   // uint: 4 or 8 bytes, the same value
	kindSint                   // sint: 4 or 8 bytes, the same value
	kindStr                    // NUL strings: the same bytes up to the NUL
	kindLoose                  // unterminated-ok string: the bytes before a NUL, if any
	kindBin                    // binary (arrays of integers too): the same bytes
	kindStruct                 // a struct (min-len 32): its 32 bytes
	kindNest                   // nests and arrays of nests: not compared
)

// Kinds of the "all", "inner" and "leaf" sets' attributes, by type.
var (
	atAllKinds = [atAllMax + 1]attrKind{
		0: kindOther, 1: kindFixed, 2: kindFixed, 3: kindFixed, 4: kindFixed,
		5: kindFixed, 6: kindFixed, 7: kindFixed, 8: kindFixed,
		9: kindUint, 10: kindSint, 11: kindFixed, 12: kindFixed, 13: kindFixed,
		14: kindFixed, 15: kindStr, 16: kindLoose, 17: kindBin, 18: kindBin,
		19: kindBin, 20: kindStruct, 21: kindNest, 22: kindFixed, 23: kindStr,
		24: kindNest, 25: kindNest, 26: kindNest, 27: kindNest, 28: kindFixed,
		29: kindFixed, 30: kindFixed, 31: kindFixed, 32: kindOther,
		33: kindFixed, 34: kindFixed, 35: kindFixed, 36: kindFixed,
		37: kindFixed, 38: kindFixed, 39: kindFixed, 40: kindFixed,
		41: kindUint, 42: kindSint, 43: kindFixed, 44: kindFixed,
		45: kindStr, 46: kindStr, 47: kindBin, 48: kindBin, 49: kindBin,
		50: kindBin, 51: kindNest, 52: kindNest, 53: kindNest, 54: kindFixed,
		55: kindBin, 56: kindNest, 57: kindNest, 58: kindFixed,
	}
	atInnerKinds = [atInnerMax + 1]attrKind{0: kindOther, 1: kindFixed, 2: kindStr, 3: kindNest}
	atLeafKinds  = [atLeafMax + 1]attrKind{
		0: kindOther, 1: kindFixed, 2: kindFixed, 3: kindUint, 4: kindFixed,
		5: kindStr, 6: kindBin, 7: kindStruct, 8: kindFixed, 9: kindOther,
	}
)

// kindOf returns the kind of type typ in kinds (kindOther beyond it).
func kindOf(kinds []attrKind, typ uint16) attrKind {
	if int(typ) < len(kinds) {
		return kinds[typ]
	}
	return kindOther
}

// echoed reports whether got, the payload the echo returned for an
// attribute of kind k, is what sent must come back as.
func echoed(k attrKind, sent, got []byte) bool {
	switch k {
	case kindUint, kindSint:
		return (len(sent) == 4 || len(sent) == 8) && (len(got) == 4 || len(got) == 8) &&
			intValue(sent, k == kindSint) == intValue(got, k == kindSint)
	case kindStr, kindLoose:
		return string(cutNUL(got)) == string(cutNUL(sent))
	case kindStruct:
		return len(sent) >= 32 && string(got) == string(sent[:32])
	case kindNest, kindOther:
		return true
	}
	return string(got) == string(sent)
}

func cutNUL(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// intValue reads a uint or sint of 4 or 8 bytes.
func intValue(b []byte, signed bool) uint64 {
	if len(b) == 8 {
		return ne.Uint64(b)
	}
	if signed {
		return uint64(int64(int32(ne.Uint32(b))))
	}
	return uint64(ne.Uint32(b))
}
