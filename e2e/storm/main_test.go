//go:build e2e_guest

package storm

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"
)

// helperEnv selects a helper mode when the test binary re-executes itself
// in other credentials or namespaces (see perm_test.go).
const helperEnv = "STORM_E2E_HELPER"

var moduleName = flag.String("module", "doc_exmpl", "the stormed module's name, for /sys/module")

func TestMain(m *testing.M) {
	flag.Parse()
	if os.Getenv("GENLGEN_E2E") != "1" {
		// Guest-only: the storm is sent to a module this host may not have.
		println("storm: not inside the e2e VM (GENLGEN_E2E unset); run it through vmrun")
		os.Exit(1)
	}
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

// testCtx returns a context that ends when the test does or after d.
func testCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
