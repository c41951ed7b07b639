package runtime

import (
	"errors"
	"reflect"
	"testing"
)

type tvEntry struct {
	keys []uint16
	val  uint32
}

func encodeTypeValues(t *testing.T, entries []tvEntry) []byte {
	t.Helper()
	b, err := MarshalAttrs(func(e *Encoder) {
		w := e.BeginTypeValues(9)
		for _, en := range entries {
			w.Entry(e, en.keys...)
			e.PutU32(1, en.val)
			w.EndEntry(e)
		}
		w.End(e)
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeTypeValues(t *testing.T, b []byte, depth int) ([]tvEntry, error) {
	t.Helper()
	typ, d, next := AttrAt(b, 0)
	if typ != 9 || next != len(b) {
		t.Fatalf("outer attribute: type %d, next %d of %d", typ, next, len(b))
	}
	var got []tvEntry
	it := TypeValues(d, depth)
	for it.Next() {
		keys := make([]uint16, depth)
		for i := range keys {
			keys[i] = it.Key(i)
		}
		_, v, _ := AttrAt(it.Data(), 0)
		x, err := ReadU32("val", v)
		if err != nil {
			return got, err
		}
		got = append(got, tvEntry{keys, x})
	}
	return got, it.Err()
}

func TestTypeValuesRoundTrip(t *testing.T) {
	entries := []tvEntry{
		{[]uint16{1, 1}, 11}, {[]uint16{1, 2}, 12}, {[]uint16{2, 1}, 21}, {[]uint16{1, 3}, 13},
	}
	b := encodeTypeValues(t, entries)
	got, err := decodeTypeValues(t, b, 2)
	if err != nil || !reflect.DeepEqual(got, entries) {
		t.Fatalf("got %v, %v; want %v", got, err, entries)
	}
	// Entries 1 and 2 share their outer nest (policy 1); entry 4 opens a
	// new one, as the kernel would: three outer nests in all.
	_, d, _ := AttrAt(b, 0)
	if n := CountAttrs(d); n != 3 {
		t.Errorf("%d outer nests, want 3", n)
	}

	one := []tvEntry{{[]uint16{5}, 50}, {[]uint16{5}, 51}, {[]uint16{7}, 70}}
	if got, err := decodeTypeValues(t, encodeTypeValues(t, one), 1); err != nil || !reflect.DeepEqual(got, one) {
		t.Fatalf("depth 1: got %v, %v; want %v (equal innermost keys are separate nests)", got, err, one)
	}
	if got, err := decodeTypeValues(t, encodeTypeValues(t, nil), 2); err != nil || len(got) != 0 {
		t.Fatalf("no entries: %v, %v", got, err)
	}
}

func TestTypeValuesMalformed(t *testing.T) {
	b := encodeTypeValues(t, []tvEntry{{[]uint16{1, 1}, 11}, {[]uint16{2, 1}, 21}})
	// Cut the second outer nest short: it claims more than is left.
	_, d, _ := AttrAt(b, 0)
	_, _, second := AttrAt(d, 0)
	ne.PutUint16(d[second:], uint16(len(d)-second+4))
	got, err := decodeTypeValues(t, b, 2)
	if !errors.Is(err, ErrMalformed) || len(got) != 1 {
		t.Fatalf("got %v, %v; want the first entry, then ErrMalformed", got, err)
	}
	for _, depth := range []int{0, MaxTypeValueDepth + 1} {
		it := TypeValues(d, depth)
		if it.Next() || it.Err() == nil {
			t.Errorf("depth %d: want no entry and an error", depth)
		}
	}
	var e Encoder
	w := e.BeginTypeValues(1)
	w.Entry(&e)
	if e.err == nil {
		t.Error("an entry without keys encoded without error")
	}
}
