//go:build e2e_guest

package parity

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/genlgen/genlgen/internal/families/nlctrl"
)

// TestMain refuses to run outside the e2e VM: on a developer's machine the
// snapshots would describe the wrong kernel (and genlgen's modules would
// not be loaded).
func TestMain(m *testing.M) {
	if os.Getenv("GENLGEN_E2E") != "1" {
		println("parity: not inside the e2e VM (GENLGEN_E2E unset); run it through make parity")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// TestSnapshots prints the getfamily and getpolicy snapshots of every
// family of Families, the kernel's and genlgen's, one console line each
// (SnapshotMarker, then JSON), for the parity command to compare.
func TestSnapshots(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := nlctrl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, f := range Families {
		names := []string{f.Spec, f.Ours()}
		if f.NoModule != "" {
			names = names[:1]
		}
		for _, name := range names {
			s := Take(ctx, c, name)
			if s.Err != "" {
				t.Errorf("%s: %s", name, s.Err)
			}
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("%s%s\n", SnapshotMarker, b)
		}
	}
}
