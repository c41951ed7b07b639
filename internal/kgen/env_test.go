package kgen

import (
	"github.com/genlgen/genlgen/internal/corpus"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/spec"
)

// corpusDir holds the kernel's 6.12 specs, unmodified.

// corpusNames lists the genetlink specs of the 6.12 corpus (the netlink-raw
// ones are refused by the loader).
var corpusNames = []string{
	"devlink", "dpll", "ethtool", "fou", "handshake", "mptcp_pm", "netdev",
	"nfsd", "nlctrl", "ovs_datapath", "ovs_flow", "ovs_vport", "tcp_metrics", "team",
}

// extra are the specs besides the corpus every check covers: the example
// and testdata/cover.yaml, which reaches the mappings the corpus does not
// (sparse enums, signed and binary full ranges, big-endian u64, string
// minimum lengths, indexed arrays, directional enums, all four hooks).
var extra = []string{"doc_exmpl", "kgcover"}

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

// uapiInclude finds the 6.12 uAPI headers of the common header package.
func uapiInclude(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/src/linux-headers-6.12*-common/include/uapi")
	if len(dirs) == 0 {
		skipOrFail(t, "6.12 uAPI headers missing (make deps)")
	}
	sort.Strings(dirs)
	return dirs[len(dirs)-1]
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

func loadSpec(t *testing.T, name string) *spec.Family {
	t.Helper()
	var path string
	switch name {
	case "doc_exmpl":
		path = "../../spec/doc_exmpl.yaml"
	case "kgcover":
		path = "testdata/cover.yaml"
	default:
		path = corpus.Spec(t, name)
	}
	f, err := spec.Load(path)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
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
