package corpus

// KernelHeaders names, for each genetlink spec of the corpus (by file name
// without .yaml), the kernel's own uAPI headers that declare its
// constants, the first one including the others where it needs them.
var KernelHeaders = map[string][]string{
	"devlink":      {"linux/devlink.h"},
	"dpll":         {"linux/dpll.h"},
	"ethtool":      {"linux/ethtool_netlink.h", "linux/ethtool.h"},
	"fou":          {"linux/fou.h"},
	"handshake":    {"linux/handshake.h"},
	"mptcp_pm":     {"linux/mptcp_pm.h", "linux/mptcp.h"},
	"netdev":       {"linux/netdev.h"},
	"nfsd":         {"linux/nfsd_netlink.h"},
	"nlctrl":       {"linux/genetlink.h"},
	"ovs_datapath": {"linux/openvswitch.h"},
	"ovs_flow":     {"linux/openvswitch.h"},
	"ovs_vport":    {"linux/openvswitch.h"},
	"tcp_metrics":  {"linux/tcp_metrics.h"},
	"team":         {"linux/if_team.h"},
}

// SpecDifferences are the constants whose value in the kernel's
// (hand-written) header differs from what the 6.12 spec itself says, with
// the cause. genlgen follows the spec, as the kernel's own generator would,
// so tests comparing with the kernel's headers expect these differences.
var SpecDifferences = map[string]string{
	"ETHTOOL_MODULE_FW_FLASH_STATUS_STARTED":        "ethtool.yaml lacks the header's value-start: 1",
	"ETHTOOL_MODULE_FW_FLASH_STATUS_IN_PROGRESS":    "ethtool.yaml lacks the header's value-start: 1",
	"ETHTOOL_MODULE_FW_FLASH_STATUS_COMPLETED":      "ethtool.yaml lacks the header's value-start: 1",
	"ETHTOOL_MODULE_FW_FLASH_STATUS_ERROR":          "ethtool.yaml lacks the header's value-start: 1",
	"ETHTOOL_C33_PSE_EXT_STATE_POWER_NOT_AVAILABLE": "ethtool.yaml has one entry fewer than the header",
	"ETHTOOL_C33_PSE_EXT_STATE_SHORT_DETECTED":      "ethtool.yaml has one entry fewer than the header",
	"OVS_ACTION_ATTR_PSAMPLE":                       "ovs_flow.yaml lacks OVS_ACTION_ATTR_DROP before it",
	"OVS_ACTION_ATTR_MAX":                           "ovs_flow.yaml lacks OVS_ACTION_ATTR_DROP",
	"__OVS_ACTION_ATTR_MAX":                         "ovs_flow.yaml lacks OVS_ACTION_ATTR_DROP",
	"DEVLINK_PORT_FUNCTION_ATTR_MAX":                "devlink.yaml's port function set stops two attributes early",
}
