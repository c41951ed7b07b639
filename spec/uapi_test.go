package spec

import (
	"bufio"
	"fmt"
	"github.com/genlgen/genlgen/internal/corpus"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// kernelHeaders maps corpus specs to the kernel uAPI headers that declare
// their constants.
var kernelHeaders = map[string][]string{
	"netdev.yaml":       {"linux/netdev.h"},
	"ethtool.yaml":      {"linux/ethtool.h", "linux/ethtool_netlink.h"},
	"devlink.yaml":      {"linux/devlink.h"},
	"nlctrl.yaml":       {"linux/genetlink.h"},
	"dpll.yaml":         {"linux/dpll.h"},
	"handshake.yaml":    {"linux/handshake.h"},
	"mptcp_pm.yaml":     {"linux/mptcp_pm.h", "linux/mptcp.h"},
	"nfsd.yaml":         {"linux/nfsd_netlink.h"},
	"fou.yaml":          {"linux/fou.h"},
	"ovs_datapath.yaml": {"linux/openvswitch.h"},
	"ovs_flow.yaml":     {"linux/openvswitch.h"},
	"ovs_vport.yaml":    {"linux/openvswitch.h"},
	"tcp_metrics.yaml":  {"linux/tcp_metrics.h"},
	"team.yaml":         {"linux/if_team.h"},
}

// knownSpecDifferences are constants where the 6.12 spec itself describes
// the family differently from the kernel's (hand-written) header; the
// model follows the spec, as the kernel's own generator would.
var knownSpecDifferences = map[string]string{
	// ethtool.yaml's enums lack the "value-start: 1" the header has.
	"ETHTOOL_MODULE_FW_FLASH_STATUS_STARTED":        "spec lacks value-start: 1",
	"ETHTOOL_MODULE_FW_FLASH_STATUS_IN_PROGRESS":    "spec lacks value-start: 1",
	"ETHTOOL_MODULE_FW_FLASH_STATUS_COMPLETED":      "spec lacks value-start: 1",
	"ETHTOOL_MODULE_FW_FLASH_STATUS_ERROR":          "spec lacks value-start: 1",
	"ETHTOOL_C33_PSE_EXT_STATE_POWER_NOT_AVAILABLE": "spec has one entry fewer than the header",
	"ETHTOOL_C33_PSE_EXT_STATE_SHORT_DETECTED":      "spec has one entry fewer than the header",
	// ovs_flow.yaml's action-attrs set lacks the "drop" action.
	"OVS_ACTION_ATTR_PSAMPLE": "spec lacks OVS_ACTION_ATTR_DROP before it",
	"OVS_ACTION_ATTR_MAX":     "spec lacks OVS_ACTION_ATTR_DROP",
	"__OVS_ACTION_ATTR_MAX":   "spec lacks OVS_ACTION_ATTR_DROP",
	// devlink.yaml's dl-port-function set stops before the header's last
	// two attributes.
	"DEVLINK_PORT_FUNCTION_ATTR_MAX": "spec lacks the last two port function attributes",
}

// minShared is how many of the model's constants a header must declare
// for the comparison to count (so a renamed prefix cannot pass vacuously).
var minShared = map[string]int{"netdev.yaml": 40, "ethtool.yaml": 300, "devlink.yaml": 150, "nlctrl.yaml": 25}

// uapiDir finds the 6.12 uAPI headers installed by `make deps`.
func uapiDir(t *testing.T) string {
	dirs, _ := filepath.Glob("/usr/src/linux-headers-6.12*-common/include/uapi")
	if len(dirs) == 0 {
		if os.Getenv("GENLGEN_REQUIRE_KERNEL") != "" {
			t.Fatal("6.12 kernel headers missing: run `make deps`")
		}
		t.Skip("6.12 kernel headers not installed (make deps)")
	}
	sort.Strings(dirs)
	return dirs[len(dirs)-1]
}

// modelConstants lists every C constant the model names, with its value.
func modelConstants(f *Family) map[string]int64 {
	c := map[string]int64{}
	for _, d := range f.Definitions {
		if d.Header != "" {
			continue
		}
		switch {
		case d.Kind == DefConst && !d.IsString:
			c[d.CName] = d.Value
		case d.IsEnumLike():
			for _, e := range d.Entries {
				c[e.CName] = int64(e.UserValue)
			}
		}
	}
	// Several root sets may share a prefix (devlink's stats sets reuse
	// DEVLINK_ATTR_); their MAX names are ambiguous and left out.
	maxOwners := map[string]int{}
	for _, s := range f.AttrSets {
		if s.SubsetOf == nil {
			maxOwners[s.MaxName]++
		}
	}
	for _, s := range f.AttrSets {
		if s.SubsetOf != nil {
			continue
		}
		for _, a := range s.Attrs {
			c[a.CName] = int64(a.Value)
		}
		if maxOwners[s.MaxName] == 1 {
			c[s.MaxName] = int64(s.MaxValue)
			c[s.CntName] = int64(s.MaxValue) + 1
		}
	}
	for _, op := range f.Ops.List {
		switch {
		case !f.Ops.Directional():
			c[op.CName] = int64(op.Value)
		case op.IsAsync():
			c[op.CName] = int64(op.ReplyValue)
		default:
			c[op.CName] = int64(op.RequestValue)
			if op.ReplyCName != "" {
				c[op.ReplyCName] = int64(op.ReplyValue)
			}
		}
	}
	return c
}

var identRE = regexp.MustCompile(`\b[A-Z_][A-Z0-9_]*\b`)

// TestConstantsMatchKernelHeaders compiles a C program printing every
// constant that both the model and the kernel's header name, and checks
// the values agree.
func TestConstantsMatchKernelHeaders(t *testing.T) {
	uapi := uapiDir(t)
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	names := make([]string, 0, len(kernelHeaders))
	for n := range kernelHeaders {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, specName := range names {
		t.Run(strings.TrimSuffix(specName, ".yaml"), func(t *testing.T) {
			f, err := Load(filepath.Join(corpus.Require(t), specName))
			if err != nil {
				t.Fatal(err)
			}
			declared := map[string]bool{}
			for _, h := range kernelHeaders[specName] {
				text, err := os.ReadFile(filepath.Join(uapi, h))
				if err != nil {
					t.Fatal(err)
				}
				for _, id := range identRE.FindAllString(string(text), -1) {
					declared[id] = true
				}
			}
			want := modelConstants(f)
			var shared []string
			for name := range want {
				if declared[name] {
					shared = append(shared, name)
				}
			}
			sort.Strings(shared)
			got := printConstants(t, uapi, kernelHeaders[specName], shared)
			for _, name := range shared {
				if why, known := knownSpecDifferences[name]; known {
					if got[name] == want[name] {
						t.Errorf("%s: listed as a known difference (%s) but now equal: update the list", name, why)
					}
					continue
				}
				if got[name] != want[name] {
					t.Errorf("%s: kernel header says %d, model says %d", name, got[name], want[name])
				}
			}
			t.Logf("%s: %d of the model's %d constants are in the kernel header, equal but for known spec differences", specName, len(shared), len(want))
			if len(shared) < minShared[specName] {
				t.Errorf("only %d shared constants, want at least %d", len(shared), minShared[specName])
			}
		})
	}
}

func printConstants(t *testing.T, uapi string, headers, names []string) map[string]int64 {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	// Only the family headers come from the 6.12 tree (copied into an
	// include folder searched first); the rest is the system's
	// installed uAPI, as headers_install would leave it.
	for _, h := range headers {
		data, err := os.ReadFile(filepath.Join(uapi, h))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "include", h)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b.WriteString("#include <stdio.h>\n#include <linux/types.h>\n")
	for _, h := range headers {
		fmt.Fprintf(&b, "#include <%s>\n", h)
	}
	b.WriteString("int main(void)\n{\n")
	for _, n := range names {
		fmt.Fprintf(&b, "\tprintf(\"%%s %%lld\\n\", \"%s\", (long long)(%s));\n", n, n)
	}
	b.WriteString("\treturn 0;\n}\n")
	src := filepath.Join(dir, "consts.c")
	if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "consts")
	if out, err := exec.Command("gcc", "-o", bin, "-I", filepath.Join(dir, "include"), src).CombinedOutput(); err != nil {
		t.Fatalf("compile: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		name, val, _ := strings.Cut(sc.Text(), " ")
		v, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		got[name] = v
	}
	return got
}
