package vm_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/genlgen/genlgen/e2e/vm"
)

// repoRoot is the module root, two levels above this package.
const repoRoot = "../.."

// release returns the kernel release the VM boots: $KVER, else what the
// Makefile resolves (the pinned release or its installed fallback).
func release(t *testing.T) string {
	t.Helper()
	if k := os.Getenv("KVER"); k != "" {
		return k
	}
	if _, err := exec.LookPath("make"); err != nil {
		return ""
	}
	out, err := exec.Command("make", "--no-print-directory", "-s", "-C", repoRoot, "print-KVER").Output()
	if err != nil {
		t.Fatalf("make print-KVER: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// needVM skips the test when the host cannot boot the VM, unless
// GENLGEN_REQUIRE_VM is set (as in CI), where it fails instead.
func needVM(t *testing.T, cfg vm.Config) {
	t.Helper()
	miss := cfg.Missing()
	if _, err := exec.LookPath("make"); err != nil {
		miss = append(miss, "make")
	}
	if _, err := os.Stat(filepath.Join("/usr/src/linux-headers-"+cfg.Release, "Makefile")); cfg.Release != "" && err != nil {
		miss = append(miss, "/usr/src/linux-headers-"+cfg.Release)
	}
	if len(miss) == 0 {
		return
	}
	msg := "cannot boot the e2e VM, missing: " + strings.Join(miss, ", ") + " (run: make deps)"
	if os.Getenv("GENLGEN_REQUIRE_VM") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	if strings.Contains(out.String(), "warning:") {
		t.Fatalf("%s %s printed warnings:\n%s", name, strings.Join(args, " "), out.String())
	}
}

// TestSmokeVM builds the hello module and the smoke guest test, boots the
// pinned kernel under QEMU with both and checks the run is clean.
func TestSmokeVM(t *testing.T) {
	if testing.Short() && os.Getenv("GENLGEN_REQUIRE_VM") == "" {
		t.Skip("boots a VM; skipped in -short mode")
	}
	cfg := vm.Config{Release: release(t)}
	needVM(t, cfg)

	tmp := t.TempDir()
	mod := filepath.Join(tmp, "hello")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Kbuild", "hello.c"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "hello", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mod, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, "", nil, "make", "-s", "-C", "/usr/src/linux-headers-"+cfg.Release,
		"M="+mod, "W=1", "KCFLAGS=-Werror", "modules")

	smoke := filepath.Join(tmp, "smoke.test")
	goBin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	run(t, "", []string{"CGO_ENABLED=0"}, goBin, "test", "-c", "-tags", "e2e_guest", "-o", smoke, "../smoke")

	out, err := filepath.Abs(filepath.Join(repoRoot, "build", "e2e", "TestSmokeVM"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Modules = []string{filepath.Join(mod, "hello.ko")}
	cfg.Tests = []vm.Test{{Path: smoke}}
	cfg.OutDir = out
	cfg.Timeout = 4 * time.Minute

	res, err := vm.Run(context.Background(), cfg)
	if res != nil {
		t.Logf("boot-to-poweroff %.1fs (guest: /init at %.2fs, done at %.2fs); logs in %s",
			res.Elapsed.Seconds(), res.BootUptime, res.DoneUptime, res.Dir)
	}
	if err != nil {
		if res != nil {
			t.Logf("last console lines:\n%s", res.Tail(60))
		}
		t.Fatal(err)
	}
	if len(res.Tests) != 1 || res.Tests[0].Passed == 0 {
		t.Fatalf("smoke test did not report passing tests: %+v", res.Tests)
	}
}
