package parity

import "path"

// Cause says where a known difference comes from.
type Cause string

// The causes of known differences.
const (
	// CauseKernel: the kernel's hand-written code does something the
	// spec does not say (or cannot say); genlgen follows the spec.
	CauseKernel Cause = "kernel code, not in the spec"
	// CauseSpec: the spec is wrong or incomplete for this kernel.
	CauseSpec Cause = "spec"
	// CauseGenlgen: genlgen is wrong.
	CauseGenlgen Cause = "genlgen"
	// CauseGenerator: the kernel's code comes from 6.12's YNL generator,
	// which 7.3's corrected; genlgen writes what 7.3's does.
	CauseGenerator Cause = "6.12 generator"
	// CausePython: the kernel's Python client is wrong or cannot decode.
	CausePython Cause = "cli.py"
	// CauseRendering: both clients are right; they render a value
	// differently.
	CauseRendering Cause = "rendering"
)

// KnownDiff explains differences: those of family Spec whose text
// (Diff.Key.String() for policies, the case name and the difference line
// for data) matches Match, a path.Match pattern.
type KnownDiff struct {
	Spec  string
	Match string
	Cause Cause
	Why   string
}

// Explain returns the entry that explains difference text of family
// specName, or nil.
func Explain(known []KnownDiff, specName, text string) *KnownDiff {
	for i, k := range known {
		if k.Spec != specName {
			continue
		}
		if ok, _ := path.Match(k.Match, text); ok {
			return &known[i]
		}
	}
	return nil
}

// Reasons shared by several families.
const (
	whyGroups = "the 6.12 spec has no mcast-groups; the kernel's family " +
		"struct, hand-written next to the generated ops, registers them"
	whyHandOps = "the hand-written family registers its ops otherwise " +
		"than genlgen does from the spec's kernel-policy: a family-wide " +
		"policy where the spec says split or per-op, a family maxattr " +
		"(which getfamily reports) of the attribute set's last attribute " +
		"where genlgen gives the policy's last, or ops whose dump has no " +
		"policy (the kernel drops it for a dump marked dont-validate dump " +
		"when it converts small or full ops, genl_cmd_full_to_split)"
	whyHandFlags = "the spec's op flags differ from the hand-written ops " +
		"table (mostly uns-admin-perm, which the spec does not declare)"
	whyHandPolicy = "the hand-written policy is not the spec's: one " +
		"family-wide policy (every op accepts every attribute), value and " +
		"length limits the spec does not state, nests the kernel parses " +
		"itself (no nested policy), and attributes the spec lists in a " +
		"request that the kernel never reads"
)

// handWritten explains the usual differences of a family whose kernel code
// is not generated from its spec; specific entries must come first.
func handWritten(specName string) []KnownDiff {
	return []KnownDiff{
		{specName, "family maxattr", CauseKernel, whyHandOps},
		{specName, "family mcast-groups", CauseSpec, "the spec's multicast groups differ from the ones the hand-written family registers"},
		{specName, "family version", CauseSpec, "the spec's version differs from the one the hand-written family registers"},
		{specName, "cmd-*", CauseSpec, "the kernel has ops the spec does not list"},
		{specName, "* flags", CauseSpec, whyHandFlags},
		{specName, "* dump", CauseKernel, whyHandOps},
		{specName, "* dump *", CauseKernel, whyHandOps},
		{specName, "*", CauseSpec, whyHandPolicy},
	}
}

// KnownPolicy explains the policy differences between the kernel's
// families and genlgen's modules.
var KnownPolicy = concat(
	[]KnownDiff{
		// Generated in the kernel too: every difference is named.
		{"fou", "* do port", CauseGenerator, whyBigEndian},
		{"fou", "* do peer_port", CauseGenerator, whyBigEndian},
		{"fou", "* do local_v6", CauseGenerator, whyMinLen},
		{"fou", "* do peer_v6", CauseGenerator, whyMinLen},
		{"mptcp_pm", "* addr.addr4", CauseGenerator, whyBigEndian},
		{"mptcp_pm", "* addr-remote.addr4", CauseGenerator, whyBigEndian},
		{"devlink", "family mcast-groups", CauseSpec, whyGroups},
		{"mptcp_pm", "family mcast-groups", CauseSpec, whyGroups},
		{"team", "family mcast-groups", CauseSpec, whyGroups},
		// Hand-written in the kernel.
		{"ethtool", "* header", CauseKernel, "the kernel has several header policies (with or without phy-index, a flags mask per op); the spec has one header set"},
		{"ethtool", "* header.*", CauseKernel, "the kernel has several header policies (with or without phy-index, a flags mask per op) and limits dev-name to ALTIFNAMSIZ - 1; the spec has one header set without checks"},
	},
	handWritten("ethtool"),
	handWritten("nlctrl"),
	handWritten("tcp_metrics"),
	handWritten("ovs_datapath"),
	handWritten("ovs_vport"),
	handWritten("ovs_flow"),
)

// Reasons of the differences between the generators' policies.
const (
	whyBigEndian = "6.12's generator wrote `{ .type = NLA_U16, }` or `NLA_U32` " +
		"for a u16 or u32 attribute with byte-order: big-endian; 7.3's, and " +
		"genlgen, write `NLA_BE16` or `NLA_BE32` (fou's `[FOU_ATTR_PORT]`, " +
		"say). 6.12's policy dump leaves NLA_BE16/32 out, so the kernel's " +
		"shows a plain u16 or u32 without limits and genlgen's nothing; " +
		"both validate the same (exact size, no range)"
	whyMinLen = "6.12's generator wrote `{ .len = N, }` (type NLA_UNSPEC, " +
		"at least N bytes) for a binary attribute with checks: min-len: N; " +
		"7.3's, and genlgen, write `NLA_POLICY_MIN_LEN(N)` (NLA_BINARY, at " +
		"least N bytes). 6.12's policy dump leaves NLA_UNSPEC out, and its " +
		"validate_nla (lib/nlattr.c) rejects an NLA_UNSPEC attribute as " +
		"\"Unsupported attribute\" when the op validates strictly, so the " +
		"old form could not reach an op without dont-validate: strict " +
		"(checked in the 6.12 guest with nfsd's unlock-ip)"
	whyOVSDrop = "the spec's action-attrs lacks drop, which the kernel's " +
		"linux/openvswitch.h has before psample (OVS_ACTION_ATTR_DROP = 24, " +
		"see internal/corpus): the kernel generator's code, built with the " +
		"7.3 tree's header (its uAPI mode fails on ovs_flow), has psample " +
		"at 25 and a maxtype of 25; genlgen numbers from the spec, psample " +
		"at 24"
)

// NotCompared73 are the 7.3 specs the comparison with the kernel's
// generator cannot take, with the cause; any other spec left out, or one
// of these compared after all, fails the run.
var NotCompared73 = map[string]string{
	"netdev": "both modules include the kernel-family header net/netdev_netlink.h, new after 6.12",
	"ovpn":   "the kernel generator's code uses NLA_POLICY_MAX_LEN, new after 6.12 (genlgen's module builds)",
}

// KnownPolicy73 explains the policy differences between the kernel's YNL
// generator's modules of the 7.3 specs and genlgen's. Both are generated
// from the same spec, so each entry names the differing attributes and
// the cause; an entry that no longer matches fails the run.
var KnownPolicy73 = []KnownDiff{
	// ovs_flow: the spec's numbering.
	{"ovs_flow", "* actions", CauseSpec, whyOVSDrop},
	{"ovs_flow", "* actions.#25", CauseSpec, whyOVSDrop},
	{"ovs_flow", "* actions.#25.*", CauseSpec, whyOVSDrop},
	{"ovs_flow", "* actions.psample", CauseSpec, whyOVSDrop},
	{"ovs_flow", "* actions.psample.*", CauseSpec, whyOVSDrop},
	{"ovs_flow", "* actions.check-pkt-len.actions-if-greater", CauseSpec, whyOVSDrop},
	{"ovs_flow", "* actions.check-pkt-len.actions-if-less-equal", CauseSpec, whyOVSDrop},
	{"ovs_flow", "* actions.clone", CauseSpec, whyOVSDrop},
	{"ovs_flow", "* actions.dec-ttl.action", CauseSpec, whyOVSDrop},
	{"ovs_flow", "* actions.sample.actions", CauseSpec, whyOVSDrop},
}

func concat(lists ...[]KnownDiff) []KnownDiff {
	var out []KnownDiff
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// KnownData explains the data differences between cli.py and genlgen's
// clients.
var KnownData = []KnownDiff{}
