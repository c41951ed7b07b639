package kgen

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// issueRE matches one --terse checkpatch finding: file, line, level.
var issueRE = regexp.MustCompile(`(?m)^(\S+):\d+: (ERROR|WARNING|CHECK):.*$`)

var levels = map[string]int{"ERROR": 0, "WARNING": 1, "CHECK": 2}

// TestCheckpatch runs checkpatch.pl --strict over the generated C and
// headers of the extras and every corpus family, in one run (checkpatch's
// start-up dominates its time): every one must be free of errors,
// warnings and checks.
func TestCheckpatch(t *testing.T) {
	t.Parallel()
	script := checkpatchPath(t)
	if _, err := exec.LookPath("perl"); err != nil {
		skipOrFail(t, "perl not installed")
	}
	root := t.TempDir()
	var names []string
	for _, c := range allCases(t) {
		names = append(names, c.name)
	}
	var paths []string
	for _, name := range names {
		dir := filepath.Join(root, name)
		for _, f := range generateInto(t, name, dir, Options{}) {
			if strings.HasSuffix(f.Path, ".c") || strings.HasSuffix(f.Path, ".h") {
				paths = append(paths, filepath.Join(dir, f.Path))
			}
		}
	}
	args := append([]string{script, "--strict", "--no-tree", "--show-types", "--terse", "-f"}, paths...)
	out, _ := exec.Command("perl", args...).CombinedOutput()
	if strings.Contains(string(out), "Can't locate") || strings.Contains(string(out), "No such file") {
		t.Fatalf("checkpatch did not run:\n%s", out)
	}
	counts := map[string]*[3]int{}
	for _, name := range names {
		counts[name] = &[3]int{}
	}
	for _, m := range issueRE.FindAllStringSubmatch(string(out), -1) {
		rel, err := filepath.Rel(root, m[1])
		if err != nil {
			continue
		}
		name := filepath.ToSlash(filepath.Dir(rel))
		if c := counts[name]; c != nil {
			c[levels[m[2]]]++
			t.Errorf("checkpatch --strict: %s", m[0])
		} else {
			t.Errorf("checkpatch --strict on a file of no known spec: %s", m[0])
		}
	}
	var summary []string
	for _, name := range names {
		c := counts[name]
		summary = append(summary, fmt.Sprintf("%-20s %d errors, %d warnings, %d checks", name, c[0], c[1], c[2]))
	}
	sort.Strings(summary)
	t.Log("checkpatch --strict:\n" + strings.Join(summary, "\n"))
}
