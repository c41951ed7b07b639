package parity

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"
	"github.com/genlgen/genlgen/internal/families/nlctrl"
	"github.com/genlgen/genlgen/runtime"
	"github.com/genlgen/genlgen/spec"
)

func loadSpec(t *testing.T, name string) *spec.Family {
	t.Helper()
	f, err := spec.Load(corpus.Spec(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestOursFitsGenlNamsiz(t *testing.T) {
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, w := range strings.Fields(string(mk)) {
		fields[w] = true
	}
	for _, f := range Families {
		if len(f.Ours()) > 15 {
			t.Errorf("%s: %q is longer than 15 bytes", f.Spec, f.Ours())
		}
		if f.NoModule == "" && !fields[f.Spec] {
			t.Errorf("%s: not in the Makefile's PARITY_FAMILIES", f.Spec)
		}
	}
}

// TestNormaliseIgnoresPolicyNumbering builds two snapshots of netdev's
// dev-get that number their policies differently, and one that differs in
// a limit.
func TestNormaliseIgnoresPolicyNumbering(t *testing.T) {
	f := loadSpec(t, "netdev")
	u32 := nlctrl.AttrTypeU32
	snap := func(idx uint32, min uint64) *Snapshot {
		return &Snapshot{
			Name:     "netdev",
			Family:   &nlctrl.CtrlAttrs{Version: runtime.Some[uint32](1), Ops: []nlctrl.OpAttrs{{ID: runtime.Some[uint32](1), Flags: runtime.Some(nlctrl.OpFlags(10))}}},
			OpPolicy: []nlctrl.CtrlAttrsOpPolicyEntry{{OpID: 1, Attrs: nlctrl.OpPolicyAttrs{Do: runtime.Some(idx)}}},
			Policy: []nlctrl.CtrlAttrsPolicyEntry{
				{PolicyID: uint16(idx), AttrID: 1, Attrs: nlctrl.PolicyAttrs{Type: runtime.Some(u32), MinValueU: runtime.Some(min)}},
			},
		}
	}
	a, err := Normalise(snap(0, 1), f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Normalise(snap(7, 1), f)
	if err != nil {
		t.Fatal(err)
	}
	if d := Compare(a, b); len(d) != 0 {
		t.Errorf("renumbered policies differ: %v", d)
	}
	c, err := Normalise(snap(3, 2), f)
	if err != nil {
		t.Fatal(err)
	}
	d := Compare(a, c)
	if len(d) != 1 || d[0].Key != (Key{Op: "dev-get", Mode: "do", Path: "ifindex"}) {
		t.Fatalf("want one difference on dev-get do ifindex, got %v", d)
	}
	if !strings.Contains(d[0].String(), "min-value-u=1") {
		t.Errorf("difference does not show the limit: %s", d[0])
	}
	if got := a[Key{Op: "dev-get", Path: "flags"}]; got != "cmd-cap-do|cmd-cap-haspol" {
		t.Errorf("flags rendered %q", got)
	}
}

// TestJSONDiff: replies compared as decoded JSON differ only where their
// values do, member order aside.
func TestJSONDiff(t *testing.T) {
	py := `[{"ifindex": 1, "xdp-features": ["basic", "rx-sg"]}]`
	gg := `[{"xdp-features": ["basic", "rx-sg"], "ifindex": 1}]`
	var a, b any
	if err := json.Unmarshal([]byte(py), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(gg), &b); err != nil {
		t.Fatal(err)
	}
	if d := JSONDiff(a, b); len(d) != 0 {
		t.Errorf("replies differ: %v", d)
	}
	b.([]any)[0].(map[string]any)["ifindex"] = 2.0
	if d := JSONDiff(a, b); len(d) != 1 || !strings.HasPrefix(d[0], "[0].ifindex:") {
		t.Errorf("want one ifindex difference, got %v", d)
	}
}
