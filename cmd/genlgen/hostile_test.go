package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/genlgen/genlgen/spec"
)

// hostileBase is the valid spec the hostile cases break, one thing each.
// genetlink-c, whose names are free-form, so that foo_bar is no warning.
const hostileBase = `name: hostile
protocol: genetlink-c
doc: A family under attack.
definitions:
  - {name: lim, type: const, value: 10, doc: A limit.}
  - {name: color, type: enum, doc: Colours., entries: [red, green]}
attribute-sets:
  - name: main
    attributes:
      - {name: id, type: u32}
      - {name: label, type: string}
      - {name: inner, type: nest, nested-attributes: inner}
  - name: inner
    attributes:
      - {name: val, type: u16}
operations:
  list:
    - name: get
      doc: Get.
      attribute-set: main
      do:
        request: {attributes: [id]}
        reply: {attributes: [id, label, inner]}
mcast-groups:
  list:
    - name: events
`

// hostile returns hostileBase with old replaced by new (which must be
// there).
func hostile(old, new string) string {
	if !strings.Contains(hostileBase, old) {
		panic(fmt.Sprintf("hostileBase has no %q", old))
	}
	return strings.Replace(hostileBase, old, new, 1)
}

// legacy is hostile as a genetlink-legacy spec (structs, sock-priv).
func legacy(old, new string) string {
	return strings.Replace(hostile(old, new), "protocol: genetlink-c", "protocol: genetlink-legacy", 1)
}

// ampSpec is the amplification: one list of n attributes, anchored
// in the first set and reused by sets more (each used by an operation, so
// that each is generated).
func ampSpec(n, sets int, alias bool) string {
	var b strings.Builder
	b.WriteString("name: amp\nprotocol: genetlink\ndoc: Amplified.\nattribute-sets:\n  - name: base\n    attributes: &a\n")
	attrs := func() {
		for i := range n {
			fmt.Fprintf(&b, "      - {name: attr-%d, type: u32}\n", i)
		}
	}
	attrs()
	for s := range sets {
		fmt.Fprintf(&b, "  - name: set-%d\n", s)
		if alias {
			b.WriteString("    attributes: *a\n")
		} else {
			b.WriteString("    attributes:\n")
			attrs()
		}
	}
	b.WriteString("operations:\n  list:\n")
	for s := range sets {
		fmt.Fprintf(&b, "    - name: get-%d\n      doc: Get.\n      attribute-set: set-%d\n      do:\n        request: {attributes: [attr-0]}\n        reply: {attributes: [attr-1]}\n", s, s)
	}
	return b.String()
}

// doubledSpec is the largest expansion the alias limit lets through: sets
// sets of n attributes, each reused once by another set.
func doubledSpec(n, sets int) string {
	var b strings.Builder
	b.WriteString("name: amp\nprotocol: genetlink\ndoc: Doubled.\nattribute-sets:\n")
	for s := range sets {
		fmt.Fprintf(&b, "  - name: set-%d\n    attributes: &a%d\n", s, s)
		for i := range n {
			fmt.Fprintf(&b, "      - {name: attr-%d, type: u32}\n", i)
		}
	}
	for s := range sets {
		fmt.Fprintf(&b, "  - name: copy-%d\n    attributes: *a%d\n", s, s)
	}
	b.WriteString("operations:\n  list:\n")
	for _, set := range []string{"set", "copy"} {
		for s := range sets {
			fmt.Fprintf(&b, "    - name: get-%s-%d\n      doc: Get.\n      attribute-set: %s-%d\n      do:\n        request: {attributes: [attr-0]}\n        reply: {attributes: [attr-1]}\n", set, s, set, s)
		}
	}
	return b.String()
}

// laughs is a billion laughs: ten levels of lists of ten aliases to the
// level below.
func laughs() string {
	var b strings.Builder
	b.WriteString("name: laughs\nprotocol: genetlink\ndoc: &l0 ha\nx0: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "x%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i+1, i, i, i, i, i, i, i, i, i, i)
	}
	b.WriteString("attribute-sets: *l10\noperations: {list: []}\n")
	return b.String()
}

// manyErrors is a spec with n attributes of an unknown type.
func manyErrors(n int) string {
	var b strings.Builder
	b.WriteString("name: errs\nprotocol: genetlink\ndoc: Errors.\nattribute-sets:\n  - name: main\n    attributes:\n")
	for i := range n {
		fmt.Fprintf(&b, "      - {name: a-%d, type: nope}\n", i)
	}
	b.WriteString("operations: {list: []}\n")
	return b.String()
}

type hostileCase struct {
	name string
	spec string
	// file is the spec's file name (default spec.yaml).
	file string
	// args come before the spec; {out} is the output directory. The
	// default writes both the Go package and the module.
	args []string
	// setup plants files before the run (root holds everything, out is
	// the output directory, created).
	setup func(t *testing.T, root, out string)
	code  int
	// want are substrings of stderr; {spec} is the spec's path, {out}
	// the output directory.
	want []string
	// wrote reports whether the run may write the output directory;
	// outside is where else it may write ({root}/...: nowhere if "").
	wrote   bool
	outside string
	check   func(t *testing.T, out, stderr string)
}

func hostileCases() []hostileCase {
	nameCase := func(name string) hostileCase {
		return hostileCase{name: "family name " + name, spec: hostile("name: hostile", "name: "+fmt.Sprintf("%q", name)), code: 1,
			want: []string{fmt.Sprintf("{spec}:1:7: family name %q must start with a letter or '_'", name)}}
	}
	link := func(rel, target string) func(t *testing.T, root, out string) {
		return func(t *testing.T, root, out string) {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(out, rel)), 0o755); err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Join(out, rel))
			if err := os.Symlink(strings.ReplaceAll(target, "{root}", root), filepath.Join(out, rel)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return []hostileCase{
		// 1. The spec's name becomes file names, the module and C.
		nameCase("../../../zzesc"),
		nameCase("foo/bar"),
		nameCase(".."),
		nameCase("a b"),
		nameCase("9p"),
		nameCase(""),
		{name: "Kbuild line in the family name", spec: hostile("name: hostile", `name: "x.o\nobj-m += ../../etc/zzpwn"`), code: 1,
			want: []string{`{spec}:1:7: family name "x.o\nobj-m += ../../etc/zzpwn" must start`}},
		{name: "attribute name with a space", spec: hostile("{name: label, type: string}", `{name: "la bel", type: string}`), code: 1,
			want: []string{`{spec}:11:16: attribute name "la bel" must hold only letters, digits, '-' and '_'`}},
		{name: "uapi-header escapes", spec: hostile("doc: A family under attack.", "doc: D.\nuapi-header: ../../etc/passwd"), code: 1,
			want: []string{`{spec}:4:14: spec: "uapi-header" is "../../etc/passwd": a header the generated C includes must be a relative path`}},
		{name: "include line injection", spec: legacy("doc: A family under attack.", "doc: D.\nkernel-family:\n  headers: [\"x.h>\\n#include </etc/shadow\"]"), code: 1,
			want: []string{`{spec}:5:13: kernel-family: "headers" holds "x.h>\n#include </etc/shadow": a header`}},
		{name: "sock-priv not a type", spec: legacy("doc: A family under attack.", "doc: D.\nkernel-family:\n  sock-priv: \"struct x; int y\""), code: 1,
			want: []string{`{spec}:5:14: kernel-family: "sock-priv" is "struct x; int y": it is a C type`}},
		{name: "name-prefix with a comment", spec: hostile("  - name: inner\n", "  - name: inner\n    name-prefix: \"x */ y\"\n"), code: 1,
			want: []string{`{spec}:14:18: attribute set "inner": "name-prefix" is "x */ y": it becomes (part of) a C identifier`}},
		{name: "c-define-name with a space", spec: hostile("    - name: events\n", "    - name: events\n      c-define-name: A B\n"), code: 1,
			want: []string{`{spec}:27:22: multicast group: "c-define-name" is "A B"`}},
		{name: "config-cond expression", spec: hostile("      doc: Get.\n", "      doc: Get.\n      config-cond: a || b\n"), code: 1,
			want: []string{`{spec}:20:20: operation "get": "config-cond" is "a || b"`}},
		{name: "hook not a function", spec: hostile("      do:\n", "      do:\n        pre: 1st-hook\n"), code: 1,
			want: []string{`{spec}:22:14: operation "get" do: "pre" is "1st-hook", which is "1st_hook" in C: not a function name`}},
		{name: "empty name-prefix and a digit", spec: hostile("  - {name: color, type: enum, doc: Colours., entries: [red, green]}",
			"  - {name: color, type: enum, doc: Colours., name-prefix: \"\", entries: [2mhz, green]}"), code: 1,
			want: []string{`{spec}:6:73: entry "color.2mhz" becomes "2MHZ" in C, which is not a C identifier`}},
		{name: "struct member a keyword", spec: legacy("  - {name: lim, type: const, value: 10, doc: A limit.}",
			"  - {name: lim, type: const, value: 10, doc: A limit.}\n  - {name: hdr, type: struct, members: [{name: int, type: u32}]}"), code: 1,
			want: []string{`{spec}:6:41: member "hdr.int" becomes the C keyword "int"`}},
		{name: "NUL in a doc", spec: hostile("doc: A family under attack.", `doc: "a\0b"`), code: 1,
			want: []string{`{spec}:3:6: spec: "doc" holds the control character U+0000, which the generated files cannot carry`}},
		{name: "bidirectional override in a doc", spec: hostile("      doc: Get.", "      doc: \"Get.\u202e;lla\""), code: 1,
			want: []string{`{spec}:19:12: operation: "doc" holds U+202E, a bidirectional formatting character`}},
		{name: "file name ends a comment", file: "x*\\y.yaml", spec: hostileBase, code: 1,
			want: []string{`the spec's file name "x*\\y.yaml" cannot be printed in the banners`}},
		{name: "file name holds a newline", file: "x\nobj-m += y.yaml", spec: hostileBase, code: 1,
			want: []string{`the spec's file name "x\nobj-m += y.yaml" cannot be printed`}},

		// 2. Two spec names, one C name.
		{name: "attributes foo-bar and foo_bar", spec: hostile("      - {name: id, type: u32}", "      - {name: foo-bar, type: u32}\n      - {name: foo_bar, type: u32}\n      - {name: id, type: u32}"), code: 1,
			want: []string{`{spec}:11:9: attribute "main.foo_bar" and attribute "main.foo-bar" (at {spec}:10:9) both become HOSTILE_A_MAIN_FOO_BAR in C: rename one`}},
		{name: "a set's attribute is another's", spec: hostile("      - {name: val, type: u16}", "      - {name: val, type: u16}\n  - name: main-id\n    attributes:\n      - {name: x, type: u8}\n  - name: main-id-x\n    name-prefix: hostile-a-main-\n    attributes:\n      - {name: id-x, type: u16}"), code: 1,
			want: []string{`{spec}:22:9: attribute "main-id-x.id-x" and attribute "main-id.x" (at {spec}:18:9) both become HOSTILE_A_MAIN_ID_X in C`}},
		{name: "enum entries a-b and a_b", spec: hostile("entries: [red, green]", "entries: [red, dark-red, dark_red]"), code: 1,
			want: []string{`{spec}:6:71: entry "color.dark_red" and entry "color.dark-red" (at {spec}:6:61) both become HOSTILE_COLOR_DARK_RED in C`}},
		{name: "consts x-y and x_y", spec: hostile("  - {name: lim, type: const, value: 10, doc: A limit.}", "  - {name: lim-a, type: const, value: 10, doc: A.}\n  - {name: lim_a, type: const, value: 11, doc: B.}"), code: 1,
			want: []string{`{spec}:6:5: definition "lim_a" and definition "lim-a" (at {spec}:5:5) both become HOSTILE_LIM_A in C`}},
		{name: "ops get-x and get_x", spec: hostile("    - name: get\n", "    - {name: get-x, doc: X., attribute-set: main, do: {request: {attributes: [id]}}}\n    - {name: get_x, doc: X., attribute-set: main, do: {request: {attributes: [id]}}}\n    - name: get\n"), code: 1,
			want: []string{`{spec}:19:7: operation "get_x" and operation "get-x" (at {spec}:18:7) both become HOSTILE_CMD_GET_X in C`}},
		{name: "groups g-1 and g_1", spec: hostile("    - name: events\n", "    - name: g-1\n    - name: g_1\n"), code: 1,
			want: []string{`{spec}:27:7: multicast group "g_1" and multicast group "g-1" (at {spec}:26:7) both become HOSTILE_MCGRP_G_1 in C`}},
		{name: "sets a-b and a_b", spec: hostile("  - name: inner\n", "  - name: in-ner\n    attributes: [{name: p, type: u8}]\n  - name: in_ner\n    attributes: [{name: q, type: u8}]\n  - name: inner\n"), code: 1,
			want: []string{`{spec}:15:5: attribute set "in_ner" and attribute set "in-ner" (at {spec}:13:5) both become hostile_in_ner in C`}},
		{name: "struct members a-b and a_b", spec: legacy("  - {name: lim, type: const, value: 10, doc: A limit.}",
			"  - {name: lim, type: const, value: 10, doc: A limit.}\n  - {name: hdr, type: struct, members: [{name: if-index, type: u32}, {name: if_index, type: u32}]}"), code: 1,
			want: []string{`member "hdr.if_index" and member "hdr.if-index" (at {spec}:6:41) both become if_index in C`}},
		{name: "attribute named like the set's maximum", spec: hostile("      - {name: val, type: u16}", "      - {name: val, type: u16}\n      - {name: max, type: u16}"), code: 0, wrote: true,
			want: []string{`{spec}:13:5: warning: attribute set "inner": its maximum would be HOSTILE_A_INNER_MAX in C, which attribute "inner.max" (at {spec}:16:9) already is: the uAPI header leaves the maximum out`}},
		{name: "Go only: foo-1 and foo1", spec: hostile("      - {name: id, type: u32}", "      - {name: foo-1, type: u32}\n      - {name: foo1, type: u32}\n      - {name: id, type: u32}"), code: 0, wrote: true,
			check: func(t *testing.T, out, _ string) {
				b, _ := os.ReadFile(filepath.Join(out, "go", "attrs.go"))
				if !bytes.Contains(b, []byte("Foo1 ")) || !bytes.Contains(b, []byte("Foo1Attr ")) {
					t.Errorf("attrs.go lacks Foo1 and Foo1Attr")
				}
			}},
		{name: "family called type", spec: hostile("name: hostile", "name: type"), code: 0, wrote: true,
			check: func(t *testing.T, out, _ string) {
				b, _ := os.ReadFile(filepath.Join(out, "go", "doc.go"))
				if !bytes.Contains(b, []byte("package familytype")) {
					t.Errorf("doc.go is not package familytype")
				}
			}},
		{name: "two specs, one directory", spec: hostile("name: hostile", "name: foo-bar"),
			setup: func(t *testing.T, root, _ string) {
				os.WriteFile(filepath.Join(root, "other.yaml"), []byte(hostile("name: hostile", "name: foo_bar")), 0o644)
			},
			args: []string{"-kmod", "{out}/k", "{root}/other.yaml"}, code: 1,
			want: []string{`{spec}:1:1: family "foo-bar" and {root}/other.yaml's family "foo_bar" would both write {out}/k/foo_bar`,
				`{root}/other.yaml:1:1: family "foo_bar" and {spec}'s family "foo-bar" would both write {out}/k/foo_bar`}},

		// 3. Bounded resources.
		{name: "alias amplification, 40 sets", spec: ampSpec(3000, 40, true), code: 1,
			want: []string{"{spec}:3010:17: alias *a expands the spec past 2 times its size: the spec holds 15979 YAML nodes"}},
		{name: "billion laughs", spec: laughs(), code: 1,
			want: []string{"alias *l"}},
		{name: "alias to itself", spec: hostile("attribute-sets:\n", "x: &c [*c]\nattribute-sets:\n"), code: 1,
			want: []string{"{spec}:7:8: alias *c refers to a node that contains it"}},
		{name: "errors capped", spec: manyErrors(1000), code: 1,
			want: []string{"{spec}:7:27: attribute \"main.a-0\": \"type\" is \"nope\"", "{spec}:107:29: 900 more errors from here on not shown (genlgen reports the first 100)"},
			check: func(t *testing.T, _, stderr string) {
				if n := strings.Count(stderr, "\n"); n != 101 {
					t.Errorf("%d lines, want 101", n)
				}
			}},
		{name: "spec too large", spec: "name: big\n#" + strings.Repeat("x", spec.MaxSpecSize), code: 1,
			want: []string{fmt.Sprintf("{spec}:1:1: the spec is %d bytes; genlgen reads specs of at most 1048576 bytes", spec.MaxSpecSize+11)}},

		// 4. The output directory.
		{name: "symlink at a generated file", spec: hostileBase, code: 1,
			args:  []string{"-kmod", "{out}/k"},
			setup: link("k/hostile-nl.c", "{root}/victim"),
			want:  []string{`genlgen: write {out}/k/hostile-nl.c: it is a symbolic link (to "{root}/victim"): genlgen writes regular files only, never through a link; remove it`},
			wrote: true},
		{name: "the output directory a link", spec: hostileBase, code: 0,
			args:  []string{"-kmod", "{out}/k"},
			setup: link("k", "{root}/victimdir"),
			// The directory the user names is theirs: a link to it is
			// followed, and the files go where it points.
			wrote: true, outside: "{root}/victimdir/",
			check: func(t *testing.T, out, _ string) {
				if _, err := os.Stat(filepath.Join(out, "k", "hostile.h")); err != nil {
					t.Errorf("not written through the user's link: %v", err)
				}
			}},
		{name: "link planted at a family's folder", spec: hostileBase, code: 1,
			setup: func(t *testing.T, root, out string) {
				os.WriteFile(filepath.Join(root, "other.yaml"), []byte(hostile("name: hostile", "name: second")), 0o644)
				link("k/hostile", "{root}/victimdir")(t, root, out)
			},
			args:  []string{"-kmod", "{out}/k", "{root}/other.yaml"},
			wrote: true,
			want:  []string{`genlgen: write {out}/k/hostile/hostile.h: it is inside {out}/k/hostile, which is a symbolic link (to "{root}/victimdir"): genlgen writes regular files only`},
			check: func(t *testing.T, out, _ string) {
				if _, err := os.Stat(filepath.Join(out, "k", "second", "second.h")); err != nil {
					t.Errorf("the other family was not written: %v", err)
				}
			}},
		{name: "check reports a link, a temporary file and a FIFO", spec: hostileBase, code: 1,
			args: []string{"-check", "-go", "{out}/go"},
			setup: func(t *testing.T, root, out string) {
				if code := run([]string{"-q", "-go", filepath.Join(out, "go"), filepath.Join(root, "spec.yaml")}, &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
					t.Fatalf("generate: exit %d", code)
				}
				link("go/attrs.go", "{root}/victim")(t, root, out)
				link("go/client.go", "doc.go")(t, root, out)
				link("go/extra.go", "/etc/passwd")(t, root, out)
				os.WriteFile(filepath.Join(out, "go", ".defs.go.genlgen-1f.tmp"), nil, 0o644)
				if err := syscall.Mkfifo(filepath.Join(out, "go", "fifo"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			wrote: true,
			want: []string{
				`{out}/go/attrs.go: is a symbolic link (to "{root}/victim"): genlgen writes regular files only`,
				`{out}/go/client.go: is a symbolic link (to "doc.go")`,
				`{out}/go/.defs.go.genlgen-1f.tmp: is a temporary file of a genlgen run that did not finish`,
				`{out}/go/extra.go: warning: is a symbolic link (to "/etc/passwd") among the generated files`,
				`{out}/go/fifo: warning: is not a regular file (p---------), in a directory of generated files`,
			}},
	}
}

// snapshot records every path under root but those under skip: its type,
// and a file's content or a link's target.
func snapshot(t *testing.T, root, skip string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if p == skip {
			return filepath.SkipDir
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			m[p] = "link " + target
		case d.Type().IsRegular():
			b, _ := os.ReadFile(p)
			m[p] = "file " + string(b)
		default:
			m[p] = d.Type().String()
		}
		return nil
	})
	return m
}

// Hostile specs and output directories: each case's exit status, its
// positioned message, and that nothing outside the output directory was
// created, changed or removed (the output directory sits three levels
// down, so that ../../../ stays inside what the test watches).
func TestHostileSpecs(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			out := filepath.Join(root, "a", "b", "c", "out")
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(root, "victim"), []byte("precious\n"), 0o644)
			os.Mkdir(filepath.Join(root, "victimdir"), 0o755)
			file := tc.file
			if file == "" {
				file = "spec.yaml"
			}
			specPath := filepath.Join(root, file)
			if err := os.WriteFile(specPath, []byte(tc.spec), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.setup != nil {
				tc.setup(t, root, out)
			}
			expand := func(s string) string {
				return strings.NewReplacer("{spec}", specPath, "{out}", out, "{root}", root).Replace(s)
			}
			args := []string{"-go", "{out}/go", "-kmod", "{out}/k"}
			if tc.args != nil {
				args = tc.args
			}
			var argv []string
			for _, a := range args {
				argv = append(argv, expand(a))
			}
			argv = append(argv, specPath)
			// Files outside out may change only in the cases where a
			// link the case planted in out points outside: never.
			before := snapshot(t, root, out)
			var stdout, stderr bytes.Buffer
			code := run(argv, &stdout, &stderr)
			shown := stderr.String()
			if len(shown) > 4000 {
				shown = shown[:4000] + "..."
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, shown)
			}
			for _, w := range tc.want {
				if w = expand(w); !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, shown)
				}
			}
			after := snapshot(t, root, out)
			for p, v := range after {
				if before[p] != v && (tc.outside == "" || !strings.HasPrefix(p, expand(tc.outside))) {
					t.Errorf("%s was created or changed outside the output directory", p)
				}
			}
			for p := range before {
				if _, ok := after[p]; !ok {
					t.Errorf("%s was removed outside the output directory", p)
				}
			}
			if !tc.wrote {
				if entries, _ := os.ReadDir(out); len(entries) > 0 {
					t.Errorf("the output directory holds %d entries after a refused spec", len(entries))
				}
			}
			if tc.check != nil {
				tc.check(t, out, stderr.String())
			}
		})
	}
}

// The symbolic link case again, with the victim checked by content: the
// write fails, the victim keeps its bytes, and -check says why.
func TestSymlinkTargetNotWrittenThrough(t *testing.T) {
	root := t.TempDir()
	victim := filepath.Join(root, "victim")
	os.WriteFile(victim, []byte("precious\n"), 0o644)
	specPath := filepath.Join(root, "spec.yaml")
	os.WriteFile(specPath, []byte(hostileBase), 0o644)
	out := filepath.Join(root, "k")
	os.Mkdir(out, 0o755)
	os.Symlink(victim, filepath.Join(out, "hostile.h"))
	if code, _, errOut := runCLI("-kmod", out, specPath); code != 1 || !strings.Contains(errOut, "hostile.h: it is a symbolic link") {
		t.Errorf("write: exit %d, stderr %q", code, errOut)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Errorf("victim = %q", b)
	}
	code, _, errOut := runCLI("-check", "-kmod", out, specPath)
	if code != 1 || !strings.Contains(errOut, out+"/hostile.h: is a symbolic link") {
		t.Errorf("-check: exit %d, stderr %q", code, errOut)
	}
}

// BenchmarkHostileSpec measures what the amplification cases cost now:
// the 104 KB spec whose 3,000-attribute list 40 sets reuse (83 s
// and 1.74 GB before, now refused at the alias limit), one set reusing
// it (let through), a spec of nearly MaxSpecSize written out without
// aliases (what the size limit bounds generation to), and one of nearly
// MaxSpecSize whose aliases double it (the worst the two limits let
// through). Each runs the CLI as a user would, writing Go and C. Time and
// allocated bytes per run are the figures; no timing is asserted.
func BenchmarkHostileSpec(b *testing.B) {
	// Attributes that fill MaxSpecSize, 3,000 to a set.
	line := len("      - {name: attr-1234, type: u32}\n")
	flatSets := spec.MaxSpecSize/(3000*line) - 1
	for _, bc := range []struct {
		name string
		spec string
		code int
	}{
		{"alias-40-sets", ampSpec(3000, 40, true), 1},
		{"alias-1-set", ampSpec(3000, 1, true), 0},
		{"flat-1MiB", ampSpec(3000, flatSets, false), 0},
		{"doubled-1MiB", doubledSpec(3000, flatSets), 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dir := b.TempDir()
			p := filepath.Join(dir, "amp.yaml")
			os.WriteFile(p, []byte(bc.spec), 0o644)
			b.SetBytes(int64(len(bc.spec)))
			b.ReportAllocs()
			for b.Loop() {
				out := filepath.Join(dir, "out")
				var stderr bytes.Buffer
				if code := run([]string{"-q", "-go", out + "/go", "-kmod", out + "/k", p}, &bytes.Buffer{}, &stderr); code != bc.code {
					b.Fatalf("exit %d, want %d: %s", code, bc.code, stderr.String())
				}
				os.RemoveAll(out)
			}
		})
	}
}
