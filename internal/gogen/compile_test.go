package gogen_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"
	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/spec"
)

// repoRoot is the module root, two levels up from this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// corpusSpecs loads every generic netlink spec of release r's corpus,
// in file name order. netlink-raw specs, which spec.Load refuses, are
// skipped; it fails unless the specs of each kind number what r says
// (14 genetlink and 5 netlink-raw in 6.12, 25 and 8 in 7.3).
func corpusSpecs(t *testing.T, r *corpus.Release) []*spec.Family {
	t.Helper()
	var out []*spec.Family
	raw := 0
	for _, p := range r.Specs(t) {
		f, err := spec.Load(p)
		if err != nil {
			if strings.Contains(err.Error(), "netlink-raw") {
				raw++
				continue
			}
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, f)
	}
	if len(out) != r.Genetlink || raw != r.Raw {
		t.Fatalf("corpus %s: %d genetlink and %d netlink-raw specs, want %d and %d", r.Name, len(out), raw, r.Genetlink, r.Raw)
	}
	return out
}

// forEachRelease runs test as a subtest for every corpus (named by its
// release, "6.12" and "7.3").
func forEachRelease(t *testing.T, test func(t *testing.T, r *corpus.Release)) {
	for _, r := range corpus.Releases {
		t.Run(r.Name, func(t *testing.T) { test(t, r) })
	}
}

// tempModule makes a module in a temporary folder that uses this
// repository (by a replace directive) with the same requirements and sums.
func tempModule(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	dir := t.TempDir()
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var req []string
	in := false
	for _, line := range strings.Split(string(mod), "\n") {
		switch {
		case strings.HasPrefix(line, "require ("):
			in = true
		case in && strings.HasPrefix(line, ")"):
			in = false
		case in:
			req = append(req, line)
		case strings.HasPrefix(line, "require "):
			req = append(req, "\t"+strings.TrimPrefix(line, "require "))
		}
	}
	gomod := "module genlgentest\n\ngo 1.26\n\nrequire (\n\tgithub.com/genlgen/genlgen v0.0.0\n" +
		strings.Join(req, "\n") + "\n)\n\nreplace github.com/genlgen/genlgen => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// goCmd runs the go command in dir. The module proxy stays as the
// environment sets it: the temporary module's graph can need go.mod files
// (github.com/google/go-cmp's, say) that building genlgen itself never
// downloaded, so a fresh machine's module cache may lack them.
func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// TestCorpusCompiles generates every genetlink spec of each release's
// corpus into a module of its own and checks that the packages build and
// pass go vet.
func TestCorpusCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every corpus spec's package")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	forEachRelease(t, func(t *testing.T, r *corpus.Release) {
		dir := tempModule(t)
		fams := corpusSpecs(t, r)
		for _, f := range fams {
			files, err := gogen.Generate(f, gogen.Options{})
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			if _, err := gen.Write(filepath.Join(dir, f.GoPackage), files, gen.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		goCmd(t, dir, "build", "./...")
		goCmd(t, dir, "vet", "./...")
		t.Logf("corpus %s: %d packages build and pass go vet", r.Name, len(fams))
	})
}
