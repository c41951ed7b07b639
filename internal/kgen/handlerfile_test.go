package kgen

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/spec"
)

// generateSpec renders the module of the spec at path.
func generateSpec(t *testing.T, path string) []gen.File {
	t.Helper()
	f, err := spec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func userOwned(t *testing.T, files []gen.File) gen.File {
	t.Helper()
	for _, f := range files {
		if f.UserOwned {
			return f
		}
	}
	t.Fatal("no user-owned file")
	return gen.File{}
}

// TestHandlerFileFollowsSpec edits the ctr family's handler file into
// real handlers, then grows the spec by a do (reset) and a dump with
// start and done hooks (stats-get): -check names each function the file
// lacks, regeneration appends exactly their stubs after the user's bytes
// and a second one nothing, and the module builds with W=1 and passes
// checkpatch --strict. Shrinking the spec back reports the four as stale
// and keeps them.
func TestHandlerFileFollowsSpec(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	main := filepath.Join(dir, "ctr_main.c")
	v1 := generateSpec(t, "testdata/ctr.yaml")
	if _, err := gen.Write(dir, v1, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	edited, err := os.ReadFile("testdata/ctr_main.c")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(main, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := gen.Check(dir, v1); err != nil || len(p) != 0 {
		t.Fatalf("check of the edited file against ctr.yaml: %v %v", p, err)
	}

	v2 := generateSpec(t, "testdata/ctr-v2.yaml")
	added := []string{"ctr_nl_stats_start", "ctr_nl_stats_done", "ctr_nl_reset_doit", "ctr_nl_stats_get_dumpit"}
	problems, err := gen.Check(dir, v2)
	if err != nil {
		t.Fatal(err)
	}
	var lacks []string
	for _, p := range problems {
		if p.Path == main {
			lacks = append(lacks, p.Reason)
		}
	}
	var wantLacks []string
	for _, n := range added {
		wantLacks = append(wantLacks, "lacks "+n+", which the ops table references (regenerate to append its stub)")
	}
	if !slices.Equal(lacks, wantLacks) || !gen.Failed(problems) {
		t.Errorf("check before regenerating: %q, want %q", lacks, wantLacks)
	}

	// What -check prevents: the old file beside the new ops table does
	// not link.
	t.Run("build without the stubs", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds a kernel module")
		}
		old := filepath.Join(t.TempDir(), "ctr")
		var generated []gen.File
		for _, f := range v2 {
			if !f.UserOwned {
				generated = append(generated, f)
			}
		}
		if _, err := gen.Write(old, generated, gen.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(old, "ctr_main.c"), edited, 0o644); err != nil {
			t.Fatal(err)
		}
		_, out, err := build(kdir(t), old)
		if err == nil || !strings.Contains(out, `"ctr_nl_reset_doit" [`) {
			t.Fatalf("the module lacking handlers built (%v):\n%s", err, tail(out, 20))
		}
		t.Log("without the stubs, modpost fails: " + regexp.MustCompile(`(?m)^.*"ctr_nl_reset_doit" \[.*$`).FindString(out))
	})

	r, err := gen.Write(dir, v2, gen.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Appended) != 1 || r.Appended[0].Path != main || !slices.Equal(r.Appended[0].Funcs, added) || len(r.Warnings) != 0 {
		t.Fatalf("regeneration appended %+v, warned %v; want %v", r.Appended, r.Warnings, added)
	}
	got, _ := os.ReadFile(main)
	if !bytes.HasPrefix(got, edited) {
		t.Fatal("the edited file is not the prefix of the regenerated one")
	}
	// What was appended is each stub after a blank line, the very bytes a
	// fresh file has.
	fresh := userOwned(t, v2)
	stubs := map[string][]byte{}
	for _, fn := range fresh.Required {
		stubs[fn.Name] = fn.Stub
	}
	var want []byte
	for _, n := range added {
		want = append(append(want, '\n'), stubs[n]...)
		if !bytes.Contains(fresh.Data, append([]byte("\n\n"), stubs[n]...)) {
			t.Errorf("the stub of %s is not the fresh file's:\n%s", n, stubs[n])
		}
	}
	if tail := got[len(edited):]; !bytes.Equal(tail, want) {
		t.Errorf("appended:\n%s\nwant:\n%s", tail, want)
	}
	if r, err := gen.Write(dir, v2, gen.WriteOptions{}); err != nil || len(r.Appended)+len(r.Written)+len(r.Warnings) != 0 {
		t.Errorf("second regeneration: %+v %v; want nothing", r, err)
	}
	if again, _ := os.ReadFile(main); !bytes.Equal(again, got) {
		t.Error("second regeneration changed the handler file")
	}
	if p, err := gen.Check(dir, v2); err != nil || len(p) != 0 {
		t.Errorf("check after regenerating: %v %v", p, err)
	}

	t.Run("build", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds a kernel module")
		}
		diags, out, err := build(kdir(t), dir)
		if err != nil || len(diags) > 0 {
			t.Fatalf("W=1 build: %v, diagnostics:\n%s\n%s", err, strings.Join(diags, "\n"), tail(out, 40))
		}
		if _, err := os.Stat(filepath.Join(dir, "ctr.ko")); err != nil {
			t.Fatal("no ctr.ko built")
		}
		t.Log("ctr.ko builds with W=1, no warnings")
	})
	t.Run("checkpatch", func(t *testing.T) {
		script := checkpatchPath(t)
		if _, err := exec.LookPath("perl"); err != nil {
			skipOrFail(t, "perl not installed")
		}
		var paths []string
		for _, f := range v2 {
			if strings.HasSuffix(f.Path, ".c") || strings.HasSuffix(f.Path, ".h") {
				paths = append(paths, filepath.Join(dir, f.Path))
			}
		}
		out, _ := exec.Command("perl", append([]string{script, "--strict", "--no-tree", "--show-types", "--terse", "-f"}, paths...)...).CombinedOutput()
		if strings.Contains(string(out), "Can't locate") || strings.Contains(string(out), "No such file") {
			t.Fatalf("checkpatch did not run:\n%s", out)
		}
		if issues := issueRE.FindAllString(string(out), -1); len(issues) > 0 {
			t.Errorf("checkpatch --strict:\n%s", strings.Join(issues, "\n"))
		}
	})

	// ctr.yaml again: the four are stale, reported and kept.
	r, err = gen.Write(dir, v1, gen.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var stale []string
	for _, w := range r.Warnings {
		if w.Path != main || !w.Warning || !strings.Contains(w.Reason, "nothing generated uses any more") {
			t.Errorf("unexpected warning %+v", w)
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(w.Reason, "defines "), ",")
		stale = append(stale, name)
	}
	if !slices.Equal(stale, added) || len(r.Appended) != 0 {
		t.Errorf("regenerating ctr.yaml: stale %q, appended %+v; want stale %q", stale, r.Appended, added)
	}
	if after, _ := os.ReadFile(main); !bytes.Equal(after, got) {
		t.Error("regenerating ctr.yaml changed the handler file")
	}
	problems, err = gen.Check(dir, v1)
	if err != nil || len(problems) != len(added) || gen.Failed(problems) {
		t.Errorf("check against ctr.yaml: %v %v; want %d warnings", problems, err, len(added))
	}
}

// TestFreshHandlerFileDefinesRequired holds every spec's fresh handler
// file to its Required list: each stub is in it, byte for byte, after a
// blank line, and -check finds nothing lacking nor stale in it (so the
// scanner finds every definition genlgen writes).
func TestFreshHandlerFileDefinesRequired(t *testing.T) {
	t.Parallel()
	for _, c := range allCases(t) {
		dir := filepath.Join(t.TempDir(), c.spec)
		files := generateInto(t, c.name, dir, Options{})
		f := userOwned(t, files)
		for _, fn := range f.Required {
			if !bytes.Contains(f.Data, append([]byte("\n\n"), fn.Stub...)) {
				t.Errorf("%s: the stub of %s is not in the fresh file:\n%s", c.name, fn.Name, fn.Stub)
			}
		}
		if p, err := gen.Check(dir, files); err != nil || len(p) != 0 {
			t.Errorf("%s: check of fresh output: %v %v", c.name, p, err)
		}
	}
}
