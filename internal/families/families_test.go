package families_test

import (
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"
	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/spec"
)

// TestUpToDate fails if a checked-in package differs from what the
// generator produces now from the 7.3 specs (doc.go's go:generate line).
func TestUpToDate(t *testing.T) {
	for _, name := range []string{"nlctrl", "netdev", "ethtool", "devlink"} {
		f, err := spec.Load(corpus.K73.Spec(t, name))
		if err != nil {
			t.Fatal(err)
		}
		files, err := gogen.Generate(f, gogen.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		problems, err := gen.Check(f.GoPackage, files)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s (run go generate ./internal/families)", p.Path, p.Reason)
		}
	}
}
