package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/kgen"
	"github.com/genlgen/genlgen/spec"
)

const (
	ctrV1 = "../../internal/kgen/testdata/ctr.yaml"
	ctrV2 = "../../internal/kgen/testdata/ctr-v2.yaml"
)

// TestHandlerFileGainsStubs runs the CLI over the ctr family as its spec
// grows and shrinks under a hand-edited handler file.
func TestHandlerFileGainsStubs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kmod")
	main := filepath.Join(dir, "ctr_main.c")
	if code, _, errOut := runCLI("-kmod", dir, ctrV1); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	edited, err := os.ReadFile("../../internal/kgen/testdata/ctr_main.c")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(main, edited, 0o644)
	added := []string{"ctr_nl_stats_start", "ctr_nl_stats_done", "ctr_nl_reset_doit", "ctr_nl_stats_get_dumpit"}

	// -check catches the new ops before the build does.
	code, _, errOut := runCLI("-check", "-kmod", dir, ctrV2)
	if code != 1 {
		t.Errorf("-check with new ops: exit %d, want 1", code)
	}
	for _, n := range added {
		if want := main + ": lacks " + n + ", which the ops table references (regenerate to append its stub)\n"; !strings.Contains(errOut, want) {
			t.Errorf("-check stderr lacks %q:\n%s", want, errOut)
		}
	}

	// Regenerating appends them and says so, even with -q.
	code, _, errOut = runCLI("-q", "-kmod", dir, ctrV2)
	if want := "genlgen: " + main + ": appended stubs for " + strings.Join(added, ", ") + "\n"; code != 0 || errOut != want {
		t.Errorf("regenerating: exit %d, stderr %q, want %q", code, errOut, want)
	}
	grown, _ := os.ReadFile(main)
	if !bytes.HasPrefix(grown, edited) {
		t.Error("the edited file is not the prefix of the regenerated one")
	}
	if code, _, errOut := runCLI("-kmod", dir, ctrV2); code != 0 || errOut != "" {
		t.Errorf("second regeneration: exit %d, stderr %q; want nothing", code, errOut)
	}
	if code, _, errOut := runCLI("-check", "-kmod", dir, ctrV2); code != 0 || errOut != "" {
		t.Errorf("-check after regenerating: exit %d, stderr %q", code, errOut)
	}

	// The ops go again: their handlers are stale, reported as warnings
	// (which -q silences) by regeneration and -check, and kept.
	for _, args := range [][]string{{"-kmod", dir, ctrV1}, {"-check", "-kmod", dir, ctrV1}} {
		code, _, errOut = runCLI(args...)
		if code != 0 || strings.Count(errOut, "\n") != len(added) {
			t.Errorf("%v: exit %d, stderr %q; want %d warnings", args, code, errOut, len(added))
		}
		for _, n := range added {
			if want := main + ": warning: defines " + n + ", named like a handler of the family, which nothing generated uses any more"; !strings.Contains(errOut, want) {
				t.Errorf("%v: stderr lacks %q", args, want)
			}
		}
		if code, _, errOut := runCLI(append([]string{"-q"}, args...)...); code != 0 || errOut != "" {
			t.Errorf("-q %v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if after, _ := os.ReadFile(main); !bytes.Equal(after, grown) {
		t.Error("stale handlers were not kept")
	}

	// -force-handlers still rewrites the whole file.
	if code, _, errOut := runCLI("-force-handlers", "-kmod", dir, ctrV1); code != 0 || errOut != "" {
		t.Errorf("-force-handlers: exit %d, stderr %q", code, errOut)
	}
	f, err := spec.Load(ctrV1)
	if err != nil {
		t.Fatal(err)
	}
	files, err := kgen.Generate(f, kgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, gf := range files {
		if gf.UserOwned {
			if b, _ := os.ReadFile(main); !bytes.Equal(b, gf.Data) {
				t.Errorf("-force-handlers wrote:\n%s\nwant the fresh file:\n%s", b, gf.Data)
			}
		}
	}
}
