//go:build e2e_guest

package e2ealltypes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	at "github.com/genlgen/genlgen/internal/gogen/alltypes"
	"github.com/genlgen/genlgen/runtime"
)

// figures sums up a run, logged at the end of each test.
type figures struct {
	echoes, ntfs, dumps, entries int
	covered                      map[string]int // echo fields seen present
	short                        []int          // request sizes the short-reply bug hit
}

func newFigures() *figures { return &figures{covered: map[string]int{}} }

// Totals of the whole suite, logged by the last test.
var total struct {
	requests int // requests sent to the module
	checked  int // replies, dump entries and notifications compared
	rejected int // invalid requests rejected as they must be
}

// isShortReplyBug says whether err is a known bug of the generated reply
// and notify helpers: they allocate genlmsg_new(size of the attributes),
// which leaves out the family's fixed header (struct alltypes_hdr, 8
// bytes) that genlmsg_put reserves too. The skb's round-up to its slab
// size usually hides it; when the attributes end within 8 bytes of the
// skb's end, the last put fails and the request fails with EMSGSIZE
// (without an extended ACK).
func isShortReplyBug(err error) bool {
	var ke *runtime.Error
	return errors.As(err, &ke) && ke.Errno == unix.EMSGSIZE && ke.AttrPath == "" && ke.Message == ""
}

// shortReply records (and with -strict-known fails on) the short-reply
// bug for req.
func (f *figures) shortReply(t *testing.T, req *at.All, err error) {
	t.Helper()
	b, merr := runtime.MarshalAttrs(req.Encode)
	if merr != nil {
		t.Fatal(merr)
	}
	f.short = append(f.short, len(b))
	msg := fmt.Sprintf("BUG (generated reply/notify helper, genlmsg_new without the fixed header): echo of %d bytes of attributes failed: %v", len(b), err)
	if *strict {
		t.Error(msg)
	} else {
		t.Log(msg)
	}
}

// resync follows an echo whose reply the short-reply bug lost: its
// notification, sized alike, is usually lost too. A marker echo follows;
// whatever notification comes before the marker's must equal w.
func resync(t *testing.T, ctx context.Context, c *at.Client, next func() (at.Notification, error), w *at.All, i int) {
	t.Helper()
	mark := fmt.Sprintf("resync %d", i)
	if _, err := c.Echo(ctx, &at.All{Str: runtime.Some(mark)}); err != nil {
		t.Fatalf("echo %d: marker: %v", i, err)
	}
	for {
		n, err := next()
		if err != nil {
			t.Fatalf("echo %d: notification: %v", i, err)
		}
		v, _ := n.(at.EchoNtf)
		if v.All != nil && v.Str.V == mark {
			return
		}
		if d := diff(v.All, w); d != "" {
			t.Fatalf("echo %d: the notification differs from the request:%s", i, d)
		}
		total.checked++
	}
}

// TestOtherOps: the spec's older operations still work (do-all and its
// notification, its dump, get-some).
func TestOtherOps(t *testing.T) {
	ctx := guest.Ctx(t, 30*time.Second)
	c := dial(t, ctx)
	next, stop := notifications(t, ctx, dial(t, ctx))
	defer stop()

	req := &at.All{
		Header: at.Hdr{ID: 1, Port: 2, Kind: at.ColorBlue, Reserved: 3},
		U8:     runtime.Some(uint8(0xfe)),
		U32:    runtime.Some(uint32(0xdeadbeef)),
		Str:    runtime.Some("do-all"),
		Nest:   &at.Inner{A: runtime.Some(uint32(7)), Child: &at.Inner{B: runtime.Some("deep")}},
		U16:    runtime.Some(uint16(9)), // not a do-all request attribute
	}
	if _, err := c.DoAll(ctx, req); !errors.Is(err, runtime.ErrNotInRequest) || !strings.Contains(err.Error(), "U16") {
		t.Fatalf("do-all with u16 set: %v, want runtime.ErrNotInRequest naming U16", err)
	}
	req.U16 = runtime.Opt[uint16]{}
	rsp, err := c.DoAll(ctx, req)
	if err != nil {
		t.Fatalf("do-all: %v", err)
	}
	w := *req
	if d := diff(rsp, &w); d != "" {
		t.Errorf("do-all reply differs:%s", d)
	}
	n, err := next()
	a, ok := n.(at.AllNtf)
	if err != nil || !ok {
		t.Fatalf("all-ntf: %+v, %v", n, err)
	}
	if d := diff(a.All, &w); d != "" {
		t.Errorf("all-ntf differs:%s", d)
	}

	var got []uint8
	for e, err := range c.DoAllDump(ctx, &at.All{}) {
		if err != nil {
			t.Fatalf("do-all dump: %v", err)
		}
		got = append(got, e.U8.V)
	}
	if !reflect.DeepEqual(got, []uint8{0, 1, 2}) {
		t.Errorf("do-all dump: u8 %v, want [0 1 2]", got)
	}

	some, err := c.GetSome(ctx, &at.Some{U32: runtime.Some(uint32(42))})
	if err != nil {
		t.Fatalf("get-some: %v", err)
	}
	if some.U32 != runtime.Some(uint32(42)) || some.Str != runtime.Some("some") {
		t.Errorf("get-some: %+v, want u32 42, str some", some)
	}
}

// echoBatch sends n random valid echoes and requires each reply, and the
// echo-ntf notification each one causes, to equal the request.
func echoBatch(t *testing.T, ctx context.Context, c *at.Client, next func() (at.Notification, error), g *gen, n int, f *figures) {
	t.Helper()
	for i := range n {
		req := g.all(modeOf(i))
		presentFields(req, f.covered)
		w := want(req)
		rsp, err := c.Echo(ctx, req)
		f.echoes++
		total.requests++
		if isShortReplyBug(err) {
			f.shortReply(t, req, err)
			resync(t, ctx, c, next, w, i)
			continue
		}
		if err != nil {
			t.Fatalf("echo %d (mode %d): %v", i, modeOf(i), err)
		}
		if d := diff(rsp, w); d != "" {
			t.Fatalf("echo %d (mode %d): the reply differs from the request:%s", i, modeOf(i), d)
		}
		total.checked++
		ntf, err := next()
		if err != nil {
			t.Fatalf("echo %d: notification: %v", i, err)
		}
		f.ntfs++
		e, ok := ntf.(at.EchoNtf)
		if !ok {
			t.Fatalf("echo %d: notification %#v, want echo-ntf", i, ntf)
		}
		v := e.All
		if d := diff(v, w); d != "" {
			t.Fatalf("echo %d: the notification differs from the request:%s", i, d)
		}
		total.checked++
	}
}

// dumpOnce dumps req and requires count entries (3 without a count), entry
// i equal to the request with count i.
func dumpOnce(t *testing.T, ctx context.Context, c *at.Client, req *at.All, f *figures) {
	t.Helper()
	n := 3
	if req.Count.Present {
		n = int(req.Count.V)
	}
	w := want(req)
	i := 0
	for e, err := range c.EchoDump(ctx, req) {
		if err != nil {
			t.Fatalf("dump of %d entries: after %d: %v", n, i, err)
		}
		w.Count = runtime.Some(uint32(i))
		if d := diff(e, w); d != "" {
			t.Fatalf("dump of %d entries: entry %d differs:%s", n, i, d)
		}
		i++
	}
	f.dumps++
	f.entries += i
	total.requests++
	total.checked += i
	if i != n {
		t.Fatalf("dump: %d entries, want %d", i, n)
	}
}

// dumpBatch runs n random dumps of up to 40 entries, then one of 1000
// entries, whose messages fill many dump skbs (cb->args resumes it).
func dumpBatch(t *testing.T, ctx context.Context, c *at.Client, g *gen, n int, f *figures) {
	t.Helper()
	for i := range n {
		req := g.all(modeOf(i))
		switch i % 4 {
		case 0:
			req.Count = runtime.Opt[uint32]{} // the default, 3
		default:
			req.Count = runtime.Some(uint32(g.r.IntN(41)))
		}
		dumpOnce(t, ctx, c, req, f)
	}
	req := g.all(modeRandom)
	req.Count = runtime.Some(uint32(countMax))
	dumpOnce(t, ctx, c, req, f)
}

// TestEcho: thousands of random valid requests, every attribute type and
// kind, echoed field by field, and their notifications; then the dumps.
func TestEcho(t *testing.T) {
	ctx := guest.Ctx(t, 120*time.Second)
	g := newGen(seedOf(t, 1))
	c := dial(t, ctx)
	next, stop := notifications(t, ctx, dial(t, ctx))
	defer stop()
	f := newFigures()
	start := time.Now()
	echoBatch(t, ctx, c, next, g, *echoes, f)
	echoTime := time.Since(start)
	start = time.Now()
	dumpBatch(t, ctx, c, g, 100, f)
	// The dumps send no notification: the next one must be the end mark.
	if _, err := c.Echo(ctx, &at.All{Str: runtime.Some("end")}); err != nil {
		t.Fatal(err)
	}
	if n, err := next(); err != nil || !isEnd(n) {
		t.Fatalf("notification after the dumps: %+v, %v; want the end mark", n, err)
	}

	var missing []string
	for _, name := range echoFields() {
		if f.covered[name] == 0 {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Errorf("attributes never sent: %s", strings.Join(missing, ", "))
	}
	t.Logf("%d echoes (%v) with %d equal notifications, %d dumps with %d equal entries (%v); %d of the echo's %d attributes covered, each in at least %d requests",
		f.echoes, echoTime.Round(time.Millisecond), f.ntfs, f.dumps, f.entries, time.Since(start).Round(time.Millisecond),
		len(echoFields())-len(missing), len(echoFields()), minCount(f.covered, echoFields()))
	if len(f.short) > 0 {
		t.Logf("BUG: %d of %d echoes failed with EMSGSIZE (short reply skb), attribute sizes %v", len(f.short), f.echoes, f.short)
	}
	t.Logf("types covered: u8 u16 u32 u64 s8 s16 s32 s64 uint sint be16 be32 be64 flag string (NUL, unterminated-ok, max-len, min/max-len) binary (free, min, max, exact, range) binary sub-type u32/s16 arrays, struct (nested struct member), nest (recursive, by value), multi-attr u32/s64/string/binary/nest, indexed-array of nests/u32/s16/u64 (empty ones too), nest-type-value of two keys (validated entries), bitfield32, enum u8, flags u32, enum-as-flags u32, checked ranges and masks of every integer width")
}

func minCount(m map[string]int, names []string) int {
	least := -1
	for _, n := range names {
		if least < 0 || m[n] < least {
			least = m[n]
		}
	}
	return least
}

// invalidCase makes a request invalid in one attribute.
type invalidCase struct {
	name   string
	errnos []unix.Errno
	// apply sets an invalid value in req and returns the path the
	// extended ACK must name.
	apply func(g *gen, req *at.All) string
}

var (
	eRange = []unix.Errno{unix.ERANGE}
	eInval = []unix.Errno{unix.EINVAL}
)

// outside returns a value outside [lo, hi] within [min, max].
func (g *gen) outsideU(lo, hi, max uint64) uint64 {
	if lo > 0 && (hi == max || g.r.IntN(2) == 0) {
		return g.urange(0, lo-1)
	}
	return g.urange(hi+1, max)
}

func (g *gen) outsideS(lo, hi, min, max int64) int64 {
	if g.r.IntN(2) == 0 {
		return g.srange(min, lo-1)
	}
	return g.srange(hi+1, max)
}

// raw appends an attribute the typed fields cannot express.
func raw(req *at.All, typ uint16, data []byte) {
	req.Unknown = append(req.Unknown, runtime.RawAttr{Type: typ, Data: data})
}

// rawNest appends a nested attribute of the attributes put writes.
func rawNest(req *at.All, typ uint16, put func(e *runtime.Encoder)) {
	b, err := runtime.MarshalAttrs(put)
	if err != nil {
		panic(err)
	}
	req.Unknown = append(req.Unknown, runtime.RawAttr{Type: typ, Flags: unix.NLA_F_NESTED, Data: b})
}

// wrongLen returns a length in [0, 12] other than n.
func (g *gen) wrongLen(n int) int {
	for {
		if l := g.r.IntN(13); l != n {
			return l
		}
	}
}

func invalidCases() []invalidCase {
	u := func(name string, lo, hi, max uint64, set func(*at.All, uint64)) invalidCase {
		return invalidCase{name, eRange, func(g *gen, r *at.All) string { set(r, g.outsideU(lo, hi, max)); return name }}
	}
	s := func(name string, lo, hi, min, max int64, set func(*at.All, int64)) invalidCase {
		return invalidCase{name, eRange, func(g *gen, r *at.All) string { set(r, g.outsideS(lo, hi, min, max)); return name }}
	}
	mask := func(name string, set func(*at.All, uint32)) invalidCase {
		return invalidCase{name, eInval, func(g *gen, r *at.All) string {
			set(r, uint32(g.urange(permMask+1, 1<<32-1))|uint32(g.r.IntN(permMask+1)))
			return name
		}}
	}
	// Attribute types of the "all" set, for raw attributes.
	const (
		tU8, tU16, tU32, tU64, tS16 = at.AlltypesAAllU8, at.AlltypesAAllU16, at.AlltypesAAllU32, at.AlltypesAAllU64, at.AlltypesAAllS16
		tBe16, tBe64, tFlag, tStr   = at.AlltypesAAllBe16, at.AlltypesAAllBe64, at.AlltypesAAllFlag, at.AlltypesAAllStr
		tStats, tMultiStr, tIdxU32  = at.AlltypesAAllStats, at.AlltypesAAllMultiStr, at.AlltypesAAllIdxU32
		tTv, tBinExact, tLeafBin    = at.AlltypesAAllTv, at.AlltypesAAllBinExact, at.AlltypesALeafBin
		tBf, tIdxU64                = at.AlltypesAAllBf, at.AlltypesAAllIdxU64
	)
	cases := []invalidCase{
		u("u8-range", 10, 200, 255, func(r *at.All, v uint64) { r.U8Range = runtime.Some(uint8(v)) }),
		u("u16-max", 0, 1000, 1<<16-1, func(r *at.All, v uint64) { r.U16Max = runtime.Some(uint16(v)) }),
		u("u32-range", 5, 100000, 1<<32-1, func(r *at.All, v uint64) { r.U32Range = runtime.Some(uint32(v)) }),
		u("u64-max", 0, 1e12, 1<<64-1, func(r *at.All, v uint64) { r.U64Max = runtime.Some(v) }),
		s("s8-range", -100, 100, -128, 127, func(r *at.All, v int64) { r.S8Range = runtime.Some(int8(v)) }),
		s("s16-range", -1000, 1000, -1<<15, 1<<15-1, func(r *at.All, v int64) { r.S16Range = runtime.Some(int16(v)) }),
		s("s32-range", -100000, 100000, -1<<31, 1<<31-1, func(r *at.All, v int64) { r.S32Range = runtime.Some(int32(v)) }),
		s("s64-range", -1e12, 1e12, -1<<63, 1<<63-1, func(r *at.All, v int64) { r.S64Range = runtime.Some(v) }),
		u("uint-max", 0, 1e6, 1<<64-1, func(r *at.All, v uint64) { r.UintMax = runtime.Some(v) }),
		s("sint-range", -1e6, 1e6, -1<<63, 1<<63-1, func(r *at.All, v int64) { r.SintRange = runtime.Some(v) }),
		u("be32-max", 0, 65535, 1<<32-1, func(r *at.All, v uint64) { r.Be32Max = runtime.Some(uint32(v)) }),
		u("color", 0, colorMax, 255, func(r *at.All, v uint64) { r.Color = runtime.Some(at.Color(v)) }),
		u("count", 0, countMax, 1<<32-1, func(r *at.All, v uint64) { r.Count = runtime.Some(uint32(v)) }),
		mask("perms", func(r *at.All, v uint32) { r.Perms = runtime.Some(at.Perm(v)) }),
		mask("color-mask", func(r *at.All, v uint32) { r.ColorMask = runtime.Some(v) }),
		mask("u32-mask", func(r *at.All, v uint32) { r.U32Mask = runtime.Some(v) }),
		{"bf selector", eInval, func(g *gen, r *at.All) string {
			r.Bf = runtime.Some(runtime.Bitfield32{Selector: uint32(g.urange(permMask+1, 1<<32-1))})
			return "bf"
		}},
		{"bf value", eInval, func(g *gen, r *at.All) string {
			r.Bf = runtime.Some(runtime.Bitfield32{Value: uint32(g.urange(permMask+1, 1<<32-1)), Selector: permMask})
			return "bf"
		}},
		{"bf value not selected", eInval, func(g *gen, r *at.All) string {
			sel := uint32(g.r.IntN(permMask)) // never all three bits
			r.Bf = runtime.Some(runtime.Bitfield32{Value: permMask &^ sel, Selector: sel})
			return "bf"
		}},
		// Longer than max-len, the NUL is past where NLA_NUL_STRING looks.
		{"str-max too long", eInval, func(g *gen, r *at.All) string {
			r.StrMax = runtime.Some(g.str(strMaxLen+1, 200))
			return "str-max"
		}},
		{"str-range too short", eInval, func(g *gen, r *at.All) string {
			r.StrRange = runtime.Some(g.str(0, strRangeMin-1))
			return "str-range"
		}},
		{"str-range too long", eInval, func(g *gen, r *at.All) string {
			r.StrRange = runtime.Some(g.str(strRangeMax+1, 100))
			return "str-range"
		}},
		{"bin-min too short", eRange, func(g *gen, r *at.All) string { r.BinMin = g.bytes(0, binMinLen-1); return "bin-min" }},
		{"bin-max too long", eRange, func(g *gen, r *at.All) string { r.BinMax = g.bytes(binMaxLen+1, 200); return "bin-max" }},
		// bin-exact and leaf.bin are [N]byte in Go: a wrong length goes raw.
		{"bin-exact too short", eRange, func(g *gen, r *at.All) string {
			r.BinExact = runtime.Opt[[binExactLen]byte]{}
			raw(r, tBinExact, g.bytes(0, binExactLen-1))
			return "bin-exact"
		}},
		{"bin-exact too long", eRange, func(g *gen, r *at.All) string {
			r.BinExact = runtime.Opt[[binExactLen]byte]{}
			raw(r, tBinExact, g.bytes(binExactLen+1, 100))
			return "bin-exact"
		}},
		{"bin-range too short", eRange, func(g *gen, r *at.All) string { r.BinRange = g.bytes(0, binRangeMin-1); return "bin-range" }},
		{"bin-range too long", eRange, func(g *gen, r *at.All) string { r.BinRange = g.bytes(binRangeMax+1, 100); return "bin-range" }},
		{"stats short", eRange, func(g *gen, r *at.All) string {
			r.Stats = runtime.Opt[at.Stats]{}
			raw(r, tStats, g.bytes(0, 31))
			return "stats"
		}},
		{"leaf.str too long", eInval, func(g *gen, r *at.All) string {
			r.Leaf = &at.Leaf{Str: runtime.Some(g.str(leafStrMax+1, 100))}
			return "leaf.str"
		}},
		{"leaf.bin wrong length", eRange, func(g *gen, r *at.All) string {
			r.Leaf = &at.Leaf{Unknown: []runtime.RawAttr{{Type: tLeafBin, Data: make([]byte, g.wrongLen(leafBinLen))}}}
			return "leaf.bin"
		}},
		{"leaf.color", eRange, func(g *gen, r *at.All) string {
			r.Leaf = &at.Leaf{Color: runtime.Some(at.Color(g.urange(colorMax+1, 255)))}
			return "leaf.color"
		}},
		{"idx-leaf[i].color", eRange, func(g *gen, r *at.All) string {
			r.IdxLeaf = make([]at.Leaf, 1+g.r.IntN(nestArrayMax))
			for i := range r.IdxLeaf {
				r.IdxLeaf[i] = g.leaf()
			}
			k := g.r.IntN(len(r.IdxLeaf))
			r.IdxLeaf[k].Color = runtime.Some(at.Color(g.urange(colorMax+1, 255)))
			// Earlier elements must be valid: they are (g.leaf).
			return fmt.Sprintf("idx-leaf[%d].color", k+1)
		}},
		{"multi-leaf.bin", eRange, func(g *gen, r *at.All) string {
			r.MultiLeaf = []at.Leaf{g.leaf(), {Unknown: []runtime.RawAttr{{Type: tLeafBin, Data: make([]byte, g.wrongLen(leafBinLen))}}}}
			return "multi-leaf.bin"
		}},
		{"u8 wrong length", eInval, func(g *gen, r *at.All) string { raw(r, tU8, make([]byte, 2+g.r.IntN(6))); return "u8" }},
		{"u16 wrong length", eInval, func(g *gen, r *at.All) string { raw(r, tU16, make([]byte, 3+g.r.IntN(6))); return "u16" }},
		{"u32 wrong length", eInval, func(g *gen, r *at.All) string { raw(r, tU32, make([]byte, 5+g.r.IntN(6))); return "u32" }},
		{"u64 wrong length", eInval, func(g *gen, r *at.All) string { raw(r, tU64, make([]byte, 9+g.r.IntN(6))); return "u64" }},
		{"s16 wrong length", eInval, func(g *gen, r *at.All) string { raw(r, tS16, make([]byte, 3+g.r.IntN(6))); return "s16" }},
		{"be16 wrong length", eInval, func(g *gen, r *at.All) string { raw(r, tBe16, make([]byte, 3+g.r.IntN(6))); return "be16" }},
		{"be64 wrong length", eInval, func(g *gen, r *at.All) string { raw(r, tBe64, make([]byte, 9+g.r.IntN(6))); return "be64" }},
		{"bf wrong length", eRange, func(g *gen, r *at.All) string {
			r.Bf = runtime.Opt[runtime.Bitfield32]{}
			raw(r, tBf, make([]byte, 9+g.r.IntN(6)))
			return "bf"
		}},
		{"flag with a payload", eRange, func(g *gen, r *at.All) string {
			r.Flag = false
			raw(r, tFlag, g.bytes(1, 8))
			return "flag"
		}},
		{"str without its NUL", eInval, func(g *gen, r *at.All) string {
			r.Str = runtime.Opt[string]{}
			raw(r, tStr, []byte(g.str(1, 40)))
			return "str"
		}},
		{"multi-str without its NUL", eInval, func(g *gen, r *at.All) string {
			r.MultiStr = nil
			raw(r, tMultiStr, []byte(g.str(1, 40)))
			return "multi-str"
		}},
		// The entries of a nest-type-value have no policy of their own
		// (the attribute's is NLA_NESTED): the generated reader
		// validates them against the nested set's.
		{"tv entry a wrong length", eInval, func(g *gen, r *at.All) string {
			r.Tv = nil
			a, b := uint16(1+g.r.IntN(4)), uint16(1+g.r.IntN(4))
			rawNest(r, tTv, func(e *runtime.Encoder) {
				outer := e.BeginNest(a)
				entry := e.BeginNest(b)
				e.PutBytes(1, make([]byte, g.wrongLen(4)))
				e.EndNest(entry)
				e.EndNest(outer)
			})
			return fmt.Sprintf("tv[%d][%d].a", a, b)
		}},
		{"tv second entry b without its NUL", eInval, func(g *gen, r *at.All) string {
			r.Tv = nil
			b := uint16(1 + g.r.IntN(4))
			rawNest(r, tTv, func(e *runtime.Encoder) {
				outer := e.BeginNest(1)
				entry := e.BeginNest(1)
				e.PutU32(1, uint32(g.unsigned(32))) // a valid first entry
				e.EndNest(entry)
				entry = e.BeginNest(b)
				e.PutBytes(2, []byte(g.str(1, 40)))
				e.EndNest(entry)
				e.EndNest(outer)
			})
			return fmt.Sprintf("tv[1][%d].b", b)
		}},
		{"type beyond the set", eInval, func(g *gen, r *at.All) string {
			typ := uint16(59 + g.r.IntN(200))
			raw(r, typ, g.bytes(0, 8))
			return strconv.Itoa(int(typ))
		}},
		// The elements of an indexed array of scalars have no policy
		// (NLA_NESTED_ARRAY): the handler checks their length.
		{"idx-u32 element wrong length", eInval, func(g *gen, r *at.All) string {
			r.IdxU32 = nil
			n := 1 + g.r.IntN(4)
			bad := g.r.IntN(n)
			rawNest(r, tIdxU32, func(e *runtime.Encoder) {
				for i := range n {
					if i == bad {
						e.PutBytes(uint16(i+1), make([]byte, g.wrongLen(4)))
					} else {
						e.PutU32(uint16(i+1), uint32(g.unsigned(32)))
					}
				}
			})
			return fmt.Sprintf("idx-u32[%d]", bad+1)
		}},
		{"idx-u64 element wrong length", eInval, func(g *gen, r *at.All) string {
			r.IdxU64 = nil
			rawNest(r, tIdxU64, func(e *runtime.Encoder) { e.PutU32(1, 1) })
			return "idx-u64[1]"
		}},
	}
	return cases
}

// invalidBatch sends n invalid requests, each case once first, then at
// random, and requires each to be rejected with one of its errnos and an
// extended ACK naming the attribute. It returns the rejects by case and
// errno.
func invalidBatch(t *testing.T, ctx context.Context, c *at.Client, g *gen, n int) map[string]int {
	t.Helper()
	cases := invalidCases()
	counts := map[string]int{}
	for i := range max(n, len(cases)) {
		tc := cases[i%len(cases)]
		if i >= len(cases) {
			tc = cases[g.r.IntN(len(cases))]
		}
		req := g.all(modeRandom)
		path := tc.apply(g, req)
		_, err := c.Echo(ctx, req)
		ke, kerr := kernelErr(err)
		if kerr != nil {
			t.Fatalf("invalid %d (%s): %v", i, tc.name, kerr)
		}
		if !contains(tc.errnos, ke.Errno) {
			t.Fatalf("invalid %d (%s): %v: errno %s, want %v", i, tc.name, ke, unix.ErrnoName(ke.Errno), names(tc.errnos))
		}
		if ke.AttrPath != path && ke.AttrPath == scalarIndexPath(path) {
			// Known: the generated client's schema marks only indexed
			// arrays of nests as IndexedArray, so an element of one of
			// scalars is named as a nested attribute.
			if *strict || !knownPaths[path] {
				msg := fmt.Sprintf("BUG (generated Go client schema): the extack of %s is named %q, want %q", tc.name, ke.AttrPath, path)
				if *strict {
					t.Error(msg)
				} else {
					t.Log(msg)
				}
			}
			knownPaths[path] = true
			path = ke.AttrPath
		}
		if ke.AttrPath != path {
			t.Fatalf("invalid %d (%s): %v: the extack names %q, want %q", i, tc.name, ke, ke.AttrPath, path)
		}
		counts[tc.name+" "+unix.ErrnoName(ke.Errno)]++
		total.requests++
		total.rejected++
	}
	return counts
}

// knownPaths records the paths whose known misnaming was logged.
var knownPaths = map[string]bool{}

// scalarIndexPath returns how the client names element k of an indexed
// array of scalars, "x.k", for the right name "x[k]" ("" for other paths).
func scalarIndexPath(path string) string {
	name, rest, ok := strings.Cut(path, "[")
	if !ok || (name != "idx-u32" && name != "idx-s16" && name != "idx-u64") {
		return ""
	}
	return name + "." + strings.TrimSuffix(rest, "]")
}

func contains(s []unix.Errno, e unix.Errno) bool {
	for _, x := range s {
		if x == e {
			return true
		}
	}
	return false
}

func names(s []unix.Errno) []string {
	var out []string
	for _, e := range s {
		out = append(out, unix.ErrnoName(e))
	}
	return out
}

// TestInvalid: random invalid values of every checked attribute, and
// malformed attributes of the fixed-size types, each rejected by the
// kernel naming the attribute; the module still echoes afterwards.
func TestInvalid(t *testing.T) {
	ctx := guest.Ctx(t, 120*time.Second)
	g := newGen(seedOf(t, 2))
	c := dial(t, ctx)
	start := time.Now()
	counts := invalidBatch(t, ctx, c, g, *invalids)
	total := 0
	var lines []string
	for k, v := range counts {
		total += v
		lines = append(lines, fmt.Sprintf("%s: %d", k, v))
	}
	sort.Strings(lines)
	t.Logf("%d invalid requests (%v), all rejected naming the attribute, %d cases:\n  %s",
		total, time.Since(start).Round(time.Millisecond), len(invalidCases()), strings.Join(lines, "\n  "))
	req := g.all(modeFull)
	rsp, err := c.Echo(ctx, req)
	if err != nil {
		t.Fatalf("echo after the invalid requests: %v", err)
	}
	if d := diff(rsp, want(req)); d != "" {
		t.Fatalf("echo after the invalid requests differs:%s", d)
	}
}

// TestUnterminatedLooseString probes a valid request the Go client never
// sends: loose-str (unterminated-ok, NLA_STRING) without a NUL. The reply
// must carry the same bytes. The generated reply helper sizes and puts a
// string with strlen()/nla_put_string(), which reads past an unterminated
// attribute's end; here into the header of the attribute after it.
func TestUnterminatedLooseString(t *testing.T) {
	ctx := guest.Ctx(t, 10*time.Second)
	c := dial(t, ctx)
	req := &at.All{}
	raw(req, at.AlltypesAAllLooseStr, []byte("abcd")) // no NUL
	raw(req, at.AlltypesAAllU8, []byte{0x7f})         // after it: header 05 00 01 00
	rsp, err := c.Echo(ctx, req)
	if err != nil {
		t.Fatalf("echo of an unterminated loose-str: %v", err)
	}
	if rsp.LooseStr.V == "abcd" {
		t.Logf("unterminated loose-str echoed as sent")
		return
	}
	msg := fmt.Sprintf("BUG (generated reply helper): loose-str sent as the 4 bytes \"abcd\" without a NUL (valid: unterminated-ok) came back as %q (%d bytes): strlen() read past the attribute", rsp.LooseStr.V, len(rsp.LooseStr.V))
	if *strict {
		t.Error(msg)
	} else {
		t.Log(msg)
	}
}

// TestShortReplyProbe sends echoes of a lone bin attribute of every
// length from 640 to 1800 bytes and logs those whose reply the short-reply
// bug loses (isShortReplyBug): around where the reply's skb, rounded up to
// its slab object, ends 8 bytes short of the fixed header's room.
func TestShortReplyProbe(t *testing.T) {
	ctx := guest.Ctx(t, 30*time.Second)
	c := dial(t, ctx)
	var lost []int
	for n := 640; n <= 1800; n++ {
		req := &at.All{Bin: bytes.Repeat([]byte{0xb1}, n)}
		rsp, err := c.Echo(ctx, req)
		if isShortReplyBug(err) {
			lost = append(lost, n)
			continue
		}
		if err != nil {
			t.Fatalf("echo of a %d-byte bin: %v", n, err)
		}
		if d := diff(rsp, req); d != "" {
			t.Fatalf("echo of a %d-byte bin differs:%s", n, d)
		}
	}
	if len(lost) == 0 {
		t.Logf("every bin length from 640 to 1800 bytes echoed")
		return
	}
	msg := fmt.Sprintf("BUG (generated reply/notify helper, genlmsg_new without the fixed header): echoes of a lone bin of %v bytes failed with EMSGSIZE", lost)
	if *strict {
		t.Error(msg)
	} else {
		t.Log(msg)
	}
}

// slabReading is one settled reading of the kernel's slab usage.
type slabReading struct {
	meminfo int            // /proc/meminfo Slab:, bytes
	objects int            // /proc/slabinfo: active objects times object size, bytes
	caches  map[string]int // /proc/slabinfo: active objects by cache
}

// readSlab lets the kernel settle (RCU-deferred frees, caches dropped)
// and returns the smallest of three readings a moment apart, figure by
// figure and cache by cache.
func readSlab(t *testing.T) slabReading {
	t.Helper()
	best := slabReading{meminfo: 1 << 62, objects: 1 << 62, caches: map[string]int{}}
	for i := range 3 {
		unix.Sync()
		if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0); err != nil {
			t.Fatalf("drop caches: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
		best.meminfo = min(best.meminfo, meminfoSlab(t))
		objects, caches := guest.Slabinfo(t)
		best.objects = min(best.objects, objects)
		for name, n := range caches {
			if old, ok := best.caches[name]; !ok || i == 0 || n < old {
				best.caches[name] = n
			}
		}
	}
	return best
}

func meminfoSlab(t *testing.T) int {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Slab:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				t.Fatalf("meminfo: %q: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Fatal("meminfo: no Slab: line")
	return 0
}

// slabTolerance is how much the slab may grow across the second batch, in
// bytes; settled readings of the idle guest move by tens of kB (sockets and
// their RCU-deferred frees, the page cache). It catches leaks of big
// objects: the handler's context (about 1.3 kB, a 2 kB object) or an skb
// per request would grow the slab by 10 MB and more. Small objects, an
// array of the reply of 8 to 128 bytes, leaked once per request that has
// it (half of them or more), would stay below it: cacheTolerance and
// kmallocTolerance catch those, counting objects instead of bytes.
const slabTolerance = 256 << 10

// cacheTolerance is how many active objects one slab cache may gain
// across the second batch, as a fraction of the batch's requests. A leak
// of one object per request in a quarter of the requests exceeds it; the
// caches of the idle guest move by a few dozen objects.
func cacheTolerance(requests int) int { return requests / 4 }

// TestSlabFlat runs a second batch like the first (the first warmed the
// caches) and requires the slab to stay flat across it, in bytes and in
// the objects of each cache.
func TestSlabFlat(t *testing.T) {
	ctx := guest.Ctx(t, 180*time.Second)
	g := newGen(seedOf(t, 3))
	before := readSlab(t)
	var requests int
	func() {
		c := dial(t, ctx)
		lc := dial(t, ctx)
		next, stop := notifications(t, ctx, lc)
		defer stop()
		f := newFigures()
		echoBatch(t, ctx, c, next, g, *echoes, f)
		dumpBatch(t, ctx, c, g, 50, f)
		invalidBatch(t, ctx, c, g, *invalids/2)
		c.Close()
		lc.Close()
		requests = f.echoes + f.dumps + *invalids/2
		t.Logf("second batch: %d echoes (%d hit the short-reply bug), %d notifications, %d dumps (%d entries), %d invalid",
			f.echoes, len(f.short), f.ntfs, f.dumps, f.entries, *invalids/2)
	}()
	after := readSlab(t)
	dm, do := after.meminfo-before.meminfo, after.objects-before.objects
	t.Logf("slab before the second batch: Slab %d kB, slabinfo %d kB; after: Slab %d kB (%+d kB), slabinfo %d kB (%+d kB); tolerance %d kB",
		before.meminfo>>10, before.objects>>10, after.meminfo>>10, dm>>10, after.objects>>10, do>>10, slabTolerance>>10)
	if dm > slabTolerance || do > slabTolerance {
		t.Errorf("slab grew beyond %d kB across the second batch: a leak", slabTolerance>>10)
	}
	type growth struct {
		name string
		n    int
	}
	var grown []growth
	for name, n := range after.caches {
		if d := n - before.caches[name]; d != 0 {
			grown = append(grown, growth{name, d})
		}
	}
	sort.Slice(grown, func(i, j int) bool { return grown[i].n > grown[j].n })
	var top []string
	for i, gr := range grown {
		if i < 5 {
			top = append(top, fmt.Sprintf("%s %+d", gr.name, gr.n))
		}
		if gr.n > cacheTolerance(requests) {
			t.Errorf("slab cache %s gained %d objects across %d requests (tolerance %d): a leak", gr.name, gr.n, requests, cacheTolerance(requests))
		}
	}
	t.Logf("largest changes of active objects by cache across %d requests (tolerance %+d): %s", requests, cacheTolerance(requests), strings.Join(top, ", "))
	// A leaked array lands in one of the kmalloc caches by its size:
	// their sum catches a leak of varying size too.
	kmalloc := 0
	for _, gr := range grown {
		if strings.HasPrefix(gr.name, "kmalloc-") {
			kmalloc += gr.n
		}
	}
	t.Logf("kmalloc-* caches together: %+d objects (tolerance %+d)", kmalloc, kmallocTolerance(requests))
	if kmalloc > kmallocTolerance(requests) {
		t.Errorf("the kmalloc caches gained %d objects across %d requests (tolerance %d): a leak", kmalloc, requests, kmallocTolerance(requests))
	}
}

// kmallocTolerance is how many active objects the kmalloc-* caches
// together may gain across the second batch: one in eight requests. (A
// leak of the smallest array of the reply, multi-u32's, in the half of
// the requests that have one, gained them 2,510 objects in a test run
// with the leak made on purpose; an idle guest, none.)
func kmallocTolerance(requests int) int { return requests / 8 }

// TestKernelLogClean: nothing the kernel logged during the suite is a
// warning, bug or sanitizer report (the harness checks the whole log
// again after the run).
func TestKernelLogClean(t *testing.T) {
	n, err := unix.Klogctl(unix.SYSLOG_ACTION_SIZE_BUFFER, nil)
	if err != nil {
		t.Fatalf("klogctl: %v", err)
	}
	buf := make([]byte, n)
	n, err = unix.Klogctl(unix.SYSLOG_ACTION_READ_ALL, buf)
	if err != nil {
		t.Fatalf("klogctl: %v", err)
	}
	bad := []string{"WARNING:", "BUG:", "Oops", "general protection", "refcount_t", "KASAN", "UBSAN", "kmemleak", "stack-protector", "Call Trace"}
	lengthWarnings := 0
	for _, line := range bytes.Split(buf[:n], []byte("\n")) {
		s := string(line)
		if strings.Contains(s, "has an invalid length") {
			lengthWarnings++ // the wrong-length cases, rate-limited
		}
		for _, b := range bad {
			if strings.Contains(s, b) {
				t.Errorf("kernel log: %s", s)
			}
		}
	}
	t.Logf("kernel log: %d bytes, clean (%d rate-limited \"invalid length\" notices from the wrong-length cases)", n, lengthWarnings)
}

// TestUnload unloads the module with no socket open (rmmod must succeed
// and the family go away), then loads it again for the harness's final
// rmmod.
func TestUnload(t *testing.T) {
	ctx := guest.Ctx(t, 60*time.Second)
	guest.Run(t, ctx, "rmmod", *moduleName)
	if guest.ModuleLoaded(*moduleName) {
		t.Fatalf("rmmod %s returned but /sys/module still lists it", *moduleName)
	}
	if _, err := at.Dial(ctx); !errors.Is(err, runtime.ErrFamilyNotFound) {
		t.Errorf("dial after rmmod: %v, want ErrFamilyNotFound", err)
	}
	guest.Run(t, ctx, "insmod", *koPath)
	c := dial(t, ctx)
	req := newGen(4).all(modeFull)
	rsp, err := c.Echo(ctx, req)
	if err != nil {
		t.Fatalf("echo after reload: %v", err)
	}
	if d := diff(rsp, want(req)); d != "" {
		t.Fatalf("echo after reload differs:%s", d)
	}
	t.Logf("rmmod and insmod of %s: fine", *moduleName)
	t.Logf("suite: %d requests sent by the batches, %d replies, dump entries and notifications equal to their requests, %d invalid requests rejected naming their attribute",
		total.requests, total.checked, total.rejected)
}

// isEnd reports whether n is the echo-ntf of the end mark.
func isEnd(n at.Notification) bool {
	e, ok := n.(at.EchoNtf)
	return ok && e.Str.V == "end"
}
