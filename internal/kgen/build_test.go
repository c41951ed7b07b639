package kgen

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildExceptions are corpus specs whose module cannot build out of tree,
// with the reason.
var buildExceptions = map[string]string{
	// net/genetlink.h includes the kernel's own linux/genetlink.h, which
	// already declares every nlctrl constant: a second uAPI header for the
	// same family cannot be compiled next to it.
	"nlctrl": "its uAPI header is linux/genetlink.h, which <net/genetlink.h> already includes",
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
// All modules build in one kbuild run (one tree of subdirectories, one
// modpost), which costs a fraction of one run per module.
func TestModulesBuild(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds kernel modules")
	}
	kd := kdir(t)
	root := t.TempDir()
	var kbuild strings.Builder
	var names []string
	for _, name := range append(append([]string(nil), extra...), corpusNames...) {
		if _, skip := buildExceptions[name]; skip {
			continue
		}
		generateInto(t, name, filepath.Join(root, name), Options{})
		kbuild.WriteString("obj-m += " + name + "/\n")
		names = append(names, name)
	}
	if err := os.WriteFile(filepath.Join(root, "Kbuild"), []byte(kbuild.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	diags, out, err := build(kd, root)
	if err != nil {
		t.Errorf("kbuild failed: %v\n%s", err, tail(out, 60))
	}
	for _, name := range names {
		var mine []string
		for _, d := range diags {
			if strings.Contains(d, "/"+name+"/") {
				mine = append(mine, d)
			}
		}
		if len(mine) > 0 {
			t.Errorf("%s: %d W=1 diagnostics:\n%s", name, len(mine), strings.Join(mine, "\n"))
			continue
		}
		if _, err := os.Stat(filepath.Join(root, name, name+".ko")); err != nil {
			t.Errorf("%s: no module built", name)
			continue
		}
		t.Logf("%s: builds with W=1, no warnings", name)
	}
	if len(diags) > 0 && !t.Failed() {
		t.Errorf("W=1 diagnostics:\n%s", strings.Join(diags, "\n"))
	}
	for name, reason := range buildExceptions {
		dir := filepath.Join(root, "exception", name)
		generateInto(t, name, dir, Options{})
		d, _, err := build(kd, dir)
		if err == nil && len(d) == 0 {
			t.Errorf("%s: listed as a build exception (%s) but builds cleanly", name, reason)
			continue
		}
		t.Logf("%s: does not build, as expected: %s", name, reason)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
