//go:build e2e_guest

package docexmpl

import (
	"testing"
	"time"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/internal/families/netdev"
	"github.com/genlgen/genlgen/internal/families/nlctrl"
	"github.com/genlgen/genlgen/runtime"
)

// TestNlctrlListsDocExmpl dumps every family with the generated nlctrl
// client and checks DOC_EXMPL's entry: id, version, ops with the
// capabilities its spec implies, and the events group.
func TestNlctrlListsDocExmpl(t *testing.T) {
	ctx := guest.Ctx(t, 30*time.Second)
	c, err := nlctrl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fam := dial(t, ctx).Conn().Family()

	var found *nlctrl.CtrlAttrs
	names := map[string]bool{}
	for f, err := range c.GetfamilyDump(ctx) {
		if err != nil {
			t.Fatalf("getfamily dump: %v", err)
		}
		if !f.FamilyName.Present {
			t.Fatalf("getfamily dump: entry without a name: %+v", f)
		}
		names[f.FamilyName.V] = true
		if f.FamilyName.V == docexmpl.FamilyName {
			found = f
		}
	}
	for _, n := range []string{"nlctrl", "netdev", docexmpl.FamilyName} {
		if !names[n] {
			t.Errorf("getfamily dump does not list %s", n)
		}
	}
	if found == nil {
		t.FailNow()
	}
	if !found.FamilyID.Present || found.FamilyID.V != fam.ID {
		t.Errorf("DOC_EXMPL id %v, Dial resolved %d", found.FamilyID, fam.ID)
	}
	if !found.Version.Present || found.Version.V != docexmpl.FamilyVersion {
		t.Errorf("DOC_EXMPL version %v, want %d", found.Version, docexmpl.FamilyVersion)
	}

	// Every op has a policy as nlctrl sees it: genetlink lends split ops
	// without one its reject-all policy when it lists them.
	wantOps := map[uint32]nlctrl.OpFlags{
		cmdEcho:    nlctrl.OpFlagsCmdCapDo | nlctrl.OpFlagsCmdCapHaspol,
		cmdHistory: nlctrl.OpFlagsCmdCapDump | nlctrl.OpFlagsCmdCapHaspol,
		cmdClear:   nlctrl.OpFlagsCmdCapDo | nlctrl.OpFlagsAdminPerm | nlctrl.OpFlagsCmdCapHaspol,
	}
	gotOps := map[uint32]nlctrl.OpFlags{}
	for _, op := range found.Ops {
		if !op.ID.Present || !op.Flags.Present {
			t.Errorf("op without id or flags: %+v", op)
			continue
		}
		gotOps[op.ID.V] = op.Flags.V
	}
	for id, want := range wantOps {
		if got, ok := gotOps[id]; !ok {
			t.Errorf("op %d missing; ops %v", id, gotOps)
		} else if got != want {
			t.Errorf("op %d flags %v, want %v", id, got, want)
		}
	}
	if len(gotOps) != len(wantOps) {
		t.Errorf("ops %v, want %v", gotOps, wantOps)
	}

	if len(found.McastGroups) != 1 {
		t.Errorf("multicast groups %+v, want only %q", found.McastGroups, docexmpl.GroupEvents)
	}
	for _, g := range found.McastGroups {
		if !g.Name.Present || g.Name.V != docexmpl.GroupEvents || !g.ID.Present || g.ID.V != fam.Groups[docexmpl.GroupEvents] {
			t.Errorf("multicast group %+v, want %q id %d", g, docexmpl.GroupEvents, fam.Groups[docexmpl.GroupEvents])
		}
	}
}

// TestNlctrlPolicy reads DOC_EXMPL's policies back through the generated
// nlctrl client: echo's do policy has msg as a nul-string of at most
// MsgMaxLen bytes.
func TestNlctrlPolicy(t *testing.T) {
	ctx := guest.Ctx(t, 30*time.Second)
	c, err := nlctrl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var policies []nlctrl.CtrlAttrsPolicyEntry
	var opPolicies []nlctrl.CtrlAttrsOpPolicyEntry
	for m, err := range c.GetpolicyDump(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some(docexmpl.FamilyName)}) {
		if err != nil {
			t.Fatalf("getpolicy dump: %v", err)
		}
		policies = append(policies, m.Policy...)
		opPolicies = append(opPolicies, m.OpPolicy...)
	}
	echoPolicy := -1
	for _, op := range opPolicies {
		if op.OpID == cmdEcho && op.Attrs.Do.Present {
			echoPolicy = int(op.Attrs.Do.V)
		}
	}
	if echoPolicy < 0 {
		t.Fatalf("no do policy for echo among %+v", opPolicies)
	}
	var attrs []uint16
	for _, p := range policies {
		if int(p.PolicyID) != echoPolicy {
			continue
		}
		attrs = append(attrs, p.AttrID)
		if p.AttrID != attrMsg {
			continue
		}
		a := p.Attrs
		if !a.Type.Present || a.Type.V != nlctrl.AttrTypeNulString || !a.MaxLength.Present || a.MaxLength.V != docexmpl.MsgMaxLen {
			t.Errorf("echo's msg policy %+v, want nul-string of at most %d bytes", a, docexmpl.MsgMaxLen)
		}
	}
	if len(attrs) != 1 || attrs[0] != attrMsg {
		t.Errorf("echo's policy covers attributes %v, want only msg (%d)", attrs, attrMsg)
	}
}

// TestNetdevDevDump dumps the network devices with the generated netdev
// client: lo (ifindex 1) is there, and a do for it answers too.
func TestNetdevDevDump(t *testing.T) {
	ctx := guest.Ctx(t, 30*time.Second)
	c, err := netdev.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var ifindexes []uint32
	for d, err := range c.DevGetDump(ctx) {
		if err != nil {
			t.Fatalf("dev-get dump: %v", err)
		}
		if !d.Ifindex.Present {
			t.Fatalf("dev-get dump: device without ifindex: %+v", d)
		}
		ifindexes = append(ifindexes, d.Ifindex.V)
	}
	t.Logf("dev-get dump: ifindexes %v", ifindexes)
	lo := false
	for _, i := range ifindexes {
		lo = lo || i == 1
	}
	if !lo {
		t.Fatalf("dev-get dump lists %v, want lo (1) among them", ifindexes)
	}
	d, err := c.DevGet(ctx, &netdev.Dev{Ifindex: runtime.Some(uint32(1))})
	if err != nil {
		t.Fatalf("dev-get lo: %v", err)
	}
	if d == nil || !d.Ifindex.Present || d.Ifindex.V != 1 {
		t.Errorf("dev-get lo: %+v", d)
	}
}
