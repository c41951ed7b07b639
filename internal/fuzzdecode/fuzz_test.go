package fuzzdecode

import (
	"testing"

	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/internal/families/devlink"
	"github.com/genlgen/genlgen/internal/families/ethtool"
	"github.com/genlgen/genlgen/internal/families/netdev"
	"github.com/genlgen/genlgen/internal/families/nlctrl"
)

// The attribute-set types of each package, in the order of its attrs.go;
// the first byte of a fuzz input indexes them (modulo their number), so
// appending keeps the checked-in corpus meaningful.
var (
	docexmplFamily = &family{dir: "../../examples/doc_exmpl/docexmpl", types: []value{
		(*docexmpl.DocExmpl)(nil),
	}}
	nlctrlFamily = &family{dir: "../../internal/families/nlctrl", types: []value{
		(*nlctrl.CtrlAttrs)(nil),
		(*nlctrl.McastGroupAttrs)(nil),
		(*nlctrl.OpAttrs)(nil),
		(*nlctrl.PolicyAttrs)(nil),
		(*nlctrl.OpPolicyAttrs)(nil),
	}}
	netdevFamily = &family{dir: "../../internal/families/netdev", types: []value{
		(*netdev.Dev)(nil),
		(*netdev.PagePool)(nil),
		(*netdev.PagePoolInfo)(nil),
		(*netdev.PagePoolStats)(nil),
		(*netdev.NAPI)(nil),
		(*netdev.Queue)(nil),
		(*netdev.Qstats)(nil),
		(*netdev.QueueID)(nil),
		(*netdev.Dmabuf)(nil),
		(*netdev.IoUringProviderInfo)(nil),
		(*netdev.XSKInfo)(nil),
		(*netdev.Lease)(nil),
	}}
	ethtoolFamily = &family{dir: "../../internal/families/ethtool", types: []value{
		(*ethtool.Header)(nil),
		(*ethtool.BitsetBit)(nil),
		(*ethtool.BitsetBits)(nil),
		(*ethtool.Bitset)(nil),
		(*ethtool.String)(nil),
		(*ethtool.Strings)(nil),
		(*ethtool.StringsetAttrs)(nil),
		(*ethtool.Stringsets)(nil),
		(*ethtool.Strset)(nil),
		(*ethtool.Privflags)(nil),
		(*ethtool.Rings)(nil),
		(*ethtool.MmStat)(nil),
		(*ethtool.Mm)(nil),
		(*ethtool.Linkinfo)(nil),
		(*ethtool.Linkmodes)(nil),
		(*ethtool.Linkstate)(nil),
		(*ethtool.Debug)(nil),
		(*ethtool.Wol)(nil),
		(*ethtool.Features)(nil),
		(*ethtool.Channels)(nil),
		(*ethtool.IRQModeration)(nil),
		(*ethtool.Profile)(nil),
		(*ethtool.Coalesce)(nil),
		(*ethtool.PauseStat)(nil),
		(*ethtool.Pause)(nil),
		(*ethtool.EEE)(nil),
		(*ethtool.TsStat)(nil),
		(*ethtool.Tsinfo)(nil),
		(*ethtool.CableResult)(nil),
		(*ethtool.CableFaultLength)(nil),
		(*ethtool.CableNest)(nil),
		(*ethtool.CableTest)(nil),
		(*ethtool.CableTestNtf)(nil),
		(*ethtool.CableTestTdrCfg)(nil),
		(*ethtool.CableTestTdrNtf)(nil),
		(*ethtool.CableTestTdr)(nil),
		(*ethtool.TunnelUDPEntry)(nil),
		(*ethtool.TunnelUDPTable)(nil),
		(*ethtool.TunnelUDP)(nil),
		(*ethtool.TunnelInfo)(nil),
		(*ethtool.FECStat)(nil),
		(*ethtool.FEC)(nil),
		(*ethtool.ModuleEeprom)(nil),
		(*ethtool.StatsGrp)(nil),
		(*ethtool.StatsGrpHist)(nil),
		(*ethtool.Stats)(nil),
		(*ethtool.PhcVclocks)(nil),
		(*ethtool.Module)(nil),
		(*ethtool.C33PSEPwLimit)(nil),
		(*ethtool.PSE)(nil),
		(*ethtool.RSS)(nil),
		(*ethtool.Plca)(nil),
		(*ethtool.ModuleFwFlash)(nil),
		(*ethtool.PHY)(nil),
		(*ethtool.TsHwtstampProvider)(nil),
		(*ethtool.FECHist)(nil),
		(*ethtool.Flow)(nil),
		(*ethtool.Tsconfig)(nil),
		(*ethtool.PSENtf)(nil),
		(*ethtool.MseCapabilities)(nil),
		(*ethtool.MseSnapshot)(nil),
		(*ethtool.Mse)(nil),
	}}
	devlinkFamily = &family{dir: "../../internal/families/devlink", types: []value{
		(*devlink.Devlink)(nil),
		(*devlink.DlDevStats)(nil),
		(*devlink.DlReloadStats)(nil),
		(*devlink.DlReloadActInfo)(nil),
		(*devlink.DlReloadActStats)(nil),
		(*devlink.DlReloadStatsEntry)(nil),
		(*devlink.DlInfoVersion)(nil),
		(*devlink.DlPortFunction)(nil),
		(*devlink.DlDpipeTables)(nil),
		(*devlink.DlDpipeTable)(nil),
		(*devlink.DlDpipeTableMatches)(nil),
		(*devlink.DlDpipeTableActions)(nil),
		(*devlink.DlDpipeEntries)(nil),
		(*devlink.DlDpipeEntry)(nil),
		(*devlink.DlDpipeEntryMatchValues)(nil),
		(*devlink.DlDpipeEntryActionValues)(nil),
		(*devlink.DlDpipeMatch)(nil),
		(*devlink.DlDpipeMatchValue)(nil),
		(*devlink.DlDpipeAction)(nil),
		(*devlink.DlDpipeActionValue)(nil),
		(*devlink.DlDpipeHeaders)(nil),
		(*devlink.DlDpipeHeader)(nil),
		(*devlink.DlDpipeHeaderFields)(nil),
		(*devlink.DlDpipeField)(nil),
		(*devlink.DlResource)(nil),
		(*devlink.DlResourceList)(nil),
		(*devlink.DlParam)(nil),
		(*devlink.DlRegionSnapshots)(nil),
		(*devlink.DlRegionSnapshot)(nil),
		(*devlink.DlRegionChunks)(nil),
		(*devlink.DlRegionChunk)(nil),
		(*devlink.DlFmsg)(nil),
		(*devlink.DlHealthReporter)(nil),
		(*devlink.DlAttrStats)(nil),
		(*devlink.DlTrapMetadata)(nil),
		(*devlink.DlLinecardSupportedTypes)(nil),
		(*devlink.DlSelftestID)(nil),
		(*devlink.DlRateTcBws)(nil),
		(*devlink.DlParentDev)(nil),
	}}
)

// FuzzDocExmpl fuzzes the docexmpl client's decoders.
func FuzzDocExmpl(f *testing.F) { docexmplFamily.fuzz(f) }

// FuzzNlctrl fuzzes the nlctrl client's decoders.
func FuzzNlctrl(f *testing.F) { nlctrlFamily.fuzz(f) }

// FuzzNetdev fuzzes the netdev client's decoders.
func FuzzNetdev(f *testing.F) { netdevFamily.fuzz(f) }

// FuzzEthtool fuzzes the ethtool client's decoders.
func FuzzEthtool(f *testing.F) { ethtoolFamily.fuzz(f) }

// FuzzDevlink fuzzes the devlink client's decoders.
func FuzzDevlink(f *testing.F) { devlinkFamily.fuzz(f) }

// TestEveryTypeFuzzed keeps the type lists above complete.

func TestEveryTypeFuzzed(t *testing.T) {
	for _, fam := range []*family{docexmplFamily, nlctrlFamily, netdevFamily, ethtoolFamily, devlinkFamily} {
		testComplete(t, fam)
	}
}
