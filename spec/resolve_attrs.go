package spec

// attrSets registers sets, numbers attributes, links subsets to their
// parents and resolves every attribute's references and checks.
func (rv *resolver) attrSets() {
	f := rv.f
	f.sets = map[string]*AttrSet{}
	for _, s := range f.AttrSets {
		if prev, dup := f.sets[s.Name]; dup {
			rv.d.errorf(s.Pos, "duplicate attribute set %q (first at line %d)", s.Name, prev.Pos.Line)
			continue
		}
		f.sets[s.Name] = s
	}
	for _, s := range f.AttrSets {
		if s.raw.subsetOf.Value == "" {
			rv.rootSet(s)
		}
	}
	for _, s := range f.AttrSets {
		if s.raw.subsetOf.Value != "" {
			rv.subset(s)
		}
	}
	for _, s := range f.AttrSets {
		if s.SubsetOf == nil {
			for _, a := range s.Attrs {
				rv.attrRefs(a)
			}
		}
	}
	for _, s := range f.AttrSets {
		if s.SubsetOf != nil {
			for _, a := range s.Attrs {
				rv.inherit(a)
			}
		}
	}
}

// rootSet resolves a set that is not a subset: its C enum prefix (the
// family's "<ident>-a-<set>-" unless name-prefix says otherwise, without
// the set name for the set named like the family) and its attributes'
// values and names.
func (rv *resolver) rootSet(s *AttrSet) {
	f := rv.f
	prefix := f.IdentName + "-a-" + s.Name + "-"
	switch {
	case s.raw.hasNamePrefix:
		prefix = s.raw.namePrefix
	case s.Name == f.Name:
		prefix = f.IdentName + "-a-"
	}
	s.NamePrefix = cUpper(prefix)
	s.MaxName = cUpper(orDefault(s.raw.maxName, s.NamePrefix+"max"))
	s.CntName = cUpper(orDefault(s.raw.cntName, "__"+s.NamePrefix+"max"))
	if s.raw.hasEnumName && s.raw.enumName != "" {
		s.EnumName = cLower(s.raw.enumName)
	}
	s.CName = setCName(f, s.Name)
	s.byName = map[string]*Attr{}
	byValue := map[uint64]*Attr{}
	next := uint64(1)
	for _, a := range s.Attrs {
		if !a.raw.hasValue {
			a.Value = next
		}
		next = a.Value + 1
		if a.Value > 0xffff&^0xc000 {
			rv.d.errorf(a.Pos, "attribute %q: value %d does not fit the 14 bits of an attribute type", a.Name, a.Value)
		}
		if prev, dup := s.byName[a.Name]; dup {
			rv.d.errorf(a.Pos, "attribute set %q: duplicate attribute %q (first at line %d)", s.Name, a.Name, prev.Pos.Line)
		} else {
			s.byName[a.Name] = a
		}
		if prev, dup := byValue[a.Value]; dup {
			rv.d.errorf(a.Pos, "attribute set %q: attribute %q has the same value %d as %q", s.Name, a.Name, a.Value, prev.Name)
		} else {
			byValue[a.Value] = a
		}
		if !a.raw.hasType {
			rv.d.errorf(a.Pos, "attribute %q: missing required key \"type\"", s.Name+"."+a.Name)
		}
		a.CName = cUpper(orDefault(a.raw.namePrefix, s.NamePrefix) + a.Name)
		s.MaxValue = max(s.MaxValue, a.Value)
	}
}

// setCName is the C stem the kernel generator uses for a set's policy.
func setCName(f *Family, name string) string {
	if name == f.Name {
		return cLower(f.IdentName)
	}
	return cLower(f.IdentName + "_" + name)
}

// subset resolves a subset-of set: it shares its full parent set's C
// names, and each attribute it lists points to the parent's (Parent); a
// name the parent lacks, or a type or value that differs from the
// parent's, is an error, and a name listed twice a warning.
func (rv *resolver) subset(s *AttrSet) {
	f := rv.f
	ref := s.raw.subsetOf
	parent := f.sets[ref.Value]
	s.byName = map[string]*Attr{}
	s.CName = setCName(f, s.Name)
	if parent == nil {
		rv.d.errorf(ref.Pos, "attribute set %q: subset-of names unknown set %q%s", s.Name, ref.Value, didYouMean(ref.Value, setNames(f)))
		return
	}
	if parent.SubsetOf != nil || parent.raw.subsetOf.Value != "" {
		rv.d.errorf(ref.Pos, "attribute set %q: %q is itself a subset; subsets must name a full set", s.Name, ref.Value)
		return
	}
	s.SubsetOf = parent
	s.NamePrefix, s.MaxName, s.CntName = parent.NamePrefix, parent.MaxName, parent.CntName
	for _, a := range s.Attrs {
		pa := parent.Attr(a.Name)
		if pa == nil {
			rv.d.errorf(a.Pos, "attribute set %q: %q is not an attribute of its parent set %q%s", s.Name, a.Name, parent.Name, didYouMean(a.Name, attrNames(parent)))
			continue
		}
		if _, dup := s.byName[a.Name]; dup {
			rv.d.warnf(a.Pos, "attribute set %q: attribute %q is listed twice; the second entry is ignored", s.Name, a.Name)
			a.raw.duplicate = true
			continue
		}
		if a.raw.hasType && a.Type != pa.Type && a.Type != "" {
			rv.d.errorf(a.raw.typePos, "attribute %q: type %s differs from %s in parent set %q", s.Name+"."+a.Name, a.Type, pa.Type, parent.Name)
		}
		if a.raw.hasValue && a.Value != pa.Value {
			rv.d.errorf(a.Pos, "attribute %q: value %d differs from %d in parent set %q", s.Name+"."+a.Name, a.Value, pa.Value, parent.Name)
		}
		a.Parent = pa
		s.byName[a.Name] = a
	}
	kept := s.Attrs[:0]
	for _, a := range s.Attrs {
		if !a.raw.duplicate {
			kept = append(kept, a)
		}
	}
	s.Attrs = kept
}

// inherit copies a subset entry's definition from its parent attribute;
// a subset entry may narrow its nested set to a subset of the parent's.
func (rv *resolver) inherit(a *Attr) {
	pa := a.Parent
	if pa == nil {
		return
	}
	nested := a.raw.nested
	doc := a.Doc
	set, r, pos := a.Set, a.raw, a.Pos
	*a = *pa
	a.Set, a.raw, a.Pos, a.Parent = set, r, pos, pa
	if doc != "" {
		a.Doc = doc
	}
	if nested.Value != "" && nested.Value != pa.raw.nested.Value {
		if n := rv.setRef(nested, a); n != nil {
			if pa.Nested != nil && n.Root() != pa.Nested.Root() {
				rv.d.errorf(nested.Pos, "attribute %q: nested set %q is not %q or a subset of it", set.Name+"."+a.Name, n.Name, pa.Nested.Name)
			}
			a.Nested = n
		}
	}
	a.Set.MaxValue = max(a.Set.MaxValue, a.Value)
}

func setNames(f *Family) []string {
	var out []string
	for _, s := range f.AttrSets {
		out = append(out, s.Name)
	}
	return out
}

func attrNames(s *AttrSet) []string {
	var out []string
	for _, a := range s.Attrs {
		out = append(out, a.Name)
	}
	return out
}

func (rv *resolver) setRef(ref posString, a *Attr) *AttrSet {
	s := rv.f.sets[ref.Value]
	if s == nil {
		rv.d.errorf(ref.Pos, "attribute %q: unknown nested-attributes set %q%s", a.Set.Name+"."+a.Name, ref.Value, didYouMean(ref.Value, setNames(rv.f)))
	}
	return s
}

// attrRefs resolves an attribute's references and type constraints.
func (rv *resolver) attrRefs(a *Attr) {
	what := "attribute " + quote(a.Set.Name+"."+a.Name)
	if a.raw.nested.Value != "" {
		a.Nested = rv.setRef(a.raw.nested, a)
	}
	if a.raw.enum.Value != "" {
		a.Enum = rv.enumRef(a.raw.enum, what)
	}
	if a.raw.structName.Value != "" {
		def := rv.f.defs[a.raw.structName.Value]
		switch {
		case def == nil:
			rv.d.errorf(a.raw.structName.Pos, "%s: unknown struct %q%s", what, a.raw.structName.Value, didYouMean(a.raw.structName.Value, rv.defNames(DefStruct)))
		case def.Kind != DefStruct:
			rv.d.errorf(a.raw.structName.Pos, "%s: %q is a %s, not a struct", what, def.Name, def.Kind)
		default:
			a.Struct = def
		}
	}
	if a.raw.len.set {
		if n, expr, ok := rv.length(a.raw.len, what); ok {
			a.Len, a.LenExpr = n, expr
		}
	}
	rv.typeRules(a, what)
	rv.attrChecks(a, what)
}

// typeRules checks that the keys an attribute uses fit its type.
func (rv *resolver) typeRules(a *Attr, what string) {
	t := a.Type
	switch t {
	case "":
		return
	case TypeNest, TypeNestTypeValue:
		if a.raw.nested.Value == "" {
			rv.d.errorf(a.raw.typePos, "%s: a %s attribute needs \"nested-attributes\"", what, t)
		}
	case TypeIndexedArray:
		switch {
		case a.SubType == "":
			rv.d.errorf(a.raw.typePos, "%s: an indexed-array attribute needs \"sub-type\"", what)
		case a.SubType == TypeNest && a.raw.nested.Value == "":
			rv.d.errorf(a.raw.subTypePos, "%s: an indexed-array of nests needs \"nested-attributes\"", what)
		case a.SubType.IsNested() && a.SubType != TypeNest:
			rv.d.errorf(a.raw.subTypePos, "%s: indexed-array sub-type %s is not supported", what, a.SubType)
		}
	case TypeBitfield32:
		if a.Enum == nil && a.raw.enum.Value == "" {
			rv.d.errorf(a.raw.typePos, "%s: a bitfield32 attribute needs an \"enum\" (flags) naming its valid bits", what)
		}
	}
	if a.raw.nested.Value != "" && !t.IsNested() {
		rv.d.errorf(a.raw.nested.Pos, "%s: \"nested-attributes\" does not apply to type %s", what, t)
	}
	if a.SubType != "" && t != TypeIndexedArray && t != TypeBinary {
		rv.d.errorf(a.raw.subTypePos, "%s: \"sub-type\" does not apply to type %s", what, t)
	}
	if t == TypeBinary && a.SubType != "" && !a.SubType.IsInteger() {
		rv.d.errorf(a.raw.subTypePos, "%s: a binary array's sub-type must be an integer type, not %s", what, a.SubType)
	}
	if a.raw.structName.Value != "" && t != TypeBinary {
		rv.d.errorf(a.raw.structName.Pos, "%s: \"struct\" only applies to binary attributes, not %s", what, t)
	}
	if a.raw.enum.Value != "" && !t.IsInteger() && t != TypeBitfield32 && !(t == TypeIndexedArray && a.SubType.IsInteger()) {
		rv.d.errorf(a.raw.enum.Pos, "%s: \"enum\" only applies to integer attributes, not %s", what, t)
	}
	if a.EnumAsFlags && a.raw.enum.Value == "" {
		rv.d.errorf(a.Pos, "%s: \"enum-as-flags\" needs an \"enum\"", what)
	}
	if a.BigEndian && !t.IsInteger() && !(t == TypeBinary || t == TypeIndexedArray) {
		rv.d.errorf(a.Pos, "%s: \"byte-order\" only applies to integers, not %s", what, t)
	}
	if len(a.TypeValue) > 0 && t != TypeNestTypeValue {
		rv.d.warnf(a.Pos, "%s: \"type-value\" only applies to nest-type-value attributes and is ignored", what)
	}
	if a.raw.len.set && t != TypeBinary && t != TypeString {
		rv.d.errorf(a.raw.len.pos, "%s: \"len\" only applies to binary and string attributes", what)
	}
	if (t == TypePad || t == TypeUnused) && a.MultiAttr {
		rv.d.errorf(a.Pos, "%s: a %s attribute cannot be multi-attr", what, t)
	}
}
