package compat

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"
	"github.com/genlgen/genlgen/spec"
)

var update = flag.Bool("update", false, "rewrite testdata/k612-k73.golden")

// TestKernelHistory runs the check from 6.12 to 7.3 on every generic
// netlink family both corpora hold and compares the report with the
// reviewed golden file (testdata/k612-k73.review.md explains each
// breaking finding). Positions name the files relative to their corpus
// (6.12/x.yaml, 7.3/x.yaml) so the golden does not depend on where the
// corpora are.
func TestKernelHistory(t *testing.T) {
	oldDir, newDir := corpus.K612.Require(t), corpus.K73.Require(t)
	newNames := corpus.K73.GenetlinkSpecs(t)
	var buf bytes.Buffer
	total := map[Class]int{}
	for _, name := range corpus.K612.GenetlinkSpecs(t) {
		if !slices.Contains(newNames, name) {
			continue
		}
		old := load(t, filepath.Join(oldDir, name+".yaml"), "6.12/"+name+".yaml")
		new := load(t, filepath.Join(newDir, name+".yaml"), "7.3/"+name+".yaml")
		fs := Compare(old, new)
		n := Count(fs)
		for k, v := range n {
			total[k] += v
		}
		fmt.Fprintf(&buf, "## %s: %d breaking, %d source-breaking, %d compatible, %d doc-only\n", name, n[Breaking], n[SourceBreaking], n[Compatible], n[DocOnly])
		for _, f := range fs {
			fmt.Fprintln(&buf, f)
		}
		buf.WriteString("\n")
	}
	fmt.Fprintf(&buf, "## total: %d breaking, %d source-breaking, %d compatible, %d doc-only\n", total[Breaking], total[SourceBreaking], total[Compatible], total[DocOnly])
	golden := filepath.Join("testdata", "k612-k73.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/compat -run TestKernelHistory -update)", err)
	}
	if got := buf.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			g, w := lineAt(gl, i), lineAt(wl, i)
			if g != w {
				t.Fatalf("report differs from %s at line %d:\n got: %s\nwant: %s\n(review the change, then rerun with -update)", golden, i+1, g, w)
			}
		}
	}
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end)"
}

// load parses the spec at path, naming it name in positions.
func load(t *testing.T, path, name string) *spec.Family {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := spec.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
