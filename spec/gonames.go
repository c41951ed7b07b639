package spec

// goNames gives every node its Go identifier, resolving collisions once
// here so generators never mangle names.
//
// Two spec names that give C one identifier (foo-bar and foo_bar, get-x
// and get_x) are an error (cNames, naming both), since the kernel's C
// would merge or refuse them: such a spec never reaches a generator.
// What collides in Go only is renamed here, with a suffix ("Attr", "Op",
// "Value", then a number): a name Go reserves (Client, Close, Encode,
// ...), or two names that C keeps apart but Go's CamelCase does not
// (foo-1 and foo1 are FOO_1 and FOO1 in C, Foo1 both in Go: the second
// field becomes Foo1Attr).
func (rv *resolver) goNames() {
	f := rv.f
	types := newNamespace(GoReservedNames.Types...)
	for _, def := range f.Definitions {
		if def.Header != "" && def.Kind == DefConst {
			def.GoName = types.claim(goName(def.Name))
			continue
		}
		def.GoName = types.claim(goName(def.Name), "Def")
	}
	for _, s := range f.AttrSets {
		s.GoName = types.claim(goName(s.Name), "Attrs", "Set")
	}
	for _, g := range f.McastGroups {
		g.GoName = types.claim("Group"+goName(g.Name), "Name")
	}
	for _, def := range f.Definitions {
		for _, e := range def.Entries {
			e.GoName = types.claim(def.GoName+goName(e.Name), "Value")
		}
		fields := newNamespace()
		for _, m := range def.Members {
			m.GoName = fields.claim(goName(m.Name))
		}
	}
	for _, s := range f.AttrSets {
		fields := newNamespace(GoReservedNames.Fields...)
		for _, a := range s.Attrs {
			a.GoName = fields.claim(goName(a.Name), "Attr")
		}
	}
	methods := newNamespace(GoReservedNames.Methods...)
	for _, op := range f.Ops.List {
		op.GoName = methods.claim(goName(op.Name), "Op")
		// The dump method is GoName+"Dump"; reserve it too.
		methods.taken[op.GoName+"Dump"] = true
	}
}
