package runtime

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestEncoderHeaders(t *testing.T) {
	var e Encoder
	e.Begin(0x1234, unix.NLM_F_REQUEST, 7, 2)
	e.FixedHeader([]byte{1, 2, 3})
	e.PutU8(1, 9)
	b := e.finish(5, 6)
	want := []byte{
		32, 0, 0, 0, 0x34, 0x12, 1, 0, 5, 0, 0, 0, 6, 0, 0, 0, // nlmsghdr
		7, 2, 0, 0, // genlmsghdr
		1, 2, 3, 0, // fixed header, padded
		5, 0, 1, 0, 9, 0, 0, 0, // u8 attribute, padded
	}
	if ne.Uint16([]byte{1, 0}) != 1 {
		t.Skip("wire bytes above are little-endian")
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("got  % x\nwant % x", b, want)
	}
	if e.attrStart != 24 {
		t.Errorf("attrStart = %d, want 24", e.attrStart)
	}
}

func TestRoundTrip(t *testing.T) {
	var e Encoder
	e.Begin(1, 0, 1, 1)
	e.PutU8(1, 0xab)
	e.PutU16(2, 0xabcd)
	e.PutU32(3, 0xdeadbeef)
	e.PutU64(4, math.MaxUint64-1)
	e.PutS8(5, -5)
	e.PutS16(6, -300)
	e.PutS32(7, math.MinInt32)
	e.PutS64(8, math.MinInt64)
	e.PutBE16(9, 0x0102)
	e.PutBE32(10, 0x01020304)
	e.PutBE64(11, 0x0102030405060708)
	e.PutUint(12, 7)
	e.PutUint(13, 1<<40)
	e.PutSint(14, -7)
	e.PutSint(15, -1<<40)
	e.PutFlag(16)
	e.PutString(17, "hello")
	e.PutBytes(18, []byte{1, 2, 3})
	n := e.BeginNest(19)
	e.PutU32(1, 11)
	e.EndNest(n)
	e.PutRaw(RawAttr{Type: 20, Data: []byte{9}})
	if e.Err() != nil {
		t.Fatal(e.Err())
	}
	it := Attrs(e.Bytes()[nlmsgHdrLen+genlHdrLen:])
	seen := 0
	check := func(ok bool, err error) {
		t.Helper()
		if err != nil || !ok {
			t.Errorf("attribute %d: ok=%v err=%v", it.Type(), ok, err)
		}
	}
	for it.Next() {
		seen++
		d := it.Data()
		if it.Offset()%4 != 0 {
			t.Errorf("attribute %d misaligned at %d", it.Type(), it.Offset())
		}
		switch it.Type() {
		case 1:
			v, err := ReadU8("a", d)
			check(v == 0xab, err)
		case 2:
			v, err := ReadU16("a", d)
			check(v == 0xabcd, err)
		case 3:
			v, err := ReadU32("a", d)
			check(v == 0xdeadbeef, err)
		case 4:
			v, err := ReadU64("a", d)
			check(v == math.MaxUint64-1, err)
		case 5:
			v, err := ReadS8("a", d)
			check(v == -5, err)
		case 6:
			v, err := ReadS16("a", d)
			check(v == -300, err)
		case 7:
			v, err := ReadS32("a", d)
			check(v == math.MinInt32, err)
		case 8:
			v, err := ReadS64("a", d)
			check(v == math.MinInt64, err)
		case 9:
			v, err := ReadBE16("a", d)
			check(v == 0x0102 && d[0] == 1, err)
		case 10:
			v, err := ReadBE32("a", d)
			check(v == 0x01020304 && d[0] == 1, err)
		case 11:
			v, err := ReadBE64("a", d)
			check(v == 0x0102030405060708 && d[0] == 1, err)
		case 12:
			v, err := ReadUint("a", d)
			check(v == 7 && len(d) == 4, err)
		case 13:
			v, err := ReadUint("a", d)
			check(v == 1<<40 && len(d) == 8, err)
		case 14:
			v, err := ReadSint("a", d)
			check(v == -7 && len(d) == 4, err)
		case 15:
			v, err := ReadSint("a", d)
			check(v == -1<<40 && len(d) == 8, err)
		case 16:
			v, err := ReadFlag("a", d)
			check(v, err)
		case 17:
			v, err := ReadNulString("a", d)
			check(v == "hello", err)
		case 18:
			check(bytes.Equal(ReadBytes(d), []byte{1, 2, 3}), nil)
		case 19:
			check(it.Nested(), nil)
			in := Attrs(d)
			check(in.Next() && in.Type() == 1, in.Err())
			v, err := ReadU32("a", in.Data())
			check(v == 11 && !in.Next(), err)
		case 20:
			check(it.Raw().Data[0] == 9, nil)
		}
	}
	if it.Err() != nil || seen != 20 {
		t.Fatalf("seen %d attributes, err %v", seen, it.Err())
	}
}

func TestEncoderZeroAlloc(t *testing.T) {
	var e Encoder
	enc := func() {
		e.Begin(1, 0, 1, 1)
		e.PutU32(1, 1)
		e.PutString(2, "eth0")
		n := e.BeginNest(3)
		e.PutU64(1, 2)
		e.PutFlag(2)
		e.EndNest(n)
		e.finish(1, 1)
	}
	enc()
	if a := testing.AllocsPerRun(100, enc); a != 0 {
		t.Fatalf("%v allocations per encode", a)
	}
}

func TestEncoderTooLarge(t *testing.T) {
	var e Encoder
	e.Begin(1, 0, 1, 1)
	e.PutBytes(1, make([]byte, 70000))
	if e.Err() == nil {
		t.Fatal("no error for an oversized attribute")
	}
	e.Begin(1, 0, 1, 1)
	n := e.BeginNest(1)
	for range 20 {
		e.PutBytes(2, make([]byte, 4000))
	}
	e.EndNest(n)
	if e.Err() == nil {
		t.Fatal("no error for an oversized nest")
	}
	e.Begin(1, 0, 1, 1)
	e.EndNest(1000)
	if e.Err() == nil {
		t.Fatal("no error for an unmatched EndNest")
	}
}

func TestDecodeErrors(t *testing.T) {
	_, err := ReadU32("ifindex", []byte{1, 2})
	if err == nil || !strings.Contains(err.Error(), `attribute "ifindex": want 4 bytes, got 2`) || !errors.Is(err, ErrMalformed) {
		t.Errorf("ReadU32 short: %v", err)
	}
	if _, err := ReadUint("x", []byte{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "want 4 or 8 bytes, got 3") {
		t.Errorf("ReadUint: %v", err)
	}
	if _, err := ReadNulString("x", []byte("abc")); err == nil {
		t.Error("ReadNulString accepted an unterminated string")
	}
	if s, _ := ReadString("x", []byte("abc")); s != "abc" {
		t.Errorf("ReadString unterminated = %q", s)
	}
	if s, _ := ReadString("x", []byte("ab\x00\x00")); s != "ab\x00" {
		t.Errorf("ReadString strips more than one NUL: %q", s)
	}
	if _, err := ReadFlag("x", []byte{1}); err == nil {
		t.Error("ReadFlag accepted a payload")
	}
}

func TestAttrIterMalformed(t *testing.T) {
	for name, b := range map[string][]byte{
		"truncated header": {8, 0},
		"length too small": {2, 0, 1, 0},
		"length beyond":    {12, 0, 1, 0, 0, 0, 0, 0},
		"second truncated": {5, 0, 1, 0, 7, 0, 0, 0, 9},
	} {
		it := Attrs(b)
		for it.Next() {
		}
		if !errors.Is(it.Err(), ErrMalformed) {
			t.Errorf("%s: err = %v", name, it.Err())
		}
	}
	// Flags are masked off the type.
	it := Attrs([]byte{4, 0, 5, 0xc0})
	if !it.Next() || it.Type() != 5 || !it.Nested() || !it.NetByteOrder() || it.Next() || it.Err() != nil {
		t.Errorf("flag masking: type %d err %v", it.Type(), it.Err())
	}
	// The last attribute's padding may be missing.
	it = Attrs([]byte{5, 0, 1, 0, 7})
	if !it.Next() || len(it.Data()) != 1 || it.Next() || it.Err() != nil {
		t.Errorf("unpadded tail: err %v", it.Err())
	}
}

func TestAttrIterZeroAlloc(t *testing.T) {
	var e Encoder
	e.Begin(1, 0, 1, 1)
	for i := range 10 {
		e.PutU32(uint16(i), uint32(i))
	}
	b := e.Bytes()[20:]
	var sum uint32
	if a := testing.AllocsPerRun(100, func() {
		it := Attrs(b)
		for it.Next() {
			v, _ := ReadU32("x", it.Data())
			sum += v
		}
	}); a != 0 {
		t.Fatalf("%v allocations per walk", a)
	}
}

// TestRawAttrKeepsFlags: an attribute kept raw (an unknown one) is sent
// back with the NLA_F_NESTED and NLA_F_NET_BYTEORDER bits it came with.
func TestRawAttrKeepsFlags(t *testing.T) {
	var e Encoder
	e.Begin(1, 0, 1, 1)
	n := e.BeginNest(7)
	e.PutU32(1, 5)
	e.EndNest(n)
	e.PutBytes(8|unix.NLA_F_NET_BYTEORDER, []byte{0, 0, 0, 9})
	e.PutU8(9, 1)
	in := e.Bytes()[nlmsgHdrLen+genlHdrLen:]

	var raws []RawAttr
	for it := Attrs(in); it.Next(); {
		raws = append(raws, it.Raw())
	}
	if len(raws) != 3 || raws[0].Type != 7 || raws[0].Flags != unix.NLA_F_NESTED ||
		raws[1].Type != 8 || raws[1].Flags != unix.NLA_F_NET_BYTEORDER || raws[2].Flags != 0 {
		t.Fatalf("raw attributes: %+v", raws)
	}
	var out Encoder
	out.Begin(1, 0, 1, 1)
	for _, a := range raws {
		out.PutRaw(a)
	}
	if got := out.Bytes()[nlmsgHdrLen+genlHdrLen:]; !bytes.Equal(got, in) {
		t.Fatalf("re-encoded\n%x\nwant\n%x", got, in)
	}
}
