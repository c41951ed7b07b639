package spec

// markUsage records which sets messages carry in each direction, following
// nests, so generators emit only what is used.
func (rv *resolver) markUsage() {
	for _, op := range rv.f.Ops.List {
		for _, m := range []*OpMode{op.Do, op.Dump} {
			if m == nil {
				continue
			}
			if m.Request != nil {
				markSet(op.AttrSet, m.Request.Attrs, true)
			}
			if m.Reply != nil {
				markSet(op.AttrSet, m.Reply.Attrs, false)
			}
		}
		if op.IsEvent {
			markSet(op.AttrSet, op.Event, false)
		}
	}
}

func markSet(s *AttrSet, attrs []*Attr, request bool) {
	if s == nil {
		return
	}
	if request {
		if s.UsedInRequest {
			return
		}
		s.UsedInRequest = true
	} else {
		if s.UsedInReply {
			return
		}
		s.UsedInReply = true
	}
	for _, a := range attrs {
		if a.Nested != nil {
			markSet(a.Nested, a.Nested.Attrs, request)
		}
	}
}

// warnings reports legal but suspicious constructs.
func (rv *resolver) warnings() {
	for _, s := range rv.f.AttrSets {
		if s.SubsetOf != nil {
			continue
		}
		var wide *Attr
		hasPad := false
		for _, a := range s.Attrs {
			switch a.Type {
			case TypePad:
				hasPad = true
			case TypeU64, TypeS64:
				if wide == nil {
					wide = a
				}
			}
		}
		if wide != nil && !hasPad {
			rv.d.warnf(wide.Pos, "attribute set %q has 64-bit attribute %q but no pad attribute: the kernel cannot align it (nla_put_64bit needs one)", s.Name, wide.Name)
		}
	}
	for _, def := range rv.f.Definitions {
		if def.Doc == "" && def.IsEnumLike() && def.Header == "" {
			rv.d.warnf(def.Pos, "definition %q has no doc", def.Name)
		}
	}
}
