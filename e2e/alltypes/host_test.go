//go:build !e2e_guest

package e2ealltypes

import (
	"testing"

	at "github.com/genlgen/genlgen/internal/gogen/alltypes"
	"github.com/genlgen/genlgen/runtime"
)

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
