package gogen

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	pathpkg "path"
	"strconv"

	"golang.org/x/tools/go/ast/astutil"
)

// formatGo does what golang.org/x/tools/imports does for a file whose
// imports the template lists (a superset of what it uses): drop the unused
// ones, sort them, and print the file gofmt-style. Unlike imports.Process it
// parses and prints once, which halves generation time: templates never
// need an import added, only removed. The parse skips object resolution,
// which printing does not need; an import counts as used when a selector
// starts with its name (templates never shadow a package name).
func formatGo(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	used := selectorNames(f)
	var unused []string
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return nil, err
		}
		pkg := pathpkg.Base(path)
		if imp.Name != nil {
			pkg = imp.Name.Name
		}
		if pkg != "_" && pkg != "." && !used[pkg] {
			unused = append(unused, path)
		}
	}
	for _, path := range unused {
		astutil.DeleteImport(fset, f, path)
	}
	ast.SortImports(fset, f)
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// selectorNames returns the identifiers that start selector expressions
// (pkg in pkg.Name, but also v in v.Field).
func selectorNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				names[id.Name] = true
			}
		}
		return true
	})
	return names
}
