package alltypes

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/runtime"
)

// full sets every field of All, with empty-but-present slices where the
// wire can tell them from absent ones.
func full() *All {
	return &All{
		Header:    Hdr{ID: 7, Port: 0x1234, Kind: ColorBlue, Reserved: 9},
		U8:        runtime.Some(uint8(0xfe)),
		U16:       runtime.Some(uint16(0xfedc)),
		U32:       runtime.Some(uint32(0xfedcba98)),
		U64:       runtime.Some(uint64(0xfedcba9876543210)),
		S8:        runtime.Some(int8(-2)),
		S16:       runtime.Some(int16(-300)),
		S32:       runtime.Some(int32(-70000)),
		S64:       runtime.Some(int64(-1 << 40)),
		Uint:      runtime.Some(uint64(1 << 40)),
		Sint:      runtime.Some(int64(-5)),
		Be16:      runtime.Some(uint16(0x0102)),
		Be32:      runtime.Some(uint32(0x01020304)),
		Be64:      runtime.Some(uint64(0x0102030405060708)),
		Flag:      true,
		Str:       runtime.Some("hello"),
		LooseStr:  runtime.Some(""),
		Bin:       []byte{},
		U32Array:  []uint32{1, 2, 0xffffffff},
		S16Array:  []int16{-1, 0, 1},
		Stats:     runtime.Some(Stats{Packets: 1 << 50, Delta: -3, Addr: 0x0a000001, MAC: [6]byte{1, 2, 3, 4, 5, 6}, Tail: 0xbeef, Hdr: Hdr{ID: 7, Port: 0x1234, Kind: ColorBlue, Reserved: 1}}),
		Nest:      &Inner{A: runtime.Some(uint32(1)), Child: &Inner{B: runtime.Some("deep"), Child: &Inner{}}},
		MultiU32:  []uint32{3, 1, 2},
		MultiStr:  []string{"x", "", "z"},
		MultiNest: []Inner{{A: runtime.Some(uint32(1))}, {}, {B: runtime.Some("b")}},
		IdxNest:   []Inner{{A: runtime.Some(uint32(10))}, {B: runtime.Some("second")}},
		IdxU32:    []uint32{},
		Tv: []AllTvEntry{
			{AID: 1, BID: 1, Attrs: Inner{A: runtime.Some(uint32(11))}},
			{AID: 1, BID: 2, Attrs: Inner{B: runtime.Some("12")}},
			{AID: 2, BID: 1, Attrs: Inner{}},
			{AID: 1, BID: 3, Attrs: Inner{A: runtime.Some(uint32(13))}},
		},
		Bf:        runtime.Some(runtime.Bitfield32{Value: uint32(PermRead), Selector: uint32(PermRead | PermWrite)}),
		Color:     runtime.Some(ColorGreen),
		Perms:     runtime.Some(PermRead | PermExec),
		ColorMask: runtime.Some(uint32(1<<ColorRed | 1<<ColorBlue)),
		U8Range:   runtime.Some(uint8(200)),
		U16Max:    runtime.Some(uint16(1000)),
		U32Range:  runtime.Some(uint32(5)),
		U64Max:    runtime.Some(uint64(1e12)),
		S8Range:   runtime.Some(int8(-100)),
		S16Range:  runtime.Some(int16(1000)),
		S32Range:  runtime.Some(int32(-100000)),
		S64Range:  runtime.Some(int64(-1e12)),
		UintMax:   runtime.Some(uint64(1e6)),
		SintRange: runtime.Some(int64(-1e6)),
		Be32Max:   runtime.Some(uint32(0xfffe)),
		U32Mask:   runtime.Some(uint32(PermWrite)),
		StrMax:    runtime.Some("sixteen-bytes-ok"),
		StrRange:  runtime.Some("ab"),
		BinMin:    []byte{1, 2, 3, 4, 5},
		BinMax:    []byte{},
		BinExact:  runtime.Some([16]byte(bytes.Repeat([]byte{0xa5}, 16))),
		BinRange:  []byte{1, 2},
		Leaf:      &Leaf{U16: runtime.Some(uint16(3)), S64: runtime.Some(int64(-1 << 62)), Uint: runtime.Some(uint64(1 << 33)), Flag: true, Str: runtime.Some("leaf"), Bin: runtime.Some([4]byte{1, 2, 3, 4}), Stats: runtime.Some(Stats{Packets: 1}), Color: runtime.Some(ColorRed)},
		MultiLeaf: []Leaf{{U16: runtime.Some(uint16(1))}, {}, {Flag: true}},
		IdxLeaf:   []Leaf{{Color: runtime.Some(ColorBlue)}, {Str: runtime.Some("")}},
		MultiS64:  []int64{-1, 0, 1 << 62},
		MultiBin:  [][]byte{{}, {1}, {2, 3}},
		IdxS16:    []int16{-32768, 32767},
		IdxU64:    []uint64{0, 1<<64 - 1},
		Count:     runtime.Some(uint32(1000)),
	}
}

func marshal(t *testing.T, v *All) []byte {
	t.Helper()
	b, err := runtime.MarshalAttrs(v.Encode)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTripEveryType(t *testing.T) {
	in := full()
	b := marshal(t, in)
	var out All
	if err := out.Decode(b); err != nil {
		t.Fatal(err)
	}
	out.Header = in.Header // the header is not an attribute
	if !reflect.DeepEqual(in, &out) {
		got, _ := json.MarshalIndent(&out, "", " ")
		want, _ := json.MarshalIndent(in, "", " ")
		t.Fatalf("round trip differs:\n got %s\nwant %s", got, want)
	}
	if again := marshal(t, &out); !bytes.Equal(b, again) {
		t.Errorf("re-encoding differs")
	}
}

// TestChunkedDecodeMatches: decoding through a socket's decoder (chunks
// shared between replies) gives what Decode gives, every time, and the
// values decoded first are untouched by the ones decoded after them.
func TestChunkedDecodeMatches(t *testing.T) {
	in := full()
	in.Bin = []byte{9, 8, 7}
	b := marshal(t, in)
	var want All
	if err := want.Decode(b); err != nil {
		t.Fatal(err)
	}
	var slot any
	m := runtime.Message{Payload: b, Scratch: &slot}
	var kept []*All
	for range 300 { // several chunks of every type
		dc := runtime.ScratchOf[decoder](m.Scratch)
		if dc == nil || slot != any(dc) {
			t.Fatal("ScratchOf did not keep the decoder in the slot")
		}
		v := &dc.takeAll(1)[0]
		if err := v.decode(b, dc); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, v)
	}
	for i, v := range kept {
		if !reflect.DeepEqual(v, &want) {
			got, _ := json.MarshalIndent(v, "", " ")
			w, _ := json.MarshalIndent(&want, "", " ")
			t.Fatalf("decode %d differs:\n got %s\nwant %s", i, got, w)
		}
	}
	// A present but empty array stays present (non-nil) from a fresh
	// chunk too.
	empty := marshal(t, &All{IdxNest: []Inner{}})
	var plain All
	if err := plain.Decode(empty); err != nil || plain.IdxNest == nil {
		t.Fatalf("Decode: IdxNest %#v, %v", plain.IdxNest, err)
	}
	var fresh any
	dc := runtime.ScratchOf[decoder](&fresh)
	chunked := &dc.takeAll(1)[0]
	if err := chunked.decode(empty, dc); err != nil || !reflect.DeepEqual(chunked, &plain) {
		t.Errorf("chunked decode of an empty array: %#v, %v", chunked.IdxNest, err)
	}
	// Appending to a decoded slice never writes into a later value.
	kept[0].Bin = append(kept[0].Bin, 0xee)
	kept[0].IdxNest = append(kept[0].IdxNest, Inner{A: runtime.Some(uint32(99))})
	if !reflect.DeepEqual(kept[1], &want) {
		t.Error("appending to one reply's slices changed the next reply")
	}
}

func TestZeroValueSendsNothing(t *testing.T) {
	if b := marshal(t, &All{}); len(b) != 0 {
		t.Errorf("empty struct encodes to %x", b)
	}
	var nilAll *All
	if b := marshal(t, nilAll); len(b) != 0 {
		t.Errorf("nil struct encodes to %x", b)
	}
	var out All
	if err := out.Decode(nil); err != nil || !reflect.DeepEqual(out, All{}) {
		t.Errorf("decode of nothing: %+v, %v", out, err)
	}
}

// attr finds the payload of the first attribute of type typ.
func attr(t *testing.T, b []byte, typ uint16) []byte {
	t.Helper()
	it := runtime.Attrs(b)
	for it.Next() {
		if it.Type() == typ {
			return it.Data()
		}
	}
	t.Fatalf("no attribute %d in %x", typ, b)
	return nil
}

func TestWireForms(t *testing.T) {
	b := marshal(t, &All{
		Be32:     runtime.Some(uint32(0x01020304)),
		Uint:     runtime.Some(uint64(5)),
		Sint:     runtime.Some(int64(-1 << 40)),
		Str:      runtime.Some("ab"),
		U32Array: []uint32{1, 2},
		IdxU32:   []uint32{7, 8},
	})
	if got := attr(t, b, 12); !bytes.Equal(got, []byte{1, 2, 3, 4}) {
		t.Errorf("be32 payload %x, want big-endian 01020304", got)
	}
	if got := attr(t, b, 9); len(got) != 4 {
		t.Errorf("small uint takes %d bytes, want 4", len(got))
	}
	if got := attr(t, b, 10); len(got) != 8 {
		t.Errorf("large sint takes %d bytes, want 8", len(got))
	}
	if got := attr(t, b, 15); !bytes.Equal(got, []byte("ab\x00")) {
		t.Errorf("string payload %q, want NUL-terminated", got)
	}
	if got := attr(t, b, 18); len(got) != 8 || binary.NativeEndian.Uint32(got[4:]) != 2 {
		t.Errorf("u32 array payload %x", got)
	}
	// Indexed arrays number their elements from 1, as the kernel does.
	arr := attr(t, b, 26)
	if got := attr(t, arr, 1); binary.NativeEndian.Uint32(got) != 7 {
		t.Errorf("element 1 = %x", got)
	}
	if got := attr(t, arr, 2); binary.NativeEndian.Uint32(got) != 8 {
		t.Errorf("element 2 = %x", got)
	}
}

func TestTypeValueSharesOuterNests(t *testing.T) {
	b := marshal(t, &All{Tv: full().Tv})
	outer := runtime.Attrs(attr(t, b, 27))
	var types []uint16
	for outer.Next() {
		types = append(types, outer.Type())
	}
	// (1,1) and (1,2) share the nest of a-id 1; (2,1) and (1,3) do not.
	if want := []uint16{1, 2, 1}; !reflect.DeepEqual(types, want) {
		t.Errorf("outer nests %v, want %v", types, want)
	}
}

func TestUnknownAttributesKeptRaw(t *testing.T) {
	b := marshal(t, &All{U8: runtime.Some(uint8(1))})
	extra, _ := runtime.MarshalAttrs(func(e *runtime.Encoder) {
		e.PutU32(200, 42)
		n := e.BeginNest(201)
		e.PutU8(1, 1)
		e.EndNest(n)
	})
	b = append(b, extra...)
	var out All
	if err := out.Decode(b); err != nil {
		t.Fatal(err)
	}
	if len(out.Unknown) != 2 || out.Unknown[0].Type != 200 || out.Unknown[1].Type != 201 {
		t.Fatalf("Unknown = %+v", out.Unknown)
	}
	// Re-encoding sends them again (RawAttr drops the NLA_F_NESTED bit,
	// so compare what decodes rather than the bytes).
	var again All
	if err := again.Decode(marshal(t, &out)); err != nil || !reflect.DeepEqual(again, out) {
		t.Errorf("unknown attributes not re-encoded: %+v, %v", again.Unknown, err)
	}
	js, _ := json.Marshal(&out)
	if strings.Contains(string(js), "nknown") {
		t.Errorf("Unknown shows in JSON: %s", js)
	}
}

func TestStringNUL(t *testing.T) {
	raw, _ := runtime.MarshalAttrs(func(e *runtime.Encoder) {
		e.PutBytes(15, []byte("strict"))
	})
	var out All
	if err := out.Decode(raw); !errors.Is(err, runtime.ErrMalformed) {
		t.Errorf("unterminated str: %v, want ErrMalformed", err)
	}
	raw, _ = runtime.MarshalAttrs(func(e *runtime.Encoder) {
		e.PutBytes(16, []byte("loose"))
	})
	out = All{}
	if err := out.Decode(raw); err != nil || !out.LooseStr.Present || out.LooseStr.V != "loose" {
		t.Errorf("unterminated loose-str: %v, %v", out.LooseStr, err)
	}
}

func TestMalformedPayload(t *testing.T) {
	// Every fixed-size integer, one byte short and one byte long: the
	// generated decoder checks the size before it reads.
	widths := map[string]int{"u8": 1, "u16": 2, "u32": 4, "u64": 8, "s8": 1, "s16": 2, "s32": 4, "s64": 8, "be16": 2, "be32": 4, "be64": 8}
	for typ, a := range attrsAll.Attrs {
		w, ok := widths[a.Name]
		if !ok {
			continue
		}
		delete(widths, a.Name)
		for _, n := range []int{w - 1, w + 1} {
			raw, _ := runtime.MarshalAttrs(func(e *runtime.Encoder) { e.PutBytes(uint16(typ), make([]byte, n)) })
			var out All
			err := out.Decode(raw)
			want := fmt.Sprintf("%q: want %d bytes, got %d", a.Name, w, n)
			if !errors.Is(err, runtime.ErrMalformed) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s of %d bytes: %v; want ErrMalformed and %s", a.Name, n, err, want)
			}
		}
	}
	if len(widths) != 0 {
		t.Errorf("attributes not in the all-types spec: %v", widths)
	}
}

func TestEnumsAndFlags(t *testing.T) {
	if s := ColorGreen.String(); s != "green" {
		t.Errorf("ColorGreen = %q", s)
	}
	if s := Color(9).String(); s != "9" {
		t.Errorf("Color(9) = %q", s)
	}
	if s := (PermRead | PermExec | 0x40).String(); s != "read|exec|0x40" {
		t.Errorf("flags = %q", s)
	}
	js, err := json.Marshal(&All{Color: runtime.Some(ColorBlue), Perms: runtime.Some(PermWrite | PermExec)})
	if err != nil || string(js) != `{"id":0,"port":0,"kind":"red","reserved":0,"color":"blue","perms":["exec","write"]}` {
		t.Errorf("JSON %s, %v", js, err)
	}
	var back All
	if err := json.Unmarshal(js, &back); err != nil || back.Color.V != ColorBlue || back.Perms.V != PermWrite|PermExec {
		t.Errorf("JSON back: %+v, %v", back, err)
	}
	if MaxThings != 16 || GroupName != "things" {
		t.Errorf("constants %v %q", MaxThings, GroupName)
	}
}

func TestFixedHeader(t *testing.T) {
	in := &All{Header: Hdr{ID: 0x01020304, Port: 0x0506, Kind: ColorBlue, Reserved: 1}, U8: runtime.Some(uint8(3))}
	var e runtime.Encoder
	e.Begin(0, 0, 0, 0)
	in.encodeMessage(&e, nil)
	msg := e.Bytes()[16+4:] // after the netlink and genl headers
	if len(msg) < 8 {
		t.Fatalf("message %x", msg)
	}
	if got := msg[4:6]; !bytes.Equal(got, []byte{5, 6}) {
		t.Errorf("big-endian port %x", got)
	}
	var out All
	if err := out.decodeMessage(msg, nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, &out) {
		t.Errorf("got %+v, want %+v", out, in)
	}
	if err := out.decodeMessage(msg[:3], nil); !errors.Is(err, runtime.ErrMalformed) {
		t.Errorf("short header: %v", err)
	}
}

// encodeMsg returns the payload of a message (fixed header, attributes)
// as the kernel would send it.
func encodeMsg(put func(*runtime.Encoder)) []byte {
	var e runtime.Encoder
	e.Begin(0, 0, 0, 0)
	put(&e)
	return e.Bytes()[16+4:]
}

func TestNotifications(t *testing.T) {
	// evt is the fourth op: command 4. The family's fixed header precedes
	// the event's own attributes.
	inner := &Inner{Header: Hdr{ID: 8}, A: runtime.Some(uint32(5)), B: runtime.Some("ev")}
	payload := encodeMsg(func(e *runtime.Encoder) { inner.encodeMessage(e, nil) })
	ntf, err := decodeNotification(runtime.Message{Cmd: 4, Payload: payload}, false)
	if err != nil {
		t.Fatal(err)
	}
	if in, ok := ntf.(Evt); !ok || in.Op() != "evt" || in.Header.ID != 8 || in.A.V != 5 || in.B.V != "ev" {
		t.Errorf("evt: %+v", ntf)
	}
	// all-ntf mirrors do-all's reply.
	all := &All{Header: Hdr{ID: 3}, U8: runtime.Some(uint8(9))}
	payload = encodeMsg(func(e *runtime.Encoder) { all.encodeMessage(e, nil) })
	ntf, err = decodeNotification(runtime.Message{Cmd: 3, Payload: payload}, false)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := ntf.(AllNtf); !ok || a.Op() != "all-ntf" || a.Header.ID != 3 || a.U8.V != 9 {
		t.Errorf("all-ntf: %+v", ntf)
	}
	ntf, err = decodeNotification(runtime.Message{Cmd: 99}, false)
	if u, ok := ntf.(UnknownNotification); err != nil || !ok || u.Op() != "" || u.Cmd != 99 {
		t.Errorf("unknown command: %+v, %v", ntf, err)
	}
}

// TestReusedNotifications: with reuse (Notifications.All with
// runtime.ReuseReplies), each notification of a socket is decoded into
// the memory of the one before, and still decodes right; without, each
// gets memory of its own.
func TestReusedNotifications(t *testing.T) {
	var slot any
	values := func(reuse bool) []*Inner {
		var got []*Inner
		for i := range 3 {
			in := &Inner{Header: Hdr{ID: uint32(i)}, A: runtime.Some(uint32(10 + i)), B: runtime.Some(fmt.Sprint("ev", i))}
			payload := encodeMsg(func(e *runtime.Encoder) { in.encodeMessage(e, nil) })
			ntf, err := decodeNotification(runtime.Message{Cmd: 4, Payload: payload, Scratch: &slot}, reuse)
			if err != nil {
				t.Fatal(err)
			}
			v, ok := ntf.(Evt)
			if !ok || !reflect.DeepEqual(v.Inner, in) {
				t.Fatalf("reuse %v, notification %d: %+v, want %+v", reuse, i, ntf, in)
			}
			got = append(got, v.Inner)
		}
		return got
	}
	if r := values(true); r[0] != r[1] || r[1] != r[2] {
		t.Error("with reuse, notifications were not decoded into the memory of the one before")
	}
	if k := values(false); k[0] == k[1] || k[1] == k[2] || k[0].A.V != 10 || k[0].B.V != "ev0" {
		t.Errorf("without reuse, notifications share memory or changed: %+v %+v", k[0], k[1])
	}
}

// TestRequestCarriesOnlyItsAttributes: an op's request sends the
// attributes the spec lists for it (and unknown ones the caller added),
// never the other fields of the struct.
func TestRequestCarriesOnlyItsAttributes(t *testing.T) {
	req := &All{U8: runtime.Some(uint8(1)), U32: runtime.Some(uint32(2)), Str: runtime.Some("s"),
		Unknown: []runtime.RawAttr{{Type: 200, Data: []byte{7}}}}
	var got []uint16
	it := runtime.Attrs(encodeMsg(func(e *runtime.Encoder) { req.encodeMessage(e, reqGetSomeDo) })[8:])
	for it.Next() {
		got = append(got, it.Type())
	}
	if len(got) != 2 || got[0] != 3 || got[1] != 200 {
		t.Errorf("get-some request carries attribute types %v, want [3 200] (u32, then the unknown one)", got)
	}
	all := 0
	it = runtime.Attrs(encodeMsg(func(e *runtime.Encoder) { req.encodeMessage(e, nil) })[8:])
	for it.Next() {
		all++
	}
	if all != 4 {
		t.Errorf("an unfiltered encode carries %d attributes, want 4", all)
	}
}

func TestMalformedIndexedArrays(t *testing.T) {
	// Each array holds one good element, then something that is not an
	// attribute or does not decode; the error names the array and the
	// good element is not kept.
	cases := []struct {
		name, want string
		put        func(e *runtime.Encoder)
	}{
		{"nested, trailing bytes", `idx-nest`, func(e *runtime.Encoder) {
			arr := e.BeginNest(25)
			n := e.BeginNest(1)
			e.PutU32(1, 10)
			e.EndNest(n)
			e.PutU16(2, 7)
			e.EndNest(arr)
		}},
		{"nested, bad element", `idx-nest`, func(e *runtime.Encoder) {
			arr := e.BeginNest(25)
			n := e.BeginNest(1)
			e.PutU16(1, 10) // Inner's a is a u32
			e.EndNest(n)
			e.EndNest(arr)
		}},
		{"u32, short element", `idx-u32`, func(e *runtime.Encoder) {
			arr := e.BeginNest(26)
			e.PutU32(1, 1)
			e.PutU16(2, 2)
			e.EndNest(arr)
		}},
	}
	for _, c := range cases {
		raw, err := runtime.MarshalAttrs(c.put)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(c.name, "trailing bytes") {
			// After the array's header (4 bytes) and its first element
			// (12), make the second attribute claim more bytes than the
			// array holds.
			binary.NativeEndian.PutUint16(raw[4+12:], 64)
		}
		var out All
		err = out.Decode(raw)
		if !errors.Is(err, runtime.ErrMalformed) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrMalformed naming %s", c.name, err, c.want)
		}
		if out.IdxNest != nil || out.IdxU32 != nil {
			t.Errorf("%s: kept %v %v from a malformed array", c.name, out.IdxNest, out.IdxU32)
		}
	}
}

// TestReusedDecodeMatches: a decoder rewound before every message (what
// dumps with runtime.ReuseReplies and requests with runtime.ReuseReply
// use) decodes each message into the memory of the one before, yet every
// result equals Decode's, whichever fields the message before had, and
// the strings it handed out earlier never change.
func TestReusedDecodeMatches(t *testing.T) {
	sparse := &All{U8: runtime.Some(uint8(1)), Str: runtime.Some("sparse"), IdxNest: []Inner{{}}}
	msgs := [][]byte{marshal(t, full()), marshal(t, sparse), marshal(t, &All{})}
	var slot any
	var first *All
	var strs [][2]string // want, got
	for i := range 30 {
		b := msgs[i%len(msgs)]
		var want All
		if err := want.Decode(b); err != nil {
			t.Fatal(err)
		}
		dc := runtime.DecoderOf[decoder](&slot, true)
		v := &dc.takeAll(1)[0]
		if first == nil {
			first = v
		} else if v != first {
			t.Fatalf("decode %d: not decoded into the memory of the one before", i)
		}
		if err := v.decode(b, dc); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v, &want) {
			got, _ := json.MarshalIndent(v, "", " ")
			w, _ := json.MarshalIndent(&want, "", " ")
			t.Fatalf("decode %d differs:\n got %s\nwant %s", i, got, w)
		}
		strs = append(strs, [2]string{want.Str.V, v.Str.V})
		for _, s := range v.MultiStr {
			strs = append(strs, [2]string{s, s})
		}
	}
	for i, s := range strs {
		if s[0] != s[1] {
			t.Fatalf("string %d handed out by a reused decoder changed: %q, want %q", i, s[1], s[0])
		}
	}
	// The socket's other decoder, for replies callers keep, is a
	// different one.
	if kept := runtime.DecoderOf[decoder](&slot, false); kept == runtime.DecoderOf[decoder](&slot, true) {
		t.Error("kept and reused decoders are the same")
	}
}

// TestJSON: a value of every attribute kind survives MarshalJSON and
// UnmarshalJSON, and its JSON has the kernel client's forms (cli.py
// --output-json): the fixed header's members beside the attributes,
// flags as sorted lists of names, enums by name, binary as hex, indexed
// arrays of nests keyed by index, nest-type-value entries with their keys.
func TestJSON(t *testing.T) {
	in := full()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out All
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	in.Unknown, out.Unknown = nil, nil
	if !reflect.DeepEqual(in, &out) {
		t.Errorf("JSON round trip differs:\n in  %+v\n out %+v\n%s", in, &out, b)
	}
	for _, want := range []string{
		`"id":7,"port":4660,"kind":"blue","reserved":9,`,
		`"perms":["exec","read"]`,
		`"color-mask":["blue","red"]`,
		`"color":"green"`,
		`"bf":{"selector":["read","write"],"value":["read"]}`,
		`"bin-min":"0102030405"`,
		`"bin-exact":"a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5"`,
		`"idx-nest":[{"1":{"a":10}},{"2":{"b":"second"}}]`,
		`"tv":[{"a-id":1,"b-id":1,"a":11},{"a-id":1,"b-id":2,"b":"12"},{"a-id":2,"b-id":1},{"a-id":1,"b-id":3,"a":13}]`,
		`"mac":"010203040506"`,
		`"multi-bin":["","01","0203"]`,
		`"flag":true`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	var bad All
	if err := json.Unmarshal([]byte(`{"u8": 1, "no-such": 2}`), &bad); err == nil || !strings.Contains(err.Error(), `"no-such" is not an attribute of "all"`) {
		t.Errorf("unknown member: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"bin-exact": "00"}`), &bad); err == nil || !strings.Contains(err.Error(), "bin-exact") {
		t.Errorf("short bin-exact: %v", err)
	}
}
