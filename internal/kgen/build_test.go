package kgen

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
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

// buildModule builds the module in dir with W=1 and returns the compiler
// and modpost diagnostics. BTF generation is skipped: it needs no C
// checking and is the slowest step.
func buildModule(kdir, dir string) (diags []string, out string, err error) {
	cmd := exec.Command("make", "-C", kdir, "M="+dir, "W=1", "CONFIG_DEBUG_INFO_BTF_MODULES=", "modules")
	b, err := cmd.CombinedOutput()
	return warnRE.FindAllString(string(b), -1), string(b), err
}

// TestModulesBuild builds the generated module of every corpus spec (and
// doc_exmpl) against the 6.12 headers with W=1: no warning allowed.
func TestModulesBuild(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds kernel modules")
	}
	kd := kdir(t)
	root := t.TempDir()
	names := append(append([]string(nil), extra...), corpus...)
	type result struct {
		diags []string
		out   string
		err   error
	}
	results := make([]result, len(names))
	for _, name := range names {
		generateInto(t, name, filepath.Join(root, name), Options{})
	}
	// Two builds at a time: kbuild is mostly serial per module.
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			d, out, err := buildModule(kd, filepath.Join(root, name))
			results[i] = result{d, out, err}
		}()
	}
	wg.Wait()
	for i, name := range names {
		r := results[i]
		if reason, ok := buildExceptions[name]; ok {
			if r.err == nil && len(r.diags) == 0 {
				t.Errorf("%s: listed as a build exception (%s) but builds cleanly", name, reason)
			} else {
				t.Logf("%s: does not build, as expected: %s", name, reason)
			}
			continue
		}
		if r.err != nil {
			t.Errorf("%s: build failed: %v\n%s", name, r.err, tail(r.out, 40))
			continue
		}
		if len(r.diags) > 0 {
			t.Errorf("%s: %d W=1 diagnostics:\n%s", name, len(r.diags), strings.Join(r.diags, "\n"))
			continue
		}
		t.Logf("%s: builds with W=1, no warnings", name)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
