package docexmpl_test

import (
	"testing"

	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/spec"
)

// TestUpToDate fails if the checked-in docexmpl package is stale (run go
// generate ./examples/doc_exmpl/...).
func TestUpToDate(t *testing.T) {
	f, err := spec.Load("../../spec/doc_exmpl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, err := gogen.Generate(f, gogen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	problems, err := gen.Check("docexmpl", files)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Path, p.Reason)
	}
}
