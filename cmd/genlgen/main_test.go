package main

import (
	"bytes"
	"github.com/genlgen/genlgen/internal/corpus"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestValidateSummary(t *testing.T) {
	code, out, errOut := runCLI("../../spec/doc_exmpl.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "family DOC_EXMPL (genetlink-c, version 1): 1 definitions, 1 attribute sets, 5 operations, 1 multicast groups, 0 warnings"
	if !strings.Contains(out, want) || strings.Count(out, "\n") != 1 {
		t.Errorf("summary = %q, want one line with %q", out, want)
	}
}

func TestSpecErrorExitsOne(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nprotocol: genetlink\ndoc: d\nattribute-sets: []\noperations:\n  list:\n    - {name: a, doc: d, attribute-set: nope, do: {}}\n"), 0o644)
	code, _, errOut := runCLI(bad)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut, bad+":7:40: operation \"a\": unknown attribute-set \"nope\"") {
		t.Errorf("stderr = %q", errOut)
	}
	code, _, errOut = runCLI(corpus.Spec(t, "rt_link"))
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "not supported (yet)") {
		t.Errorf("netlink-raw: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(filepath.Join(dir, "missing.yaml"))
	if code != 1 || !strings.Contains(errOut, "missing.yaml") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-nosuchflag", "x.yaml"},
		{"-family-name", "x", "a.yaml", "b.yaml"},
	} {
		if code, _, _ := runCLI(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestWarningsPrintedWithPosition(t *testing.T) {
	code, _, errOut := runCLI(corpus.Spec(t, "netdev"))
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errOut, "netdev.yaml:") || !strings.Contains(errOut, ": warning: ") {
		t.Errorf("warnings not printed with positions: %q", errOut)
	}
	if _, _, quiet := runCLI("-q", corpus.Spec(t, "netdev")); quiet != "" {
		t.Errorf("-q still printed %q", quiet)
	}
}

func TestSeveralSpecsWriteOnePackageEach(t *testing.T) {
	dir := t.TempDir()
	specs := []string{"../../spec/doc_exmpl.yaml", corpus.Spec(t, "netdev"), corpus.Spec(t, "fou")}
	code, _, errOut := runCLI(append([]string{"-q", "-go", dir, "-kmod", dir + "/kmod"}, specs...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, p := range []string{"docexmpl/client.go", "netdev/client.go", "fou/client.go", "kmod/doc_exmpl/doc_exmpl.h", "kmod/netdev/netdev-nl.c", "kmod/fou/fou_main.c"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	// -check agrees with what was just written; one bad spec among good
	// ones fails the run with its own error only.
	if code, _, errOut := runCLI(append([]string{"-q", "-check", "-go", dir, "-kmod", dir + "/kmod"}, specs...)...); code != 0 {
		t.Errorf("-check after writing: exit %d: %s", code, errOut)
	}
	os.WriteFile(filepath.Join(dir, "netdev/client.go"), []byte("package netdev\n"), 0o644)
	code, _, errOut = runCLI(append([]string{"-q", "-check", "-go", dir}, specs...)...)
	if code != 1 || !strings.Contains(errOut, "netdev/client.go: differs from the generated version") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("-check with one stale file: exit %d, stderr %q", code, errOut)
	}
}
