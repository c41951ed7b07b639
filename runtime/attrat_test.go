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
