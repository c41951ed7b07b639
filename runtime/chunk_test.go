package runtime

import (
	"strings"
	"testing"
	"unsafe"
)

type chunkElem struct {
	A uint64
	B string
}

func TestChunkTake(t *testing.T) {
	var c Chunk[chunkElem]
	per := ChunkBytes / int(unsafe.Sizeof(chunkElem{}))
	a := c.Take(3)
	b := c.Take(2)
	if len(a) != 3 || cap(a) != 3 || len(b) != 2 || cap(b) != 2 {
		t.Fatalf("len/cap %d/%d and %d/%d, want 3/3 and 2/2", len(a), cap(a), len(b), cap(b))
	}
	if &a[2] == &b[0] || uintptr(unsafe.Pointer(&b[0]))-uintptr(unsafe.Pointer(&a[0])) != 3*unsafe.Sizeof(chunkElem{}) {
		t.Errorf("second take does not follow the first in the chunk")
	}
	// Appending to a part never overwrites the next one.
	_ = append(a, chunkElem{A: 7})
	if b[0].A != 0 {
		t.Errorf("append to one part wrote into the next")
	}
	// A big request gets its own slice and leaves the chunk alone.
	big := c.Take(per)
	if len(big) != per {
		t.Fatalf("big take: len %d, want %d", len(big), per)
	}
	next := c.Take(1)
	if uintptr(unsafe.Pointer(&next[0]))-uintptr(unsafe.Pointer(&b[0])) != 2*unsafe.Sizeof(chunkElem{}) {
		t.Errorf("the chunk was dropped for a big take")
	}
	// An exhausted chunk is replaced; parts are always zeroed.
	for range 2 * per {
		p := c.Take(1)
		if p[0] != (chunkElem{}) {
			t.Fatal("part not zeroed")
		}
		p[0] = chunkElem{A: 1, B: "x"}
	}
	var fresh Chunk[chunkElem]
	if got := fresh.Take(0); got == nil || len(got) != 0 {
		t.Errorf("Take(0) = %#v, want empty and non-nil", got)
	}
	var empty Chunk[struct{}]
	if got := empty.Take(3); len(got) != 3 {
		t.Errorf("zero-size elements: len %d, want 3", len(got))
	}
	var none *Chunk[chunkElem]
	if got := none.Take(4); len(got) != 4 || cap(got) != 4 {
		t.Errorf("nil chunk: len/cap %d/%d, want 4/4", len(got), cap(got))
	}
}

func TestChunkRewind(t *testing.T) {
	var c Chunk[chunkElem]
	c.Rewind() // nothing taken yet: a no-op
	a := c.Take(3)
	for i := range a {
		a[i] = chunkElem{A: uint64(i + 1), B: "old"}
	}
	c.Rewind()
	b := c.Take(2)
	if &b[0] != &a[0] {
		t.Fatal("a rewound chunk does not hand out its start again")
	}
	for i, e := range a {
		if e != (chunkElem{}) {
			t.Errorf("part %d handed out before Rewind is %+v, want zeroed", i, e)
		}
	}
	if next := c.Take(1); &next[0] != &a[2] {
		t.Error("takes after Rewind do not follow each other")
	}
	var none *Chunk[chunkElem]
	none.Rewind() // allocates every part alone: nothing to rewind
}

func TestBytesCopies(t *testing.T) {
	var c Bytes
	buf := []byte("family\x00other")
	s, err := c.ReadNulString("name", buf[:7])
	if err != nil || s != "family" {
		t.Fatalf("ReadNulString = %q, %v", s, err)
	}
	o, err := c.ReadString("other", buf[7:])
	if err != nil || o != "other" {
		t.Fatalf("ReadString = %q, %v", o, err)
	}
	cp := c.Copy(buf[:3])
	// The copies do not alias the receive buffer.
	for i := range buf {
		buf[i] = 'Z'
	}
	if s != "family" || o != "other" || string(cp) != "fam" {
		t.Errorf("copies changed with the buffer: %q %q %q", s, o, cp)
	}
	if cap(cp) != 3 {
		t.Errorf("Copy capacity %d, want 3", cap(cp))
	}
	_ = append(cp, 'x', 'y')
	if next := c.String([]byte("ab")); next != "ab" {
		t.Errorf("append to a copy wrote into the chunk: %q", next)
	}
	if e := c.Copy(nil); e == nil || len(e) != 0 {
		t.Errorf("Copy(nil) = %#v, want empty non-nil", e)
	}
	if _, err := c.ReadNulString("name", []byte("x")); err == nil || !strings.Contains(err.Error(), `"name"`) {
		t.Errorf("unterminated: err %v", err)
	}
	long := strings.Repeat("y", ChunkBytes/4+1) // too long to share a chunk
	if got := c.String([]byte(long)); got != long {
		t.Errorf("long string changed")
	}
	var none *Bytes
	if got, err := none.ReadNulString("n", []byte("a\x00")); got != "a" || err != nil {
		t.Errorf("nil Bytes: %q, %v", got, err)
	}
}

func BenchmarkChunkTake(b *testing.B) {
	var c Chunk[chunkElem]
	for b.Loop() {
		_ = c.Take(2)
	}
}

func TestScratchOf(t *testing.T) {
	if ScratchOf[chunkElem](nil) != nil {
		t.Error("nil slot: want nil")
	}
	var slot any
	a := ScratchOf[chunkElem](&slot)
	if a == nil || ScratchOf[chunkElem](&slot) != a {
		t.Fatal("the slot did not keep its value")
	}
	slot = "something else"
	if b := ScratchOf[chunkElem](&slot); b == nil || b == a || slot != any(b) {
		t.Error("a slot holding another type was not given a fresh value")
	}
}

// TestRewindGrows: parts taken since the last Rewind that did not fit in
// one chunk make Rewind get a chunk that holds them all, so replies like
// the last one take no allocation after it (the point of reusing memory),
// up to maxRewound; bigger replies keep allocating what exceeds it.
func TestRewindGrows(t *testing.T) {
	per := ChunkBytes / int(unsafe.Sizeof(chunkElem{}))
	var c Chunk[chunkElem]
	reply := func(takes ...int) {
		c.Rewind()
		for _, n := range takes {
			p := c.Take(n)
			for i := range p {
				if p[i] != (chunkElem{}) {
					t.Fatalf("take of %d: element %d not zeroed", n, i)
				}
				p[i] = chunkElem{A: 1, B: "x"}
			}
		}
	}
	big := []int{per / 2, per / 2, per / 2, per} // 2.5 chunks, one take too big to share
	reply(big...)
	if n := testing.AllocsPerRun(20, func() { reply(big...) }); n != 0 {
		t.Errorf("a rewound chunk still allocates %v times per reply like the last", n)
	}
	if got, want := len(c.buf), 5*per/2; got != want {
		t.Errorf("grown chunk holds %d elements, want %d", got, want)
	}
	// A reply beyond maxRewound: the chunk stops at the cap.
	limit := maxRewound / int(unsafe.Sizeof(chunkElem{}))
	huge := make([]int, 0, 40)
	for range 40 {
		huge = append(huge, per/2)
	}
	reply(huge...)
	reply(huge...)
	if len(c.buf) != limit {
		t.Errorf("after a huge reply the chunk holds %d elements, want the cap %d", len(c.buf), limit)
	}
	// Smaller replies keep the grown chunk and zero what they used.
	reply(3)
	reply(1)
	if p := c.Take(3); p[1] != (chunkElem{}) || p[2] != (chunkElem{}) {
		t.Error("a part used by the reply before was not zeroed")
	}
}
