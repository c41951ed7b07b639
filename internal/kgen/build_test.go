package kgen

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"
)

// buildExceptions are corpus specs whose module cannot build against
// the 6.12 tree, with the reason. Only a kernel-internal header that 6.12
// lacks (kernel-family: headers) may be one.
var buildExceptions = map[string]string{
	// netdev-nl.h includes it for the devmem and io_uring hooks.
	"7.3/netdev": "kernel-family headers: net/netdev_netlink.h, new after 6.12, is not in the 6.12 build tree",
}

var warnRE = regexp.MustCompile(`(?m)^.*\b(warning|error):.*$`)

// build runs kbuild over dir with W=1 and returns the compiler and modpost
// diagnostics. BTF generation is skipped: it checks no C and is the
// slowest step.
func build(kdir, dir string) (diags []string, out string, err error) {
	cmd := exec.Command("make", "-k", "-j2", "-C", kdir, "M="+dir, "W=1", "CONFIG_DEBUG_INFO_BTF_MODULES=", "modules")
	b, err := cmd.CombinedOutput()
	return warnRE.FindAllString(string(b), -1), string(b), err
}

// TestModulesBuild builds the generated module of every corpus spec (and
// the extra specs) against the 6.12 headers with W=1: no warning allowed.
// Each corpus builds in one kbuild run (one tree of subdirectories, one
// modpost), which costs a fraction of one run per module; the extras
// build with 6.12's.
func TestModulesBuild(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds kernel modules")
	}
	kd := kdir(t)
	root := t.TempDir()
	runs := map[string][]specCase{}
	for _, c := range corpusCases(t) {
		runs[c.release.Name] = append(runs[c.release.Name], c)
	}
	runs[corpus.K612.Name] = append(runs[corpus.K612.Name], extra...)
	for _, r := range corpus.Releases {
		buildRun(t, kd, filepath.Join(root, r.Name), runs[r.Name])
	}
}

// buildRun builds the modules of cases in one kbuild run under dir and
// checks each, and each build exception, separately.
func buildRun(t *testing.T, kd, dir string, cases []specCase) {
	t.Helper()
	var kbuild strings.Builder
	var built []specCase
	for _, c := range cases {
		if reason, skip := buildExceptions[c.name]; skip {
			exc := filepath.Join(dir, "exception", c.spec)
			generateInto(t, c.name, exc, Options{})
			if d, _, err := build(kd, exc); err == nil && len(d) == 0 {
				t.Errorf("%s: listed as a build exception (%s) but builds cleanly", c.name, reason)
			} else {
				t.Logf("%s: does not build, as expected: %s", c.name, reason)
			}
			continue
		}
		generateInto(t, c.name, filepath.Join(dir, c.spec), Options{})
		kbuild.WriteString("obj-m += " + c.spec + "/\n")
		built = append(built, c)
	}
	if err := os.WriteFile(filepath.Join(dir, "Kbuild"), []byte(kbuild.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	diags, out, err := build(kd, dir)
	if err != nil {
		t.Errorf("kbuild of %s failed: %v\n%s", dir, err, tail(out, 60))
	}
	failed := false
	for _, c := range built {
		var mine []string
		for _, d := range diags {
			if strings.Contains(d, "/"+c.spec+"/") {
				mine = append(mine, d)
			}
		}
		if len(mine) > 0 {
			t.Errorf("%s: %d W=1 diagnostics:\n%s", c.name, len(mine), strings.Join(mine, "\n"))
			failed = true
			continue
		}
		// The module is named after the family's C name (sunrpc_cache.yaml
		// gives sunrpc.ko, dev-energymodel.yaml dev_energymodel.ko).
		if ko, _ := filepath.Glob(filepath.Join(dir, c.spec, "*.ko")); len(ko) != 1 {
			t.Errorf("%s: no module built", c.name)
			failed = true
			continue
		}
		t.Logf("%s: builds with W=1, no warnings", c.name)
	}
	if len(diags) > 0 && !failed {
		t.Errorf("W=1 diagnostics:\n%s", strings.Join(diags, "\n"))
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
