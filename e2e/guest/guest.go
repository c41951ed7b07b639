//go:build e2e_guest

// Package guest is what the e2e test packages running inside the QEMU VM
// share: the guard that they run there, helper modes of a re-executed test
// binary (to act with other credentials or in other namespaces), and
// per-test contexts.
package guest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// helperEnv names the helper mode a re-executed test binary runs.
const helperEnv = "GENLGEN_E2E_HELPER"

// Main is a guest test package's TestMain: it refuses to run outside the
// VM (the tests load modules and change the kernel), runs the helper mode
// when the binary was re-executed by Reexec, and the tests otherwise.
func Main(m *testing.M, suite string, helper func(mode string) int) {
	if os.Getenv("GENLGEN_E2E") != "1" {
		fmt.Fprintf(os.Stderr, "%s: not inside the e2e VM (GENLGEN_E2E unset); run it through vmrun\n", suite)
		os.Exit(1)
	}
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helper(mode))
	}
	os.Exit(m.Run())
}

// Reexec runs the test binary again in helper mode with attr (credentials,
// namespaces; nil for none) and returns what it printed.
func Reexec(ctx context.Context, mode string, attr *syscall.SysProcAttr) (stdout, stderr []byte, err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Dir = "/"
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	cmd.SysProcAttr = attr
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.Bytes(), errOut.Bytes(), err
}

// Ctx returns a context that ends when the test does or after d, so a hang
// fails the test instead of the whole VM run.
func Ctx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
