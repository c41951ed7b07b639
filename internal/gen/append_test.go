package gen

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// userFile is a user-owned handler file of a family "x" that requires
// the functions named.
func userFile(names ...string) File {
	f := File{Path: "x_main.c", UserOwned: true, Stale: regexp.MustCompile(`^x_nl_\w+_(doit|dumpit)$`)}
	var data []byte
	for _, n := range names {
		stub := []byte("/* " + n + ". */\nint " + n + "(void)\n{\n\treturn 0;\n}\n")
		f.Required = append(f.Required, Func{Name: n, Stub: stub, Use: "the ops table references"})
		data = append(append(data, '\n'), stub...)
	}
	f.Data = append([]byte("// SPDX-License-Identifier: GPL-2.0\n"), data...)
	return f
}

func reasons(problems []Problem) []string {
	var out []string
	for _, p := range problems {
		r := filepath.Base(p.Path) + ": " + p.Reason
		if p.Warning {
			r = "warning: " + r
		}
		out = append(out, r)
	}
	return out
}

func TestWriteAppendsMissingStubs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x_main.c")
	// The user's file: a real get handler, a helper, a prototype and a
	// mention in a comment of the functions the new ops need, and no
	// final newline.
	edited := []byte("// SPDX-License-Identifier: GPL-2.0\n/* x_nl_set_doit comes later. */\nint x_nl_set_doit(void);\nstatic int helper(void) { return 1; }\n\nint\nx_nl_get_doit(void)\n{\n\treturn helper();\n}")
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	f := userFile("x_nl_get_doit", "x_nl_set_doit", "x_nl_list_dumpit")
	files := []File{f, {Path: "gen.c", Data: []byte("gen\n")}}

	problems, err := Check(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"gen.c: missing",
		"x_main.c: lacks x_nl_set_doit, which the ops table references (regenerate to append its stub)",
		"x_main.c: lacks x_nl_list_dumpit, which the ops table references (regenerate to append its stub)",
	}
	if got := reasons(problems); !slices.Equal(got, want) || !Failed(problems) {
		t.Errorf("Check = %q, want %q", got, want)
	}

	r, err := Write(dir, files, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Appended) != 1 || r.Appended[0].Path != path || !slices.Equal(r.Appended[0].Funcs, []string{"x_nl_set_doit", "x_nl_list_dumpit"}) {
		t.Errorf("Appended = %+v", r.Appended)
	}
	if s := r.Appended[0].String(); s != path+": appended stubs for x_nl_set_doit, x_nl_list_dumpit" {
		t.Errorf("notice = %q", s)
	}
	if !slices.Equal(r.Written, []string{path, filepath.Join(dir, "gen.c")}) || len(r.Warnings) != 0 {
		t.Errorf("Written = %q, Warnings = %v", r.Written, r.Warnings)
	}
	got, _ := os.ReadFile(path)
	wantData := string(edited) + "\n\n" + string(f.Required[1].Stub) + "\n" + string(f.Required[2].Stub)
	if string(got) != wantData {
		t.Errorf("after append:\n%s\nwant:\n%s", got, wantData)
	}
	if !bytes.HasPrefix(got, edited) {
		t.Error("the user's bytes are not the prefix of the new file")
	}

	// Nothing more to append, nothing to report.
	r, err = Write(dir, files, WriteOptions{})
	if err != nil || len(r.Written)+len(r.Appended)+len(r.Warnings) != 0 {
		t.Errorf("second Write = %+v, %v; want nothing", r, err)
	}
	if p, err := Check(dir, files); err != nil || len(p) != 0 {
		t.Errorf("Check after append = %q, %v", reasons(p), err)
	}
	again, _ := os.ReadFile(path)
	if !bytes.Equal(again, got) {
		t.Error("second Write changed the file")
	}

	// The spec loses the set op: its handler is stale, reported, kept.
	files[0] = userFile("x_nl_get_doit", "x_nl_list_dumpit")
	staleWant := []string{"warning: x_main.c: defines x_nl_set_doit, named like a handler of the family, which nothing generated uses any more (kept; delete it if it is dead code)"}
	r, err = Write(dir, files, WriteOptions{})
	if err != nil || len(r.Written)+len(r.Appended) != 0 || !slices.Equal(reasons(r.Warnings), staleWant) {
		t.Errorf("Write with a stale handler = %+v (%q), %v", r, reasons(r.Warnings), err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, got) {
		t.Error("a stale handler was removed")
	}
	problems, err = Check(dir, files)
	if err != nil || !slices.Equal(reasons(problems), staleWant) || Failed(problems) {
		t.Errorf("Check with a stale handler = %q, %v; want one warning", reasons(problems), err)
	}

	// -force-handlers: the whole file, fresh.
	r, err = Write(dir, files, WriteOptions{ForceUserOwned: true})
	if err != nil || len(r.Appended)+len(r.Warnings) != 0 || !slices.Contains(r.Written, path) {
		t.Errorf("forced Write = %+v, %v", r, err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, files[0].Data) {
		t.Errorf("forced write:\n%s\nwant:\n%s", b, files[0].Data)
	}
}

// A user file that defines everything but a hook the spec names in
// another style is not stale-reported for functions the pattern does not
// match, and a missing Use still reads.
func TestStaleOnlyMatchesPattern(t *testing.T) {
	dir := t.TempDir()
	f := userFile("x_nl_get_doit")
	f.Required = append(f.Required, Func{Name: "x_pre", Stub: []byte("int x_pre(void)\n{\n}\n")})
	os.WriteFile(filepath.Join(dir, f.Path), []byte("int x_nl_get_doit(void) { }\nint x_other(void) { }\nint x_nl_get_helper(void) { }\n"), 0o644)
	p, err := Check(dir, []File{f})
	want := []string{"x_main.c: lacks x_pre, which the generated code uses (regenerate to append its stub)"}
	if err != nil || !slices.Equal(reasons(p), want) {
		t.Errorf("Check = %q, %v; want %q", reasons(p), err, want)
	}
	r, err := Write(dir, []File{f}, WriteOptions{})
	if err != nil || len(r.Appended) != 1 || r.Appended[0].String() != filepath.Join(dir, f.Path)+": appended the stub of x_pre" {
		t.Errorf("Write = %+v, %v", r, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, f.Path)); !strings.HasSuffix(string(b), "{ }\n\nint x_pre(void)\n{\n}\n") {
		t.Errorf("appended file:\n%s", b)
	}
}
