package runtime

import (
	"bytes"
	"testing"

	"golang.org/x/sys/unix"
)

func TestAttrAt(t *testing.T) {
	var e Encoder
	e.PutU32(1, 7)
	e.PutString(2, "ab") // 3 bytes of payload, one of padding
	n := e.BeginNest(3)
	e.EndNest(n)
	b := append([]byte(nil), e.Bytes()...)

	typ, d, next := AttrAt(b, 0)
	if typ != 1 || !bytes.Equal(d, []byte{7, 0, 0, 0}) || next != 8 {
		t.Fatalf("first: %d %v %d", typ, d, next)
	}
	typ, d, next = AttrAt(b, next)
	if typ != 2 || string(d) != "ab\x00" || next != 16 {
		t.Fatalf("second: %d %q %d", typ, d, next)
	}
	typ, d, next = AttrAt(b, next)
	if typ != 3 || len(d) != 0 || next != len(b) {
		t.Fatalf("nested: %d %v %d (NLA_F_NESTED must be masked off)", typ, d, next)
	}
	if raw := RawAttrAt(b, 16); raw.Type != 3 || raw.Flags != unix.NLA_F_NESTED {
		t.Fatalf("RawAttrAt: %+v", raw)
	}

	// The last attribute's padding may be missing: next stops at the end.
	short := b[:15]
	if _, d, next := AttrAt(short, 8); string(d) != "ab\x00" || next != 15 {
		t.Fatalf("unpadded: %q %d", d, next)
	}
	for _, c := range []struct {
		name string
		b    []byte
		off  int
	}{
		{"empty", nil, 0},
		{"at the end", b, len(b)},
		{"truncated header", b[:3], 0},
		{"length below the header", []byte{3, 0, 1, 0}, 0},
		{"length past the end", b[:7], 0},
	} {
		if _, d, next := AttrAt(c.b, c.off); next != -1 || d != nil {
			t.Errorf("%s: next %d, data %v; want -1, nil", c.name, next, d)
		}
	}
}

func TestAttrHeader(t *testing.T) {
	var e Encoder
	e.PutU32(1, 7)
	n := e.BeginNest(2)
	e.EndNest(n)
	b := append([]byte(nil), e.Bytes()...)

	if typ, l := AttrHeader(b, 0); typ != 1 || l != 8 {
		t.Fatalf("first: type %d, length %d", typ, l)
	}
	if typ, l := AttrHeader(b, 8); typ != 2 || l != 4 {
		t.Fatalf("nested: type %d, length %d (NLA_F_NESTED must be masked off)", typ, l)
	}
	// No whole header at off: length 0, which every caller rejects as
	// shorter than a header. Nothing outside b is read.
	for _, off := range []int{-1, len(b) - 3, len(b), len(b) + 4, -1 << 62, 1<<62 + 1} {
		if typ, l := AttrHeader(b, off); typ != 0 || l != 0 {
			t.Errorf("off %d: type %d, length %d; want 0, 0", off, typ, l)
		}
	}
	if _, l := AttrHeader(nil, 0); l != 0 {
		t.Errorf("nil: length %d", l)
	}
}

func TestFixedReaders(t *testing.T) {
	b := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	if U8(b) != 1 || U16(b) != ne.Uint16(b) || U32(b) != ne.Uint32(b) || U64(b) != ne.Uint64(b) {
		t.Error("host order readers")
	}
	if BE16(b) != 0x0102 || BE32(b) != 0x01020304 || BE64(b) != 0x0102030405060708 {
		t.Error("big-endian readers")
	}
	if _, err := ReadU32("x", b[:3]); err == nil || err.Error() != SizeError("x", 4, 3).Error() {
		t.Errorf("ReadU32 of 3 bytes: %v", err)
	}
	if v, err := ReadBE16("x", b[:2]); err != nil || v != 0x0102 {
		t.Errorf("ReadBE16: %v %v", v, err)
	}
}
