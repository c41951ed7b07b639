package corpus

// headers612 are the 6.12 specs' kernel headers (Release.KernelHeaders).
var headers612 = map[string][]string{
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

// differences612 are the 6.12 specs' known differences from the kernel's
// headers (Release.SpecDifferences).
var differences612 = map[string]string{
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
	"__ETHTOOL_MSG_KERNEL_CNT":                      "ethtool.yaml lacks the header's ETHTOOL_MSG_PHY_NTF",
	"ETHTOOL_MSG_KERNEL_MAX":                        "ethtool.yaml lacks the header's ETHTOOL_MSG_PHY_NTF",
}

// headers73 are the 7.3 specs' kernel headers (Release.KernelHeaders).
var headers73 = map[string][]string{
	"binder":          {"linux/android/binder_netlink.h"},
	"dev-energymodel": {"linux/dev_energymodel.h"},
	"devlink":         {"linux/devlink.h"},
	"dpll":            {"linux/dpll.h"},
	"drm_ras":         {"drm/drm_ras.h"},
	"ethtool":         {"linux/ethtool_netlink.h", "linux/ethtool.h", "linux/ethtool_netlink_generated.h"},
	"fou":             {"linux/fou.h"},
	"handshake":       {"linux/handshake.h"},
	"lockd":           {"linux/lockd_netlink.h"},
	"mptcp_pm":        {"linux/mptcp_pm.h", "linux/mptcp.h"},
	"net_shaper":      {"linux/net_shaper.h"},
	"netdev":          {"linux/netdev.h"},
	"nfsd":            {"linux/nfsd_netlink.h"},
	"nl80211":         {"linux/nl80211.h"},
	"nlctrl":          {"linux/genetlink.h"},
	"ovpn":            {"linux/ovpn.h"},
	"ovs_datapath":    {"linux/openvswitch.h"},
	"ovs_flow":        {"linux/openvswitch.h"},
	"ovs_packet":      {"linux/openvswitch.h"},
	"ovs_vport":       {"linux/openvswitch.h"},
	"psp":             {"linux/psp.h"},
	"sunrpc_cache":    {"linux/sunrpc_netlink.h"},
	"tcp_metrics":     {"linux/tcp_metrics.h"},
	"team":            {"linux/if_team.h"},
	"wireguard":       {"linux/wireguard.h"},
}

// differences73 are the 7.3 specs' known differences from the kernel's
// headers (Release.SpecDifferences). devlink, nl80211 and ovs_flow are the
// incomplete specs; the 6.12 differences of ethtool are fixed in 7.3.
var differences73 = map[string]string{
	"DEVLINK_PORT_FUNCTION_ATTR_MAX": "devlink.yaml's port function set stops two attributes early",
	"DEVLINK_RESOURCE_SCOPE_DEV":     "devlink.yaml's resource-scope is an enum (0, 1) used as flags; the header defines the names as _BITUL() masks of *_BIT entries",
	"DEVLINK_RESOURCE_SCOPE_PORT":    "devlink.yaml's resource-scope is an enum (0, 1) used as flags; the header defines the names as _BITUL() masks of *_BIT entries",
	"NUM_NL80211_ATTR":               "nl80211.yaml's attribute set stops 35 attributes before the header's",
	"NL80211_IFTYPE_MAX":             "nl80211.yaml's iftype set stops two entries before the header's",
	"NL80211_BAND_IFTYPE_ATTR_MAX":   "nl80211.yaml's band iftype set stops two attributes before the header's",
	"NL80211_FREQUENCY_ATTR_MAX":     "nl80211.yaml's frequency set stops eight attributes before the header's",
	"NUM_NL80211_BANDS":              "nl80211.yaml's band set stops one entry before the header's",
	"OVS_ACTION_ATTR_PSAMPLE":        "ovs_flow.yaml lacks OVS_ACTION_ATTR_DROP before it",
	"OVS_ACTION_ATTR_MAX":            "ovs_flow.yaml lacks OVS_ACTION_ATTR_DROP",
	"__OVS_ACTION_ATTR_MAX":          "ovs_flow.yaml lacks OVS_ACTION_ATTR_DROP",
}
