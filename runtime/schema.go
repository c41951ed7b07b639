package runtime

import "strconv"

// Op describes one operation of a family, as generated code declares it once
// in a package-level variable:
//
//	var opDevGet = runtime.Op{Name: "dev-get", Cmd: 1, Attrs: &attrsDev}
type Op struct {
	// Name is the spec name of the operation, used in errors.
	Name string
	// Cmd is the genl command sent in the request.
	Cmd uint8
	// Flags are extra netlink flags for the request, such as
	// NLM_F_CREATE; NLM_F_REQUEST, NLM_F_ACK and NLM_F_DUMP are set by
	// the runtime.
	Flags uint16
	// Attrs is the attribute set of the request, used to name the
	// attribute an extended ACK points at. It may be nil.
	Attrs *AttrSet
	// DoReply says that the kernel answers a successful "do" request with
	// a reply message. Such requests are sent without NLM_F_ACK: the
	// reply, or the error message the kernel always sends on failure,
	// ends the exchange, saving the ACK's allocation, copy and receive.
	// The kernel handles a request before the send returns, so if nothing
	// is queued then, the request succeeded without a reply.
	DoReply bool
}

// AttrSet is the static schema of one attribute set, indexed by attribute
// type. Generated code declares one per spec attribute-set:
//
//	var attrsDev = runtime.AttrSet{Name: "dev", Attrs: []runtime.AttrSpec{
//		1: {Name: "ifindex"},
//		5: {Name: "queues", Nested: &attrsQueue, IndexedArray: true},
//	}}
//
// Go rejects package-level variables whose initialisers refer to each
// other, so sets that nest each other (or themselves) must have their Nested
// pointers assigned in an init function.
type AttrSet struct {
	Name  string
	Attrs []AttrSpec
}

// AttrSpec describes one attribute of an AttrSet.
type AttrSpec struct {
	// Name is the spec name; an empty name means the type is unknown.
	Name string
	// Nested is the attribute set inside a nest, or the set of each
	// element of an indexed array of nests.
	Nested *AttrSet
	// IndexedArray marks an attribute whose payload is a list of
	// elements whose types are their indexes.
	IndexedArray bool
	// TypeValues is the depth of a nest-type-value attribute: each of
	// its entries, holding Nested's attributes, sits that many nests
	// deep, and is named by the nests' types, "name[k0][k1]".
	TypeValues int
}

// Lookup returns the spec of attribute type t, or nil if s does not know it.
func (s *AttrSet) Lookup(t uint16) *AttrSpec {
	if s == nil || int(t) >= len(s.Attrs) || s.Attrs[t].Name == "" {
		return nil
	}
	return &s.Attrs[t]
}

// name returns the spec name of t, or its number when unknown.
func (s *AttrSet) name(t uint16) string {
	if a := s.Lookup(t); a != nil {
		return a.Name
	}
	return strconv.Itoa(int(t))
}

// pathAt finds the attribute whose header starts at offset off of the
// request (attrs starts at offset base) and returns its path of spec names
// and the attribute set inside it (for a nest). An offset that falls inside
// a non-nested attribute's payload names that attribute. ok is false if no
// attribute covers off.
func pathAt(set *AttrSet, attrs []byte, base, off int) (path string, nested *AttrSet, ok bool) {
	it := Attrs(attrs)
	for it.Next() {
		start := base + it.Offset()
		end := start + attrHdrLen + len(it.Data())
		if off < start || off >= max(end, start+attrHdrLen) {
			continue
		}
		spec := set.Lookup(it.Type())
		name := set.name(it.Type())
		var inner *AttrSet
		if spec != nil {
			inner = spec.Nested
		}
		if off == start {
			return name, inner, true
		}
		if spec != nil && spec.IndexedArray {
			return indexPathAt(name, inner, it.Data(), start+attrHdrLen, off)
		}
		if spec != nil && spec.TypeValues > 0 {
			return typeValuePathAt(name, inner, spec.TypeValues, it.Data(), start+attrHdrLen, off)
		}
		if inner != nil || it.Nested() {
			if p, n, ok := pathAt(inner, it.Data(), start+attrHdrLen, off); ok {
				return name + "." + p, n, true
			}
		}
		return name, inner, true
	}
	return "", nil, false
}

// indexPathAt is pathAt inside an indexed array named name whose elements
// use set.
func indexPathAt(name string, set *AttrSet, elems []byte, base, off int) (string, *AttrSet, bool) {
	it := Attrs(elems)
	for it.Next() {
		start := base + it.Offset()
		end := start + attrHdrLen + len(it.Data())
		if off < start || off >= max(end, start+attrHdrLen) {
			continue
		}
		elem := name + "[" + strconv.Itoa(int(it.Type())) + "]"
		if off == start || set == nil { // a scalar element holds no attributes
			return elem, set, true
		}
		if p, n, ok := pathAt(set, it.Data(), start+attrHdrLen, off); ok {
			return elem + "." + p, n, true
		}
		return elem, set, true
	}
	return name, set, true
}

// typeValuePathAt is pathAt inside a nest-type-value named name, whose
// entries, depth nests deep, use set.
func typeValuePathAt(name string, set *AttrSet, depth int, nests []byte, base, off int) (string, *AttrSet, bool) {
	it := Attrs(nests)
	for it.Next() {
		start := base + it.Offset()
		end := start + attrHdrLen + len(it.Data())
		if off < start || off >= max(end, start+attrHdrLen) {
			continue
		}
		name += "[" + strconv.Itoa(int(it.Type())) + "]"
		switch {
		case off == start:
			return name, set, true
		case depth > 1:
			return typeValuePathAt(name, set, depth-1, it.Data(), start+attrHdrLen, off)
		}
		if p, n, ok := pathAt(set, it.Data(), start+attrHdrLen, off); ok {
			return name + "." + p, n, true
		}
		return name, set, true
	}
	return name, set, true
}
