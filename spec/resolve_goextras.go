package spec

// goExtras names what only the Go renderer declares: the entry types of
// nest-type-value attributes, the types of notifications and the field
// holding a message's fixed header. It runs after goNames so it can avoid every name given there.
func (rv *resolver) goExtras() {
	f := rv.f
	types := newNamespace(GoReservedNames.Types...)
	for _, def := range f.Definitions {
		types.taken[def.GoName] = true
		for _, e := range def.Entries {
			types.taken[e.GoName] = true
		}
	}
	for _, s := range f.AttrSets {
		types.taken[s.GoName] = true
	}
	for _, g := range f.McastGroups {
		types.taken[g.GoName] = true
	}
	for _, s := range f.AttrSets {
		for _, a := range s.Attrs {
			if a.Type != TypeNestTypeValue {
				continue
			}
			a.Go.EntryName = types.claim(s.GoName+a.GoName+"Entry", "Type")
			fields := newNamespace()
			for _, tv := range a.TypeValue {
				a.Go.TypeValueFields = append(a.Go.TypeValueFields, fields.claim(goName(tv)))
			}
			a.Go.AttrsField = fields.claim("Attrs", "Value")
		}
	}
	for _, op := range f.Ops.List {
		if op.IsAsync() {
			op.GoNtfName = types.claim(op.GoName, "Notification", "Msg")
		}
	}
	// Numbers by name, as the kernel's header names them, so that
	// generated code spells none.
	for _, s := range f.AttrSets {
		if s.SubsetOf != nil {
			continue
		}
		for _, a := range s.Attrs {
			a.Go.Const = types.claim(goName(a.CName), "Attr")
		}
	}
	for _, s := range f.AttrSets {
		if s.SubsetOf == nil {
			continue
		}
		for _, a := range s.Attrs {
			if r := s.Root().Attr(a.Name); r != nil {
				a.Go.Const = r.Go.Const
			}
		}
	}
	for _, op := range f.Ops.List {
		if op.CName != "" {
			op.GoCmd = types.claim(goName(op.CName), "Cmd")
		}
		op.GoReplyCmd = op.GoCmd
		if op.ReplyCName != "" && (op.ReplyValue != op.RequestValue || op.GoCmd == "") {
			op.GoReplyCmd = types.claim(goName(op.ReplyCName), "Cmd")
		}
	}
	for _, op := range f.Ops.List {
		s := op.AttrSet
		if s == nil || op.FixedHeader == nil || s.Go.FixedHeader != nil {
			continue
		}
		s.Go.FixedHeader = op.FixedHeader
		fields := newNamespace(GoReservedNames.Fields...)
		for _, a := range s.Attrs {
			fields.taken[a.GoName] = true
		}
		s.Go.HeaderField = fields.claim("Header", "FixedHeader")
	}
}
