//go:build e2e_guest

package docexmpl

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/internal/families/devlink"
	"github.com/genlgen/genlgen/internal/families/ethtool"
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

// The clients in internal/families are generated from Linux 7.3's specs;
// the guest runs 6.12. The tests below check what a client from a newer
// spec does against an older kernel.

// TestNewerSpecOpsTheKernelLacks calls, in their do and dump forms, the
// netdev and ethtool operations of the 7.3 specs that 6.12 does not have.
// Each must fail at once with a *runtime.Error naming the operation and
// carrying the kernel's errno (genetlink answers EOPNOTSUPP for a command
// the family lacks), not panic or hang; the clients keep working after.
func TestNewerSpecOpsTheKernelLacks(t *testing.T) {
	ctx := guest.Ctx(t, 60*time.Second)
	nd, err := netdev.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer nd.Close()
	et, err := ethtool.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer et.Close()
	lo := func() *ethtool.Header { return &ethtool.Header{DevName: runtime.Some("lo")} }

	// cmd is the op's command number (NETDEV_CMD_*, ETHTOOL_MSG_*_GET in
	// 7.3's uAPI), to check that the guest's kernel indeed lacks it.
	calls := []struct {
		family, op string
		cmd        uint32
		dump       bool
		call       func() error
	}{
		{"netdev", "napi-set", 14, false, func() error {
			return nd.NAPISet(ctx, &netdev.NAPI{ID: runtime.Some[uint32](1)})
		}},
		{"netdev", "bind-tx", 15, false, func() error {
			_, err := nd.BindTx(ctx, &netdev.Dmabuf{Ifindex: runtime.Some[uint32](1), FD: runtime.Some[uint32](0)})
			return err
		}},
		{"netdev", "queue-create", 16, false, func() error {
			_, err := nd.QueueCreate(ctx, &netdev.Queue{Ifindex: runtime.Some[uint32](1), Type: runtime.Some(netdev.QueueTypeRx)})
			return err
		}},
		{"ethtool", "tsconfig-get", 46, false, func() error {
			_, err := et.TsconfigGet(ctx, &ethtool.Tsconfig{Header: lo()})
			return err
		}},
		{"ethtool", "tsconfig-get", 46, true, func() error {
			return dumpErr(et.TsconfigGetDump(ctx, &ethtool.Tsconfig{Header: lo()}))
		}},
		{"ethtool", "mse-get", 51, false, func() error {
			_, err := et.MseGet(ctx, &ethtool.Mse{Header: lo()})
			return err
		}},
		{"ethtool", "mse-get", 51, true, func() error {
			return dumpErr(et.MseGetDump(ctx, &ethtool.Mse{Header: lo()}))
		}},
	}

	kernelOps := familyOps(t, ctx, "netdev", "ethtool")
	for _, c := range calls {
		name := c.family + " " + c.op
		if c.dump {
			name += " dump"
		}
		if slices.Contains(kernelOps[c.family], c.cmd) {
			t.Fatalf("%s: the guest's kernel has command %d (ops %v): pick an op it lacks", name, c.cmd, kernelOps[c.family])
		}
		start := time.Now()
		err := c.call()
		took := time.Since(start)
		var ke *runtime.Error
		switch {
		case err == nil:
			t.Errorf("%s: no error from a kernel without the op", name)
		case !errors.As(err, &ke):
			t.Errorf("%s: %v (%T), want a *runtime.Error", name, err, err)
		case ke.Op != c.op:
			t.Errorf("%s: error names op %q: %v", name, ke.Op, err)
		case !errors.Is(err, unix.EOPNOTSUPP) && !errors.Is(err, unix.EINVAL):
			t.Errorf("%s: %v, want EOPNOTSUPP or EINVAL", name, err)
		case !strings.HasPrefix(err.Error(), "genlgen: "+c.op+": "):
			t.Errorf("%s: error text %q does not start with the op", name, err)
		default:
			t.Logf("%s: %v (%v)", name, err, took.Round(time.Microsecond))
		}
		if took > 5*time.Second {
			t.Errorf("%s: took %v", name, took)
		}
	}

	// The sockets that carried the failures are fine for the next
	// requests.
	if d, err := nd.DevGet(ctx, &netdev.Dev{Ifindex: runtime.Some[uint32](1)}); err != nil || !d.Ifindex.Present {
		t.Errorf("dev-get lo after the failures: %+v, %v", d, err)
	}
	if _, err := et.FeaturesGet(ctx, &ethtool.Features{Header: lo()}); err != nil {
		t.Errorf("features-get lo after the failures: %v", err)
	}
}

// TestNewerSpecAttrs checks attributes across the version gap. An
// attribute the 7.3 spec added to a request is refused by 6.12's strict
// policy with EINVAL, and the error names it (ethtool's tsinfo-get
// hwtstamp-provider); a legacy op that validates leniently ignores it
// (devlink's index), the request failing only for what it asks. Replies
// from 6.12 decode with nothing in Unknown (the newer spec knows all the
// older kernel sends), and an attribute a newer kernel would add to a real
// reply is kept raw in Unknown, the known fields decoding as before.
func TestNewerSpecAttrs(t *testing.T) {
	ctx := guest.Ctx(t, 60*time.Second)

	et, err := ethtool.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer et.Close()
	lo := func() *ethtool.Header { return &ethtool.Header{DevName: runtime.Some("lo")} }
	if _, err := et.TsinfoGet(ctx, &ethtool.Tsinfo{Header: lo()}); err != nil {
		t.Errorf("tsinfo-get lo: %v", err)
	}
	_, err = et.TsinfoGet(ctx, &ethtool.Tsinfo{Header: lo(), HwtstampProvider: &ethtool.TsHwtstampProvider{Index: runtime.Some[uint32](0), Qualifier: runtime.Some[uint32](0)}})
	var ke *runtime.Error
	if !errors.As(err, &ke) || ke.Errno != unix.EINVAL || ke.Op != "tsinfo-get" || ke.AttrPath != "hwtstamp-provider" {
		t.Errorf("tsinfo-get lo with hwtstamp-provider: %v (%#v), want EINVAL naming attribute hwtstamp-provider", err, ke)
	} else {
		t.Logf("tsinfo-get lo with hwtstamp-provider: %v", err)
	}

	dl, err := devlink.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Close()
	_, err = dl.Get(ctx, &devlink.Devlink{BusName: runtime.Some("netdevsim"), DevName: runtime.Some("netdevsim0"), Index: runtime.Some[uint64](1)})
	if !errors.As(err, &ke) || ke.Errno != unix.ENODEV || ke.Op != "get" || ke.AttrPath != "" {
		t.Errorf("devlink get of a missing device, with index: %v (%#v), want ENODEV naming no attribute", err, ke)
	} else {
		t.Logf("devlink get of a missing device, with index: %v", err)
	}

	ctl, err := nlctrl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	n := 0
	for f, err := range ctl.GetfamilyDump(ctx) {
		if err != nil {
			t.Fatalf("getfamily dump: %v", err)
		}
		n++
		for _, p := range unknownPaths(f) {
			t.Errorf("getfamily %s: attributes the spec does not know at %s", f.FamilyName.V, p)
		}
	}
	nd, err := netdev.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer nd.Close()
	for d, err := range nd.DevGetDump(ctx) {
		if err != nil {
			t.Fatalf("dev-get dump: %v", err)
		}
		for _, p := range unknownPaths(d) {
			t.Errorf("dev-get %d: attributes the spec does not know at %s", d.Ifindex.V, p)
		}
	}
	feat, err := et.FeaturesGet(ctx, &ethtool.Features{Header: lo()})
	if err != nil {
		t.Fatalf("features-get lo: %v", err)
	}
	for _, p := range unknownPaths(feat) {
		t.Errorf("features-get lo: attributes the spec does not know at %s", p)
	}
	t.Logf("%d getfamily entries, dev-get and features-get replies: nothing unknown", n)

	// dev-get lo's reply as the kernel sent it, then with an attribute
	// of a type the spec does not have, as a newer kernel might add.
	want, err := nd.DevGet(ctx, &netdev.Dev{Ifindex: runtime.Some[uint32](1)})
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	devGet := runtime.Op{Name: "dev-get", Cmd: 1, DoReply: true} // NETDEV_CMD_DEV_GET
	req := &netdev.Dev{Ifindex: runtime.Some[uint32](1)}
	if err := nd.Conn().Do(ctx, &devGet, req.Encode, func(m runtime.Message) error {
		raw = slices.Clone(m.Payload)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	const newType = 100 // above every dev attribute; no NLA_F_* bits
	extra := []byte{0xde, 0xad, 0xbe, 0xef, 0x01}
	newer := binary.NativeEndian.AppendUint16(slices.Clone(raw), uint16(4+len(extra)))
	newer = binary.NativeEndian.AppendUint16(newer, newType)
	newer = append(newer, extra...)
	newer = append(newer, make([]byte, (4-len(extra)%4)%4)...)
	var got netdev.Dev
	if err := got.Decode(newer); err != nil {
		t.Fatalf("decode dev-get reply with a newer attribute: %v", err)
	}
	if len(got.Unknown) != 1 || got.Unknown[0].Type != newType || string(got.Unknown[0].Data) != string(extra) {
		t.Errorf("Unknown %+v, want the one attribute of type %#x, %x", got.Unknown, newType, extra)
	}
	t.Logf("dev-get lo (%d bytes) with a newer attribute: Unknown %+v", len(raw), got.Unknown)
	got.Unknown = nil
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("known attributes decoded %+v beside a newer one, %+v without", got, *want)
	}
}

// familyOps returns the command numbers the kernel lists for each family
// named.
func familyOps(t *testing.T, ctx context.Context, families ...string) map[string][]uint32 {
	t.Helper()
	c, err := nlctrl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out := map[string][]uint32{}
	for _, name := range families {
		f, err := c.Getfamily(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some(name)})
		if err != nil {
			t.Fatalf("getfamily %s: %v", name, err)
		}
		for _, op := range f.Ops {
			out[name] = append(out[name], op.ID.V)
		}
	}
	return out
}

// dumpErr runs a dump to its end and returns its error; replies count as
// an error too, since the kernel should have refused the dump.
func dumpErr[T any](seq iter.Seq2[T, error]) error {
	n := 0
	for _, err := range seq {
		if err != nil {
			return err
		}
		n++
	}
	return fmt.Errorf("dump ended without an error after %d replies", n)
}

// unknownPaths returns the paths, in Go field names, of the non-empty
// Unknown fields in v and the structs it holds.
func unknownPaths(v any) []string {
	var out []string
	var walk func(path string, rv reflect.Value)
	walk = func(path string, rv reflect.Value) {
		switch rv.Kind() {
		case reflect.Pointer:
			if !rv.IsNil() {
				walk(path, rv.Elem())
			}
		case reflect.Slice:
			for i := 0; i < rv.Len(); i++ {
				walk(fmt.Sprintf("%s[%d]", path, i), rv.Index(i))
			}
		case reflect.Struct:
			for i := 0; i < rv.NumField(); i++ {
				f := rv.Type().Field(i)
				if !f.IsExported() {
					continue
				}
				if f.Name == "Unknown" {
					if rv.Field(i).Len() > 0 {
						out = append(out, path+".Unknown")
					}
					continue
				}
				walk(path+"."+f.Name, rv.Field(i))
			}
		}
	}
	walk("", reflect.ValueOf(v))
	return out
}
