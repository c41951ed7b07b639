//go:build e2e_guest

package storm

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/e2e/guest"
)

var (
	moduleName     = flag.String("module", "doc_exmpl", "the stormed module's name, for /sys/module")
	alltypesModule = flag.String("alltypes-module", "alltypes", "the all-types module's name, for /sys/module and rmmod")
	alltypesKo     = flag.String("alltypes-ko", "/e2e/modules/alltypes.ko", "the all-types module's file, for insmod after the unload")
)

func TestMain(m *testing.M) {
	flag.Parse()
	guest.Main(m, "storm", runHelper)
}

// runHelper is the re-executed binary's main: mode is "probe" (the
// permission probes) or "flood PARTY" (a party of the notification flood).
func runHelper(mode string) int {
	name, arg, _ := strings.Cut(mode, " ")
	switch name {
	case "probe":
		return probeHelper()
	case "flood":
		return floodHelper(arg)
	}
	fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
	return 2
}
