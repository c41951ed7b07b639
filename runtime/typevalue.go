package runtime

import "fmt"

// MaxTypeValueDepth is the most nests a nest-type-value attribute may wrap
// around each entry (the number of its type-value keys) for generated code.
// The kernel's specs use one or two.
const MaxTypeValueDepth = 8

// TypeValueIter walks the entries of a nest-type-value attribute without
// closures or allocations. Each entry sits depth nests deep; the types of
// the nests around it, outermost first, are its keys:
//
//	it := runtime.TypeValues(payload, 2)
//	for it.Next() {
//		policyID, attrID, attrs := it.Key(0), it.Key(1), it.Data()
//		...
//	}
//	if err := it.Err(); err != nil { ... }
type TypeValueIter struct {
	depth int
	level int // the nest level Next reads from; -1 once done
	bufs  [MaxTypeValueDepth][]byte
	offs  [MaxTypeValueDepth]int
	keys  [MaxTypeValueDepth]uint16
	data  []byte
	err   error
}

// TypeValues returns an iterator over the entries in b, the payload of a
// nest-type-value attribute whose entries sit depth nests deep.
func TypeValues(b []byte, depth int) TypeValueIter {
	it := TypeValueIter{depth: depth}
	if depth < 1 || depth > MaxTypeValueDepth {
		it.level = -1
		it.err = fmt.Errorf("genlgen: decode: nest-type-value depth %d not in 1..%d", depth, MaxTypeValueDepth)
		return it
	}
	it.bufs[0] = b
	return it
}

// Next advances to the next entry and reports whether there is one.
func (it *TypeValueIter) Next() bool {
	l := it.level
	for l >= 0 {
		b, off := it.bufs[l], it.offs[l]
		if off >= len(b) {
			l-- // this nest is done: carry on in the one around it
			continue
		}
		typ, d, next := AttrAt(b, off)
		if next < 0 {
			it.err = AttrsError(b, off)
			break
		}
		it.offs[l], it.keys[l] = next, typ
		if l == it.depth-1 {
			it.level, it.data = l, d
			return true
		}
		l++
		it.bufs[l], it.offs[l] = d, 0
	}
	it.level, it.data = -1, nil
	return false
}

// Key returns the current entry's key i (0 is the outermost nest's type).
func (it *TypeValueIter) Key(i int) uint16 { return it.keys[i] }

// Data returns the current entry's attributes. It aliases the decoded
// buffer.
func (it *TypeValueIter) Data() []byte { return it.data }

// Err returns the error that stopped the walk, if any.
func (it *TypeValueIter) Err() error { return it.err }

// TypeValueWriter appends the entries of a nest-type-value attribute, the
// encoding side of TypeValueIter:
//
//	w := e.BeginTypeValues(8)
//	for i := range entries {
//		w.Entry(e, entries[i].PolicyID, entries[i].AttrID)
//		entries[i].Attrs.Encode(e)
//		w.EndEntry(e)
//	}
//	w.End(e)
//
// Consecutive entries that share outer keys share those nests, as the
// kernel sends them; the innermost nest holds one entry.
type TypeValueWriter struct {
	outer int
	n     int // nests open around the current position, keys[:n]
	open  [MaxTypeValueDepth]int
	keys  [MaxTypeValueDepth]uint16
}

// BeginTypeValues opens a nest-type-value attribute of type typ.
func (e *Encoder) BeginTypeValues(typ uint16) TypeValueWriter {
	return TypeValueWriter{outer: e.BeginNest(typ)}
}

// Entry opens the nests of an entry whose keys are keys (outermost first,
// at most MaxTypeValueDepth), reusing the open nests of the previous
// entry's matching leading keys; the entry's attributes follow.
func (w *TypeValueWriter) Entry(e *Encoder, keys ...uint16) {
	if len(keys) < 1 || len(keys) > MaxTypeValueDepth {
		if e.err == nil {
			e.err = fmt.Errorf("genlgen: encode: nest-type-value entry with %d keys, want 1 to %d", len(keys), MaxTypeValueDepth)
		}
		return
	}
	common := 0
	for common < len(keys)-1 && common < w.n && w.keys[common] == keys[common] {
		common++
	}
	for ; w.n > common; w.n-- {
		e.EndNest(w.open[w.n-1])
	}
	for _, k := range keys[common:] {
		w.open[w.n], w.keys[w.n] = e.BeginNest(k), k
		w.n++
	}
}

// EndEntry closes the entry's own (innermost) nest.
func (w *TypeValueWriter) EndEntry(e *Encoder) {
	if w.n > 0 {
		w.n--
		e.EndNest(w.open[w.n])
	}
}

// End closes the nests still open and the attribute.
func (w *TypeValueWriter) End(e *Encoder) {
	for ; w.n > 0; w.n-- {
		e.EndNest(w.open[w.n-1])
	}
	e.EndNest(w.outer)
}
