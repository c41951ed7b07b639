package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"
)

func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestValidateSummary(t *testing.T) {
	code, out, errOut := runCLI("../../spec/doc_exmpl.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "family DOC_EXMPL (genetlink-c, version 1): 1 definitions, 1 attribute sets, 5 operations, 1 multicast groups, 0 warnings"
	if !strings.Contains(out, want) || strings.Count(out, "\n") != 1 {
		t.Errorf("summary = %q, want one line with %q", out, want)
	}
}

func TestSpecErrorExitsOne(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nprotocol: genetlink\ndoc: d\nattribute-sets: []\noperations:\n  list:\n    - {name: a, doc: d, attribute-set: nope, do: {}}\n"), 0o644)
	code, _, errOut := runCLI(bad)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut, bad+":7:40: operation \"a\": unknown attribute-set \"nope\"") {
		t.Errorf("stderr = %q", errOut)
	}
	code, _, errOut = runCLI(corpus.Spec(t, "rt_link"))
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "not supported (yet)") {
		t.Errorf("netlink-raw: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(filepath.Join(dir, "missing.yaml"))
	if code != 1 || !strings.Contains(errOut, "missing.yaml") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-nosuchflag", "x.yaml"},
		{"-family-name", "x", "a.yaml", "b.yaml"},
	} {
		if code, _, _ := runCLI(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestWarningsPrintedWithPosition(t *testing.T) {
	code, _, errOut := runCLI(corpus.Spec(t, "netdev"))
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errOut, "netdev.yaml:") || !strings.Contains(errOut, ": warning: ") {
		t.Errorf("warnings not printed with positions: %q", errOut)
	}
	if _, _, quiet := runCLI("-q", corpus.Spec(t, "netdev")); quiet != "" {
		t.Errorf("-q still printed %q", quiet)
	}
}

func TestSeveralSpecsWriteOnePackageEach(t *testing.T) {
	dir := t.TempDir()
	specs := []string{"../../spec/doc_exmpl.yaml", corpus.Spec(t, "netdev"), corpus.Spec(t, "fou")}
	code, _, errOut := runCLI(append([]string{"-q", "-go", dir, "-kmod", dir + "/kmod"}, specs...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, p := range []string{"docexmpl/client.go", "netdev/client.go", "fou/client.go", "kmod/doc_exmpl/doc_exmpl.h", "kmod/netdev/netdev-nl.c", "kmod/fou/fou_main.c"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	// -check agrees with what was just written; one bad spec among good
	// ones fails the run with its own error only.
	if code, _, errOut := runCLI(append([]string{"-q", "-check", "-go", dir, "-kmod", dir + "/kmod"}, specs...)...); code != 0 {
		t.Errorf("-check after writing: exit %d: %s", code, errOut)
	}
	os.WriteFile(filepath.Join(dir, "netdev/client.go"), []byte("package netdev\n"), 0o644)
	code, _, errOut = runCLI(append([]string{"-q", "-check", "-go", dir}, specs...)...)
	if code != 1 || !strings.Contains(errOut, "netdev/client.go: differs from the generated version") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("-check with one stale file: exit %d, stderr %q", code, errOut)
	}
}

// TestCheckPrintsDiff edits a freshly generated kernel module one way per
// case and runs -check: stderr names each problem as it always has, stdout
// holds the unified diff regenerating would apply, and nothing is written.
func TestCheckPrintsDiff(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kmod")
	nlc, header, main := filepath.Join(dir, "ctr-nl.c"), filepath.Join(dir, "ctr.h"), filepath.Join(dir, "ctr_main.c")
	generate := func(spec string) {
		if code, _, errOut := runCLI("-q", "-kmod", dir, spec); code != 0 {
			t.Fatalf("generating %s: exit %d: %s", spec, code, errOut)
		}
	}
	generate(ctrV1)
	read := func(p string) []string {
		b, _ := os.ReadFile(p)
		return strings.SplitAfter(string(b), "\n") // the last element is ""
	}
	nlcLines, headerLines := read(nlc), read(header)
	edited, err := os.ReadFile("../../internal/kgen/testdata/ctr_main.c")
	if err != nil {
		t.Fatal(err)
	}
	// What regenerating over the edited handler file appends.
	other := filepath.Join(t.TempDir(), "kmod")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "ctr_main.c"), edited, 0o644)
	if code, _, errOut := runCLI("-q", "-kmod", other, ctrV2); code != 0 {
		t.Fatalf("regenerating: exit %d: %s", code, errOut)
	}
	grown, _ := os.ReadFile(filepath.Join(other, "ctr_main.c"))
	editedLines, added := strings.SplitAfter(string(edited), "\n"), strings.SplitAfter(string(grown[len(edited):]), "\n")
	// context is lines[from:to] as a diff's context lines.
	context := func(lines []string, from, to int) string { return " " + strings.Join(lines[from:to], " ") }
	junk := func(n int) string {
		var b strings.Builder
		for j := range n {
			fmt.Fprintf(&b, "junk %d\n", j)
		}
		return b.String()
	}
	i := slices.IndexFunc(nlcLines, func(l string) bool { return strings.Contains(l, "= CTR_CMD_GET,") })
	if i < 3 || i+4 > len(nlcLines) {
		t.Fatalf("ctr-nl.c has no CTR_CMD_GET line with 3 lines around it")
	}
	n := len(headerLines) - 1
	for _, tc := range []struct {
		name   string
		spec   string
		edit   func()
		code   int
		stderr string
		stdout string
	}{
		{name: "fresh", spec: ctrV1},
		{
			name: "a generated line edited",
			spec: ctrV1,
			edit: func() {
				os.WriteFile(nlc, []byte(strings.Replace(strings.Join(nlcLines, ""), nlcLines[i], "EDITED\n", 1)), 0o644)
			},
			code:   1,
			stderr: nlc + ": differs from the generated version\n",
			stdout: "--- " + nlc + "\n+++ " + nlc + fmt.Sprintf("\n@@ -%d,7 +%d,7 @@\n", i-2, i-2) +
				context(nlcLines, i-3, i) + "-EDITED\n+" + nlcLines[i] + context(nlcLines, i+1, i+4),
		},
		{
			name:   "no newline at the end",
			spec:   ctrV1,
			edit:   func() { os.WriteFile(header, []byte(strings.Join(headerLines, "")+"int x;"), 0o644) },
			code:   1,
			stderr: header + ": differs from the generated version\n",
			stdout: "--- " + header + "\n+++ " + header + fmt.Sprintf("\n@@ -%d,4 +%d,3 @@\n", n-2, n-2) +
				context(headerLines, n-3, n) + "-int x;\n\\ No newline at end of file\n",
		},
		{
			name:   "missing: named, no diff",
			spec:   ctrV1,
			edit:   func() { os.Remove(header) },
			code:   1,
			stderr: header + ": missing\n",
		},
		{
			// The handler file's diff is the stubs regenerating appends,
			// after the file's last 3 lines.
			name:   "a handler file lacking handlers",
			spec:   ctrV2,
			edit:   func() { generate(ctrV2); os.WriteFile(main, edited, 0o644) },
			code:   1,
			stderr: lacks(main, "ctr_nl_stats_start", "ctr_nl_stats_done", "ctr_nl_reset_doit", "ctr_nl_stats_get_dumpit"),
			stdout: "--- " + main + "\n+++ " + main +
				fmt.Sprintf("\n@@ -%d,3 +%d,%d @@\n", len(editedLines)-3, len(editedLines)-3, 3+len(added)-1) +
				context(editedLines, len(editedLines)-4, len(editedLines)-1) + "+" + strings.Join(added[:len(added)-1], "+"),
		},
		{
			// A hunk header and 1000 + len(nlcLines)-1 changed lines:
			// 200 lines shown, after the 2 file lines.
			name:   "a long diff is cut",
			spec:   ctrV1,
			edit:   func() { os.WriteFile(nlc, []byte(junk(1000)), 0o644) },
			code:   1,
			stderr: nlc + ": differs from the generated version\n",
			stdout: "--- " + nlc + "\n+++ " + nlc + fmt.Sprintf("\n@@ -1,1000 +1,%d @@\n", len(nlcLines)-1) +
				"-" + strings.Join(strings.SplitAfter(junk(199), "\n")[:199], "-") +
				fmt.Sprintf("[%d more lines of diff left out]\n", 1+1000+len(nlcLines)-1-200),
		},
	} {
		os.RemoveAll(dir)
		generate(ctrV1)
		if tc.edit != nil {
			tc.edit()
		}
		before := snapshot(t, dir, "")
		for _, q := range []string{"", "-q"} { // -q silences warnings, not the diff
			args := []string{"-check", "-kmod", dir, tc.spec}
			if q != "" {
				args = append([]string{q}, args...)
			}
			code, out, errOut := runCLI(args...)
			if code != tc.code || errOut != tc.stderr || out != tc.stdout {
				t.Errorf("%s %s: exit %d, stderr %q, stdout\n%s\nwant exit %d, stderr %q, stdout\n%s", tc.name, q, code, errOut, out, tc.code, tc.stderr, tc.stdout)
			}
		}
		if after := snapshot(t, dir, ""); !maps.Equal(after, before) {
			t.Errorf("%s: -check changed the directory", tc.name)
		}
	}
}

// lacks is what -check prints for a handler file lacking funcs.
func lacks(path string, funcs ...string) string {
	var b strings.Builder
	for _, f := range funcs {
		b.WriteString(path + ": lacks " + f + ", which the ops table references (regenerate to append its stub)\n")
	}
	return b.String()
}

// TestVerboseListsEveryFile runs generation with -v over the ctr module
// as it is created, regenerated, edited and grown: one line per file on
// stderr, in the order the files are generated, with what was done.
func TestVerboseListsEveryFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kmod")
	names := []string{"ctr.h", "ctr-nl.h", "ctr-nl.c", "ctr_main.c", "Kbuild", "Makefile"}
	edited, err := os.ReadFile("../../internal/kgen/testdata/ctr_main.c")
	if err != nil {
		t.Fatal(err)
	}
	const kept = "kept (user-owned)"
	for _, tc := range []struct {
		name string
		edit func()
		args []string
		// want is each file's status; "" is unchanged, a file missing
		// from it has no line.
		want map[string]string
	}{
		{
			name: "fresh",
			args: []string{"-v", "-kmod", dir, ctrV1},
			want: map[string]string{"ctr.h": "written", "ctr-nl.h": "written", "ctr-nl.c": "written", "ctr_main.c": "written", "Kbuild": "written", "Makefile": "written"},
		},
		{
			name: "again",
			args: []string{"-v", "-kmod", dir, ctrV1},
			want: map[string]string{"ctr.h": "", "ctr-nl.h": "", "ctr-nl.c": "", "ctr_main.c": kept, "Kbuild": "", "Makefile": ""},
		},
		{
			name: "one generated file edited",
			edit: func() { os.WriteFile(filepath.Join(dir, "ctr.h"), []byte("edited\n"), 0o644) },
			args: []string{"-v", "-kmod", dir, ctrV1},
			want: map[string]string{"ctr.h": "written", "ctr-nl.h": "", "ctr-nl.c": "", "ctr_main.c": kept, "Kbuild": "", "Makefile": ""},
		},
		{
			name: "without -v, nothing",
			edit: func() { os.WriteFile(filepath.Join(dir, "ctr.h"), []byte("edited\n"), 0o644) },
			args: []string{"-kmod", dir, ctrV1},
		},
		{
			name: "the spec grows, with -q",
			edit: func() { os.WriteFile(filepath.Join(dir, "ctr_main.c"), edited, 0o644) },
			args: []string{"-v", "-q", "-kmod", dir, ctrV2},
			want: map[string]string{"ctr.h": "written", "ctr-nl.h": "written", "ctr-nl.c": "written",
				"ctr_main.c": "appended stubs for ctr_nl_stats_start, ctr_nl_stats_done, ctr_nl_reset_doit, ctr_nl_stats_get_dumpit",
				"Kbuild":     "written", "Makefile": "written"},
		},
		{
			name: "-force-handlers",
			args: []string{"-v", "-force-handlers", "-kmod", dir, ctrV2},
			want: map[string]string{"ctr.h": "", "ctr-nl.h": "", "ctr-nl.c": "", "ctr_main.c": "written", "Kbuild": "", "Makefile": ""},
		},
	} {
		if tc.edit != nil {
			tc.edit()
		}
		var want strings.Builder
		for _, n := range names {
			if status, ok := tc.want[n]; ok {
				if status == "" {
					status = "unchanged"
				}
				fmt.Fprintf(&want, "genlgen: %s: %s\n", filepath.Join(dir, n), status)
			}
		}
		code, out, errOut := runCLI(tc.args...)
		if code != 0 || out != "" || errOut != want.String() {
			t.Errorf("%s: exit %d, stdout %q, stderr\n%s\nwant\n%s", tc.name, code, out, errOut, &want)
		}
	}
}
