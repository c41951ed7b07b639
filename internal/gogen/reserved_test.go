package gogen_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"sort"
	"testing"

	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/spec"
)

// TestReservedNames: the names the Go renderer reserves in the model
// (spec.GoReservedNames, set by gogen) are exactly the exported ones its
// templates declare beside the spec's own: package-level identifiers,
// Client methods, and fields and methods of attribute set structs. It
// reads the all-types package, which uses every template feature.
func TestReservedNames(t *testing.T) {
	f, err := spec.Load("testdata/alltypes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, err := gogen.Generate(f, gogen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fromSpec := map[string]bool{}
	for _, d := range f.Definitions {
		fromSpec[d.GoName] = true
		for _, e := range d.Entries {
			fromSpec[e.GoName] = true
		}
	}
	sets := map[string]bool{}
	attrFields := map[string]bool{}
	for _, s := range f.AttrSets {
		fromSpec[s.GoName], sets[s.GoName] = true, true
		attrFields[s.Go.HeaderField] = true
		for _, a := range s.Attrs {
			attrFields[a.GoName] = true
			fromSpec[a.Go.Const] = true
			if a.Go.EntryName != "" {
				fromSpec[a.Go.EntryName] = true
			}
		}
	}
	for _, g := range f.McastGroups {
		fromSpec[g.GoName] = true
	}
	opMethods := map[string]bool{}
	for _, op := range f.Ops.List {
		opMethods[op.GoName], opMethods[op.GoName+"Dump"] = true, true
		fromSpec[op.GoNtfName], fromSpec[op.GoCmd], fromSpec[op.GoReplyCmd] = true, true, true
	}
	var types, methods, fields []string
	add := func(list *[]string, name string) {
		if ast.IsExported(name) && !slices.Contains(*list, name) {
			*list = append(*list, name)
		}
	}
	for _, file := range files {
		pf, err := parser.ParseFile(token.NewFileSet(), file.Path, file.Data, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range pf.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						if !fromSpec[sp.Name.Name] {
							add(&types, sp.Name.Name)
						}
						if st, ok := sp.Type.(*ast.StructType); ok && sets[sp.Name.Name] {
							for _, fl := range st.Fields.List {
								for _, n := range fl.Names {
									if !attrFields[n.Name] {
										add(&fields, n.Name)
									}
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							if !fromSpec[n.Name] {
								add(&types, n.Name)
							}
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					if !fromSpec[d.Name.Name] {
						add(&types, d.Name.Name)
					}
					continue
				}
				recv := d.Recv.List[0].Type
				if st, ok := recv.(*ast.StarExpr); ok {
					recv = st.X
				}
				id, _ := recv.(*ast.Ident)
				switch {
				case id != nil && id.Name == "Client" && !opMethods[d.Name.Name]:
					add(&methods, d.Name.Name)
				case id != nil && sets[id.Name]:
					add(&fields, d.Name.Name)
				}
			}
		}
	}
	r := spec.GoReservedNames
	for _, c := range []struct {
		what           string
		declared, have []string
	}{{"package-level identifiers", types, r.Types}, {"Client methods", methods, r.Methods}, {"set fields and methods", fields, r.Fields}} {
		sort.Strings(c.declared)
		have := slices.Sorted(slices.Values(c.have))
		if !slices.Equal(c.declared, have) {
			t.Errorf("%s: the templates declare %v, gogen reserves %v", c.what, c.declared, have)
		}
	}
}
