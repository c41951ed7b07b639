//go:build !e2e_guest

package e2ealltypes

import (
	"testing"

	at "github.com/genlgen/genlgen/e2e/alltypes/alltypes"
	genfiles "github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/runtime"
	"github.com/genlgen/genlgen/spec"
)

// specPath is the all-types spec, shared with internal/gogen's tests.
const specPath = "../../internal/gogen/testdata/alltypes.yaml"

// TestClientUpToDate fails if the checked-in client (alltypes/, a copy of
// internal/gogen/internal/alltypes that e2e code may import) is stale.
func TestClientUpToDate(t *testing.T) {
	f, err := spec.Load(specPath)
	if err != nil {
		t.Fatal(err)
	}
	files, err := gogen.Generate(f, gogen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	problems, err := genfiles.Check("alltypes", files)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s (run go run ./cmd/genlgen -go e2e/alltypes/alltypes %s)", p.Path, p.Reason, "internal/gogen/testdata/alltypes.yaml")
	}
}

// TestGeneratorRoundTripsLocally: the random requests the guest sends
// survive the Go client's own encode and decode unchanged, so a difference
// in the guest is the kernel's.
func TestGeneratorRoundTripsLocally(t *testing.T) {
	g := newGen(1)
	for i := range 3000 {
		in := g.all(modeOf(i))
		b, err := runtime.MarshalAttrs(in.Encode)
		if err != nil {
			t.Fatal(err)
		}
		var out at.All
		if err := out.Decode(b); err != nil {
			t.Fatalf("request %d: decode: %v", i, err)
		}
		out.Header = in.Header // not an attribute
		if d := diff(&out, in); d != "" {
			t.Fatalf("request %d (mode %d) does not round-trip locally:%s", i, modeOf(i), d)
		}
	}
}
