//go:build e2e_guest

package storm

import (
	"flag"
	"testing"

	"github.com/genlgen/genlgen/e2e/guest"
)

var moduleName = flag.String("module", "doc_exmpl", "the stormed module's name, for /sys/module")

func TestMain(m *testing.M) {
	flag.Parse()
	guest.Main(m, "storm", runHelper)
}
