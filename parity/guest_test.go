//go:build e2e_guest

package parity

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/genlgen/genlgen/internal/families/nlctrl"
)

// skipOps names, for families of the 7.3 comparison, the commands whose
// policies the kernel cannot dump: "devlink_yk=5,6;devlink_g7=5,6" (from
// parity/cmd/paritymods' skip-ops.txt). Those families' policies are
// dumped op by op without them (TakeOps).
var skipOps = flag.String("skip-ops", "", "`FAMILY=CMD,...;...`: commands whose policies are not dumped")

func parseSkipOps(s string) (map[string][]uint32, error) {
	out := map[string][]uint32{}
	for _, part := range strings.Split(s, ";") {
		if part == "" {
			continue
		}
		name, cmds, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("-skip-ops: %q has no '='", part)
		}
		for _, c := range strings.Split(cmds, ",") {
			n, err := strconv.ParseUint(c, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("-skip-ops: %q: %v", part, err)
			}
			out[name] = append(out[name], uint32(n))
		}
	}
	return out, nil
}

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
// family of Families, the kernel's and genlgen's, and of every 7.3 family
// registered (the names ending in SuffixYNL or SuffixGenlgen: which of
// them were built is for parity/cmd/paritymods to say), one console line
// each (SnapshotMarker, then JSON), for the parity command to compare.
func TestSnapshots(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := nlctrl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	skip, err := parseSkipOps(*skipOps)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, f := range Families {
		all = append(all, f.Spec)
		if f.NoModule == "" {
			all = append(all, f.Ours())
		}
	}
	var k73 []string
	for fam, err := range c.GetfamilyDump(ctx) {
		if err != nil {
			t.Fatalf("getfamily dump: %v", err)
		}
		if n := fam.FamilyName.V; strings.HasSuffix(n, SuffixYNL) || strings.HasSuffix(n, SuffixGenlgen) {
			k73 = append(k73, n)
		}
	}
	slices.Sort(k73)
	t.Logf("7.3 families: %v", k73)
	all = append(all, k73...)
	for _, name := range all {
		var s *Snapshot
		if cmds, ok := skip[name]; ok {
			s = TakeOps(ctx, c, name, cmds)
		} else {
			s = Take(ctx, c, name)
		}
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
