package families_test

import (
	"path/filepath"
	"testing"

	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/spec"
)

// specDir holds the kernel's specs the checked-in packages come from.
const specDir = "/work/shared/ynl-6.12/specs"

// TestUpToDate fails if a checked-in package differs from what the
// generator produces now.
func TestUpToDate(t *testing.T) {
	for _, name := range []string{"nlctrl", "netdev", "ethtool", "devlink"} {
		path := filepath.Join(specDir, name+".yaml")
		f, err := spec.Load(path)
		if err != nil {
			t.Skipf("spec corpus not available: %v", err)
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
