// Package corpus finds the Linux 6.12 YNL spec corpus that tests and
// benchmarks run against, wherever the repository is checked out.
package corpus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// candidates are the places the corpus may be, relative to the repository
// root: the workspace's shared copy beside the repository, and the copy of
// the same files that `make deps` unpacks from Debian's linux-source-6.12.
var candidates = []string{
	"../shared/ynl-6.12/specs",
	"build/linux-source-6.12/Documentation/netlink/specs",
}

// Dir returns the corpus folder: $GENLGEN_CORPUS when set, otherwise the
// first candidate that holds specs.
func Dir() (string, error) {
	if d := os.Getenv("GENLGEN_CORPUS"); d != "" {
		return d, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	for _, c := range candidates {
		d := filepath.Join(root, c)
		if _, err := os.Stat(filepath.Join(d, "netdev.yaml")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("corpus: no YNL specs in %v under %s (run `make deps`, or set GENLGEN_CORPUS)", candidates, root)
}

// Require returns the corpus folder for a test. Without a corpus the test
// fails when GENLGEN_REQUIRE_KERNEL is set (as in `make test`) and skips
// otherwise.
func Require(tb testing.TB) string {
	tb.Helper()
	d, err := Dir()
	if err == nil {
		return d
	}
	if os.Getenv("GENLGEN_REQUIRE_KERNEL") != "" {
		tb.Fatal(err)
	}
	tb.Skip(err)
	return ""
}

// Spec returns the path of one corpus spec, e.g. Spec(t, "netdev").
func Spec(tb testing.TB, name string) string {
	tb.Helper()
	return filepath.Join(Require(tb), name+".yaml")
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("corpus: no go.mod above the working directory")
		}
		dir = parent
	}
}
