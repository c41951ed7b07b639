// Package corpus finds the kernel's YNL spec corpora that tests and
// benchmarks run against, wherever the repository is checked out: Linux
// 6.12's (the release the QEMU guest boots) and Linux 7.3's (the current
// spec language, nearer the host's 6.18 families).
package corpus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Release is one kernel release's corpus: its specs, the JSON schemas of
// their protocols and the uAPI headers to compare generated headers with.
type Release struct {
	// Name is the kernel release, "6.12" or "7.3".
	Name string
	// env overrides the specs folder.
	env string
	// candidates are the places the specs may be, relative to the
	// repository root, the first that holds them winning.
	candidates []string
	// schemas is the schema folder relative to the specs folder.
	schemas string
	// uapiGlob finds the uAPI include folder: relative to the specs
	// folder, or absolute.
	uapiGlob string
	// KernelHeaders names, for each genetlink spec (by file name without
	// .yaml), the kernel's own uAPI headers that declare its constants,
	// the first one including the others where it needs them.
	KernelHeaders map[string][]string
	// SpecDifferences are the constants whose value in the kernel's
	// (hand-written) header differs from what the spec itself says, with
	// the cause. genlgen follows the spec, as the kernel's own generator
	// would, so comparisons with the kernel's headers expect these.
	SpecDifferences map[string]string
	// Genetlink and Raw are how many specs of each kind the corpus holds.
	Genetlink, Raw int
}

// The two corpora.
var (
	// K612 is Linux 6.12's corpus: the workspace's shared copy, or the
	// same files that `make deps` unpacks from Debian's
	// linux-source-6.12. Its uAPI headers are those of Debian's 6.12
	// header package.
	K612 = &Release{
		Name: "6.12",
		env:  "GENLGEN_CORPUS",
		candidates: []string{
			"../shared/ynl-6.12/specs",
			"build/linux-source-6.12/Documentation/netlink/specs",
		},
		schemas:         "../schemas",
		uapiGlob:        "/usr/src/linux-headers-6.12*-common/include/uapi",
		KernelHeaders:   headers612,
		SpecDifferences: differences612,
		Genetlink:       14, Raw: 5,
	}
	// K73 is Linux 7.3.4's corpus, with its own uAPI headers beside it.
	K73 = &Release{
		Name:            "7.3",
		env:             "GENLGEN_CORPUS_73",
		candidates:      []string{"../shared/ynl-7.3/specs"},
		schemas:         "..",
		uapiGlob:        "../uapi",
		KernelHeaders:   headers73,
		SpecDifferences: differences73,
		Genetlink:       25, Raw: 8,
	}
	// Releases lists every corpus, oldest first.
	Releases = []*Release{K612, K73}
)

// Dir returns the specs folder: the release's environment variable when
// set, otherwise the first candidate that holds specs.
func (r *Release) Dir() (string, error) {
	if d := os.Getenv(r.env); d != "" {
		return d, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	for _, c := range r.candidates {
		d := filepath.Join(root, c)
		if _, err := os.Stat(filepath.Join(d, "netdev.yaml")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("corpus %s: no YNL specs in %v under %s (run `make deps`, or set %s)", r.Name, r.candidates, root, r.env)
}

// Require returns the specs folder for a test. Without it the test fails
// when GENLGEN_REQUIRE_KERNEL is set (as in `make test`) and skips
// otherwise.
func (r *Release) Require(tb testing.TB) string {
	tb.Helper()
	d, err := r.Dir()
	if err != nil {
		missing(tb, err)
	}
	return d
}

// Spec returns the path of one spec, e.g. K73.Spec(t, "netdev").
func (r *Release) Spec(tb testing.TB, name string) string {
	tb.Helper()
	return filepath.Join(r.Require(tb), name+".yaml")
}

// Specs returns the paths of every spec of the corpus, sorted.
func (r *Release) Specs(tb testing.TB) []string {
	tb.Helper()
	d := r.Require(tb)
	paths, err := filepath.Glob(filepath.Join(d, "*.yaml"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("corpus %s: no specs in %s (%v)", r.Name, d, err)
	}
	sort.Strings(paths)
	return paths
}

// SchemaDir returns the folder of the protocols' JSON schemas
// (genetlink.yaml, ...).
func (r *Release) SchemaDir(tb testing.TB) string {
	tb.Helper()
	d := filepath.Clean(filepath.Join(r.Require(tb), r.schemas))
	if _, err := os.Stat(filepath.Join(d, "genetlink.yaml")); err != nil {
		missing(tb, fmt.Errorf("corpus %s: no schemas in %s", r.Name, d))
	}
	return d
}

// UAPIDir returns the include folder of the release's uAPI headers.
func (r *Release) UAPIDir(tb testing.TB) string {
	tb.Helper()
	glob := r.uapiGlob
	if !filepath.IsAbs(glob) {
		glob = filepath.Join(r.Require(tb), glob)
	}
	dirs, _ := filepath.Glob(glob)
	if len(dirs) == 0 {
		missing(tb, fmt.Errorf("corpus %s: uAPI headers %s missing (make deps)", r.Name, glob))
	}
	sort.Strings(dirs)
	return filepath.Clean(dirs[len(dirs)-1])
}

func missing(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv("GENLGEN_REQUIRE_KERNEL") != "" {
		tb.Fatal(err)
	}
	tb.Skip(err)
}

// Dir returns the 6.12 specs folder (K612.Dir).
func Dir() (string, error) { return K612.Dir() }

// Require returns the 6.12 specs folder for a test (K612.Require).
func Require(tb testing.TB) string {
	tb.Helper()
	return K612.Require(tb)
}

// Spec returns the path of one 6.12 spec (K612.Spec).
func Spec(tb testing.TB, name string) string {
	tb.Helper()
	return K612.Spec(tb, name)
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

// GenetlinkSpecs returns the names (file names without .yaml) of the
// corpus's generic netlink specs, sorted, leaving out the netlink-raw
// ones; it fails the test when there are not Genetlink of them.
func (r *Release) GenetlinkSpecs(tb testing.TB) []string {
	tb.Helper()
	var names []string
	for _, p := range r.Specs(tb) {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		if rawProtocolRE.Match(data) {
			continue
		}
		names = append(names, strings.TrimSuffix(filepath.Base(p), ".yaml"))
	}
	if len(names) != r.Genetlink {
		tb.Fatalf("corpus %s: %d genetlink specs, want %d", r.Name, len(names), r.Genetlink)
	}
	return names
}

var rawProtocolRE = regexp.MustCompile(`(?m)^protocol:\s*netlink-raw\s*$`)
