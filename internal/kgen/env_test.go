package kgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"

	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/spec"
)

// specCase is one spec every kgen check covers: an extra spec of this
// repository, or a genetlink spec of one of the kernel's corpora.
type specCase struct {
	// name is "doc_exmpl", "kgcover", or "<release>/<spec>" such as
	// "7.3/netdev": unique, and a relative folder for its output.
	name string
	// spec is the spec's file name without .yaml (the module's name).
	spec string
	path string
	// release is the corpus, nil for the extras.
	release *corpus.Release
}

// extra are the specs besides the corpora every check covers: the example
// and testdata/cover.yaml, which reaches the mappings the corpora do not
// (sparse enums, signed and binary full ranges, big-endian u64, string
// minimum lengths, indexed arrays, directional enums, all four hooks).
var extra = []specCase{
	{name: "doc_exmpl", spec: "doc_exmpl", path: "../../spec/doc_exmpl.yaml"},
	{name: "kgcover", spec: "kgcover", path: "testdata/cover.yaml"},
}

// corpusCases lists the genetlink specs of every corpus (the netlink-raw
// ones are refused by the loader): 14 of 6.12 and 25 of 7.3.
func corpusCases(t *testing.T) []specCase {
	t.Helper()
	var out []specCase
	for _, r := range corpus.Releases {
		for _, name := range r.GenetlinkSpecs(t) {
			out = append(out, specCase{name: r.Name + "/" + name, spec: name, path: r.Spec(t, name), release: r})
		}
	}
	return out
}

// allCases is the extras and every corpus spec.
func allCases(t *testing.T) []specCase {
	t.Helper()
	return append(append([]specCase(nil), extra...), corpusCases(t)...)
}

// pinnedKDIR is the kernel build tree the project builds modules against.
const pinnedKDIR = "/usr/src/linux-headers-6.12.117+deb12-cloud-amd64"

// requireKernel reports whether missing kernel tooling fails the tests
// (CI sets GENLGEN_REQUIRE_KERNEL) instead of skipping them.
func requireKernel() bool { return os.Getenv("GENLGEN_REQUIRE_KERNEL") != "" }

func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if requireKernel() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// kdir finds the 6.12 kernel build tree: $KDIR, else the pinned one.
func kdir(t *testing.T) string {
	t.Helper()
	for _, d := range []string{os.Getenv("KDIR"), pinnedKDIR} {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "Makefile")); err == nil {
			return d
		}
	}
	skipOrFail(t, "kernel headers %s missing (make deps)", pinnedKDIR)
	return ""
}

// checkpatchPath finds checkpatch.pl with its data files next to it.
func checkpatchPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{
		os.Getenv("CHECKPATCH"),
		"../../build/linux-source-6.12/scripts/checkpatch.pl",
	} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "spelling.txt")); err == nil {
			return p
		}
	}
	skipOrFail(t, "checkpatch.pl with spelling.txt not found (make deps)")
	return ""
}

// caseNamed finds a spec by its case name: an extra, "<release>/<spec>",
// or a bare spec name for the 6.12 corpus.
func caseNamed(t *testing.T, name string) specCase {
	t.Helper()
	for _, c := range extra {
		if c.name == name {
			return c
		}
	}
	rel, spec, ok := strings.Cut(name, "/")
	if !ok {
		return specCase{name: name, spec: name, path: corpus.K612.Spec(t, name), release: corpus.K612}
	}
	for _, r := range corpus.Releases {
		if r.Name == rel {
			return specCase{name: name, spec: spec, path: r.Spec(t, spec), release: r}
		}
	}
	t.Fatalf("no corpus %q", rel)
	return specCase{}
}

func loadSpec(t *testing.T, name string) *spec.Family {
	t.Helper()
	c := caseNamed(t, name)
	f, err := spec.Load(c.path)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	return f
}

// generateInto writes the module of a spec into dir.
func generateInto(t *testing.T, name, dir string, opts Options) []gen.File {
	t.Helper()
	files, err := Generate(loadSpec(t, name), opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if _, err := gen.Write(dir, files, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return files
}
