package families_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/internal/families/ethtool"
	"github.com/genlgen/genlgen/internal/families/netdev"
	"github.com/genlgen/genlgen/internal/families/nlctrl"
	"github.com/genlgen/genlgen/runtime"
)

// needNetlink skips the test when no generic netlink socket can be opened.
func needNetlink(t *testing.T) context.Context {
	t.Helper()
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		t.Skipf("no generic netlink socket: %v", err)
	}
	unix.Close(fd)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// genlFamily is what `genl ctrl list` prints about one family.
type genlFamily struct {
	id, version, hdrsize, maxattr uint64
	ops                           map[uint64]uint64 // op id -> capability flags
	caps                          map[uint64]bool   // genl printed the op's flags
	groups                        map[string]uint64
}

var (
	reName   = regexp.MustCompile(`^Name: (\S+)`)
	reID     = regexp.MustCompile(`ID: (0x[0-9a-f]+)\s+Version: (0x[0-9a-f]+)\s+header size: (\d+)\s+max attribs: (\d+)`)
	reOp     = regexp.MustCompile(`^#\d+:\s+ID-(0x[0-9a-f]+)`)
	reCap    = regexp.MustCompile(`^Capabilities \((0x[0-9a-f]+)\)`)
	reGroup  = regexp.MustCompile(`^#\d+:\s+ID-(0x[0-9a-f]+)\s+name: (\S+)`)
	reGroups = regexp.MustCompile(`^multicast groups:`)
)

func num(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		t.Fatalf("genl output: %q: %v", s, err)
	}
	return v
}

// parseGenl parses `genl ctrl list`.
func parseGenl(t *testing.T, out string) map[string]*genlFamily {
	fams := map[string]*genlFamily{}
	var cur *genlFamily
	var lastOp uint64
	inGroups := false
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case reName.MatchString(line):
			cur = &genlFamily{ops: map[uint64]uint64{}, caps: map[uint64]bool{}, groups: map[string]uint64{}}
			fams[reName.FindStringSubmatch(line)[1]] = cur
			inGroups = false
		case cur == nil:
		case reID.MatchString(line):
			m := reID.FindStringSubmatch(line)
			cur.id, cur.version, cur.hdrsize, cur.maxattr = num(t, m[1]), num(t, m[2]), num(t, m[3]), num(t, m[4])
		case reGroups.MatchString(line):
			inGroups = true
		case inGroups && reGroup.MatchString(line):
			m := reGroup.FindStringSubmatch(line)
			cur.groups[m[2]] = num(t, m[1])
		case !inGroups && reOp.MatchString(line):
			lastOp = num(t, reOp.FindStringSubmatch(line)[1])
			cur.ops[lastOp] = 0
		case !inGroups && reCap.MatchString(line):
			cur.ops[lastOp] = num(t, reCap.FindStringSubmatch(line)[1])
			cur.caps[lastOp] = true
		}
	}
	return fams
}

// TestGetFamilyMatchesGenl compares nlctrl's getfamily dump with what
// iproute2's genl prints.
func TestGetFamilyMatchesGenl(t *testing.T) {
	ctx := needNetlink(t)
	genl, err := exec.LookPath("genl")
	if err != nil {
		t.Skip("genl (iproute2) is not installed")
	}
	c, err := nlctrl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got := map[string]*nlctrl.CtrlAttrs{}
	for fam, err := range c.GetfamilyDump(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if !fam.FamilyName.Present {
			t.Fatalf("family without a name: %+v", fam)
		}
		got[fam.FamilyName.V] = fam
	}
	out, err := exec.CommandContext(ctx, genl, "ctrl", "list").Output()
	if err != nil {
		t.Fatalf("genl ctrl list: %v", err)
	}
	want := parseGenl(t, string(out))
	if len(want) == 0 {
		t.Fatalf("could not parse genl output:\n%s", out)
	}
	if !slices.Equal(sortedKeys(got), sortedKeys(want)) {
		t.Fatalf("families differ:\n got  %v\n want %v", sortedKeys(got), sortedKeys(want))
	}
	for name, w := range want {
		g := got[name]
		check := func(what string, got runtime.Opt[uint32], want uint64) {
			if !got.Present || uint64(got.V) != want {
				t.Errorf("%s: %s = %v, genl says %d", name, what, got, want)
			}
		}
		if !g.FamilyID.Present || uint64(g.FamilyID.V) != w.id {
			t.Errorf("%s: id %v, genl says %d", name, g.FamilyID, w.id)
		}
		check("version", g.Version, w.version)
		check("hdrsize", g.Hdrsize, w.hdrsize)
		check("maxattr", g.Maxattr, w.maxattr)
		// genl prints an op's flags only for some families; compare
		// them where it does.
		ops := map[uint64]uint64{}
		for _, op := range g.Ops {
			id := uint64(op.ID.V)
			ops[id] = 0
			if w.caps[id] {
				ops[id] = uint64(op.Flags.V)
			}
		}
		if !mapsEqual(ops, w.ops) {
			t.Errorf("%s: ops %v, genl says %v", name, ops, w.ops)
		}
		groups := map[string]uint64{}
		for _, grp := range g.McastGroups {
			groups[grp.Name.V] = uint64(grp.ID.V)
		}
		if !mapsEqual(groups, w.groups) {
			t.Errorf("%s: groups %v, genl says %v", name, groups, w.groups)
		}
	}
	t.Logf("%d families match genl ctrl list", len(want))
}

// TestGetFamilyByID asks the host's nlctrl for a family by id, which its
// spec does not list among getfamily's request attributes (only
// family-name): the typed request refuses the field, naming it, before
// anything is sent, and the same id as an Unknown attribute, which is
// always sent, gets the family.
func TestGetFamilyByID(t *testing.T) {
	ctx := needNetlink(t)
	c, err := nlctrl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	byName, err := c.Getfamily(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some("nlctrl")})
	if err != nil {
		t.Fatal(err)
	}
	id := byName.FamilyID
	_, err = c.Getfamily(ctx, &nlctrl.CtrlAttrs{FamilyID: id})
	if !errors.Is(err, runtime.ErrNotInRequest) || !strings.Contains(err.Error(), "getfamily") || !strings.Contains(err.Error(), "FamilyID") {
		t.Fatalf("getfamily with FamilyID set: %v, want runtime.ErrNotInRequest naming getfamily and FamilyID", err)
	}
	t.Logf("refused: %v", err)
	var e runtime.Encoder
	e.PutU16(nlctrl.CtrlAttrFamilyID, id.V)
	req := &nlctrl.CtrlAttrs{Unknown: []runtime.RawAttr{{Type: nlctrl.CtrlAttrFamilyID, Data: e.Bytes()[4:]}}}
	byID, err := c.Getfamily(ctx, req)
	if err != nil {
		t.Fatalf("getfamily by id %d as an Unknown attribute: %v", id.V, err)
	}
	if byID.FamilyName != byName.FamilyName || byID.FamilyID != id {
		t.Fatalf("getfamily by id %d: %v %v, want nlctrl", id.V, byID.FamilyName, byID.FamilyID)
	}
}

// TestGetPolicyNetdev dumps netdev's policies through nlctrl: a doubly
// nested nest-type-value attribute.
func TestGetPolicyNetdev(t *testing.T) {
	ctx := needNetlink(t)
	c, err := nlctrl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var policies []nlctrl.CtrlAttrsPolicyEntry
	var opPolicies []nlctrl.CtrlAttrsOpPolicyEntry
	for msg, err := range c.GetpolicyDump(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some("netdev")}) {
		if err != nil {
			t.Fatal(err)
		}
		if len(msg.Unknown) > 0 {
			t.Errorf("unknown attributes: %v", msg.Unknown)
		}
		policies = append(policies, msg.Policy...)
		opPolicies = append(opPolicies, msg.OpPolicy...)
	}
	if len(policies) == 0 || len(opPolicies) == 0 {
		t.Fatalf("got %d policy and %d op-policy entries", len(policies), len(opPolicies))
	}
	ifindexMin := false
	for _, p := range policies {
		if !p.Attrs.Type.Present {
			t.Errorf("policy %d attr %d has no type: %+v", p.PolicyID, p.AttrID, p.Attrs)
		}
		if len(p.Attrs.Unknown) > 0 {
			t.Errorf("policy %d attr %d: unknown attributes %v", p.PolicyID, p.AttrID, p.Attrs.Unknown)
		}
		// dev-get's ifindex: u32 with a minimum of 1.
		if p.AttrID == 1 && p.Attrs.Type.Present && p.Attrs.Type.V == nlctrl.AttrTypeU32 &&
			p.Attrs.MinValueU.Present && p.Attrs.MinValueU.V == 1 {
			ifindexMin = true
		}
	}
	if !ifindexMin {
		t.Errorf("no policy says ifindex is a u32 of at least 1")
	}
	for _, op := range opPolicies {
		if !op.Attrs.Do.Present && !op.Attrs.Dump.Present {
			t.Errorf("op %d has neither do nor dump policy", op.OpID)
		}
	}
	t.Logf("netdev: %d policy entries, %d op policies", len(policies), len(opPolicies))
}

// sysIfindexes reads the interfaces' indexes from sysfs.
func sysIfindexes(t *testing.T) []uint32 {
	paths, err := filepath.Glob("/sys/class/net/*/ifindex")
	if err != nil || len(paths) == 0 {
		t.Skip("no /sys/class/net")
	}
	var out []uint32
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, uint32(v))
	}
	slices.Sort(out)
	return out
}

// TestNetdevDevGetDump lists the same interfaces as sysfs.
func TestNetdevDevGetDump(t *testing.T) {
	ctx := needNetlink(t)
	c, err := netdev.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []uint32
	for dev, err := range c.DevGetDump(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if !dev.Ifindex.Present {
			t.Fatalf("device without ifindex: %+v", dev)
		}
		got = append(got, dev.Ifindex.V)
	}
	slices.Sort(got)
	if want := sysIfindexes(t); !slices.Equal(got, want) {
		t.Errorf("dev-get dump: ifindexes %v, sysfs has %v", got, want)
	}
}

// TestNetdevErrors checks errno and extended ACK mapping.
func TestNetdevErrors(t *testing.T) {
	ctx := needNetlink(t)
	c, err := netdev.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	_, err = c.DevGet(ctx, &netdev.Dev{Ifindex: runtime.Some(uint32(0x7ffffff0))})
	if !errors.Is(err, unix.ENODEV) {
		t.Errorf("dev-get of a missing ifindex: %v, want ENODEV", err)
	}

	_, err = c.DevGet(ctx, &netdev.Dev{Ifindex: runtime.Some(uint32(0))})
	var ke *runtime.Error
	if !errors.As(err, &ke) {
		t.Fatalf("dev-get ifindex 0: %v, want a *runtime.Error", err)
	}
	// The kernel answers ERANGE for an integer below the policy's minimum.
	if ke.Errno != unix.ERANGE || ke.AttrPath != "ifindex" || ke.Message == "" || ke.Op != "dev-get" {
		t.Errorf("dev-get ifindex 0: %#v", ke)
	}
	if !strings.Contains(err.Error(), "dev-get: attribute ifindex: ") {
		t.Errorf("error text %q does not name the op and attribute", err)
	}
	t.Logf("dev-get ifindex 0: %v", err)
}

// TestOpsNewerThanTheKernel calls operations of the 7.3 specs that the
// host's kernel may lack (6.18 has neither): each such call must fail at
// once with a *runtime.Error naming the op and carrying the kernel's
// EOPNOTSUPP. Ops the kernel lists are skipped. e2e/doc_exmpl does the
// same against the guest's 6.12, with more ops.
func TestOpsNewerThanTheKernel(t *testing.T) {
	ctx := needNetlink(t)
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
	ctl, err := nlctrl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	lo := &ethtool.Header{DevName: runtime.Some("lo")}
	calls := []struct {
		family, op string
		cmd        uint32 // NETDEV_CMD_QUEUE_CREATE, ETHTOOL_MSG_MSE_GET
		call       func() error
	}{
		{"netdev", "queue-create", 16, func() error {
			_, err := nd.QueueCreate(ctx, &netdev.Queue{Ifindex: runtime.Some[uint32](1), Type: runtime.Some(netdev.QueueTypeRx)})
			return err
		}},
		{"ethtool", "mse-get", 51, func() error {
			_, err := et.MseGet(ctx, &ethtool.Mse{Header: lo})
			return err
		}},
	}
	ran := 0
	for _, c := range calls {
		fam, err := ctl.Getfamily(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some(c.family)})
		if err != nil {
			t.Fatalf("getfamily %s: %v", c.family, err)
		}
		if slices.ContainsFunc(fam.Ops, func(op nlctrl.OpAttrs) bool { return op.ID.V == c.cmd }) {
			t.Logf("%s %s: the kernel has it", c.family, c.op)
			continue
		}
		ran++
		err = c.call()
		var ke *runtime.Error
		if !errors.As(err, &ke) || ke.Op != c.op || ke.Errno != unix.EOPNOTSUPP {
			t.Errorf("%s %s: %v (%T), want a *runtime.Error for %s with EOPNOTSUPP", c.family, c.op, err, err, c.op)
			continue
		}
		t.Logf("%s %s: %v", c.family, c.op, err)
	}
	if ran == 0 {
		t.Skip("the kernel has every op tried")
	}
	if _, err := nd.DevGet(ctx, &netdev.Dev{Ifindex: runtime.Some[uint32](1)}); err != nil {
		t.Errorf("dev-get lo after the failures: %v", err)
	}
}

// TestEthtoolLoopback decodes link info and string sets of lo.
func TestEthtoolLoopback(t *testing.T) {
	ctx := needNetlink(t)
	c, err := ethtool.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	lo := &ethtool.Header{DevName: runtime.Some("lo")}
	// lo has no link settings: linkinfo-get must fail with EOPNOTSUPP.
	if _, err := c.LinkinfoGet(ctx, &ethtool.Linkinfo{Header: lo}); !errors.Is(err, unix.EOPNOTSUPP) {
		t.Errorf("linkinfo-get lo: %v, want EOPNOTSUPP", err)
	}
	feat, err := c.FeaturesGet(ctx, &ethtool.Features{Header: lo})
	if err != nil {
		t.Fatal(err)
	}
	if feat.Header == nil || feat.Header.DevName.V != "lo" || !feat.Header.DevIndex.Present {
		t.Errorf("features-get lo: header %+v", feat.Header)
	}
	if feat.Active == nil || feat.HW == nil {
		t.Errorf("features-get lo: no active or hw bitset: %+v", feat)
	}
	// Ask for the feature names (ETH_SS_FEATURES, 4): lo has no string
	// sets of its own, so an unqualified request returns none.
	set, err := c.StrsetGet(ctx, &ethtool.Strset{Header: lo, Stringsets: &ethtool.Stringsets{
		Stringset: []ethtool.StringsetAttrs{{ID: runtime.Some(uint32(4))}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if set.Stringsets == nil || len(set.Stringsets.Stringset) == 0 {
		t.Fatalf("strset-get lo: no string sets: %+v", set)
	}
	n := 0
	for _, ss := range set.Stringsets.Stringset {
		for _, strs := range ss.Strings {
			for _, s := range strs.String {
				if s.Value.Present {
					n++
				}
			}
		}
	}
	if n == 0 {
		t.Errorf("strset-get lo: no strings")
	}
	t.Logf("lo: ifindex %d, %d string sets, %d strings", feat.Header.DevIndex.V, len(set.Stringsets.Stringset), n)
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func mapsEqual[K comparable](a, b map[K]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
