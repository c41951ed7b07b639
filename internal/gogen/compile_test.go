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

// corpusSpecs loads every generic netlink spec of the corpus (netlink-raw
// ones are refused by spec.Load and skipped).
func corpusSpecs(t *testing.T) []*spec.Family {
	t.Helper()
	dir := corpus.Require(t)
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no spec corpus in %s", dir)
	}
	var out []*spec.Family
	for _, p := range paths {
		f, err := spec.Load(p)
		if err != nil {
			if strings.Contains(err.Error(), "netlink-raw") {
				continue
			}
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, f)
	}
	return out
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

// TestCorpusCompiles generates every genetlink spec of the corpus into one
// module and checks that the packages build and pass go vet.
func TestCorpusCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 14 packages")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	fams := corpusSpecs(t)
	dir := tempModule(t)
	for _, f := range fams {
		files, err := gogen.Generate(f, gogen.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if _, err := gen.Write(filepath.Join(dir, f.GoPackage), files, gen.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(fams) < 14 {
		t.Errorf("only %d genetlink specs in the corpus, want 14", len(fams))
	}
	goCmd(t, dir, "vet", "./...")
}
