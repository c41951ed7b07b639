package compat

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"
	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/internal/kgen"
	"github.com/genlgen/genlgen/spec"
)

// readFiles reads the named files of dir, keyed by their names.
func readFiles(t *testing.T, dir string, names ...string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		m[n] = data
	}
	return m
}

// TestScanGenerated pins what the scanner finds in the checked-in
// generated files of the example family: if the generators' output
// changes shape so that it no longer finds them, this fails rather than
// the guard going quiet.
func TestScanGenerated(t *testing.T) {
	root := filepath.Join("..", "..")
	got := Scan(readFiles(t, filepath.Join(root, "kmod"), "doc_exmpl.h", "doc_exmpl-nl.h", "doc_exmpl_main.c"))
	for k, v := range Scan(readFiles(t, filepath.Join(root, "examples", "doc_exmpl", "docexmpl"), "attrs.go", "client.go", "defs.go", "doc.go")) {
		got[k] = v
	}
	want := map[string]string{
		"doc_exmpl.h: DOC_EXMPL_FAMILY_NAME":                 `"DOC_EXMPL"`,
		"doc_exmpl.h: DOC_EXMPL_MSG_MAX_LEN":                 "256",
		"doc_exmpl.h: DOC_EXMPL_A_UNSPEC":                    "0",
		"doc_exmpl.h: DOC_EXMPL_A_MSG":                       "1",
		"doc_exmpl.h: DOC_EXMPL_A_PAD":                       "4",
		"doc_exmpl.h: DOC_EXMPL_C_ECHO":                      "1",
		"doc_exmpl.h: DOC_EXMPL_C_ECHO_NTF":                  "4",
		"doc_exmpl.h: DOC_EXMPL_MCGRP_EVENTS":                `"events"`,
		`client.go: command "echo"`:                          "1",
		`client.go: command "clear"`:                         "3",
		`client.go: notification "echo-ntf"`:                 "4",
		`attrs.go: attribute "msg" of set "doc-exmpl"`:       "1",
		`attrs.go: attribute "timestamp" of set "doc-exmpl"`: "3",
		"defs.go: const MsgMaxLen":                           "256",
		"doc.go: const FamilyName":                           `"DOC_EXMPL"`,
		"doc.go: const GroupEvents":                          `"events"`,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for _, k := range []string{"doc_exmpl.h: DOC_EXMPL_FAMILY_VERSION", "doc.go: const FamilyVersion"} {
		if _, ok := got[k]; ok {
			t.Errorf("scanned %s: a version may grow", k)
		}
	}
	for k := range got {
		if strings.HasSuffix(k, "_MAX") || strings.Contains(k, "__") || strings.HasPrefix(k, "doc_exmpl-nl.h") || strings.HasPrefix(k, "doc_exmpl_main.c") {
			t.Errorf("scanned %s: counts, max names and kernel-only files are not numbers programs hold", k)
		}
	}
}

// generate renders both backends of the spec src.
func generate(t *testing.T, name string, src []byte) map[string][]byte {
	t.Helper()
	f, err := spec.Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	add := func(fs []gen.File, err error, dir string) {
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range fs {
			files[dir+x.Path] = x.Data
		}
	}
	goFiles, err := gogen.Generate(f, gogen.Options{})
	add(goFiles, err, "go/")
	kFiles, err := kgen.Generate(f, kgen.Options{})
	add(kFiles, err, "kmod/")
	return files
}

// TestRenumberedByInsertion is the issue's own example: an operation
// inserted before the notification renumbers it, in the header and in the
// Go client, and in nothing else.
func TestRenumberedByInsertion(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "spec", "doc_exmpl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), "    -\n      name: echo-ntf\n",
		"    -\n      name: flush\n      doc: Flush.\n      attribute-set: doc-exmpl\n      do:\n        request:\n          attributes: []\n    -\n      name: echo-ntf\n", 1)
	if edited == string(src) {
		t.Fatal("edit did not apply")
	}
	old, new := Scan(generate(t, "doc_exmpl.yaml", src)), Scan(generate(t, "doc_exmpl.yaml", []byte(edited)))
	var got []string
	for _, r := range Renumbered(old, new) {
		got = append(got, r.String())
	}
	want := []string{
		"go/client.go: const DocExmplCEchoNtf: 4 is now 5",
		`go/client.go: notification "echo-ntf": 4 is now 5`,
		"kmod/doc_exmpl.h: DOC_EXMPL_C_ECHO_NTF: 4 is now 5",
	}
	if !slices.Equal(got, want) {
		t.Errorf("renumbered:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r := Renumbered(old, old); len(r) != 0 {
		t.Errorf("a scan compared with itself: %v", r)
	}
}

// TestRenumberedOtherFamily checks that another family's Go client in the
// same directory is not compared.
func TestRenumberedOtherFamily(t *testing.T) {
	old := Numbers{"doc.go: const FamilyName": `"a"`, "defs.go: const X": "1"}
	new := Numbers{"doc.go: const FamilyName": `"b"`, "defs.go: const X": "2"}
	if r := Renumbered(old, new); r != nil {
		t.Errorf("compared two families: %v", r)
	}
}

// TestScanCorpusHeaders runs the scanner over every genetlink spec of the
// 7.3 corpus, generated: each scan must find the attributes, and a
// regeneration of the same spec must renumber nothing.
func TestScanCorpusHeaders(t *testing.T) {
	for _, name := range corpus.K73.GenetlinkSpecs(t) {
		src, err := os.ReadFile(corpus.K73.Spec(t, name))
		if err != nil {
			t.Fatal(err)
		}
		files := generate(t, name+".yaml", src)
		n := Scan(files)
		var header, goAttrs int
		for k := range n {
			switch {
			case strings.HasPrefix(k, "kmod/"):
				header++
			case strings.Contains(k, ": attribute "):
				goAttrs++
			}
		}
		if header == 0 || goAttrs == 0 {
			t.Errorf("%s: %d header numbers, %d Go attribute numbers", name, header, goAttrs)
		}
		if r := Renumbered(n, Scan(files)); len(r) != 0 {
			t.Errorf("%s: %v", name, r)
		}
	}
}

// TestScanNotificationForms reads both shapes genlgen's templates have
// given decodeNotification, so a directory written by an older genlgen
// compares with what a newer one writes.
func TestScanNotificationForms(t *testing.T) {
	const head = "// Code generated by genlgen. DO NOT EDIT.\n\npackage x\n\n"
	older := head + `func decodeNotification(m runtime.Message, reuse bool) (Notification, error) {
	ntf := Notification{Cmd: m.Cmd}
	switch m.Cmd {
	case 4:
		if err := v.decode(m.Payload, dc); err != nil {
			return ntf, fmt.Errorf("genlgen: %s: %w", "echo-ntf", err)
		}
		ntf.Op, ntf.Value = "echo-ntf", v
	}
	return ntf, nil
}
`
	newer := head + `func decodeNotification(m runtime.Message, reuse bool) (Notification, error) {
	switch m.Cmd {
	case 5:
		if err := v.decode(m.Payload, dc); err != nil {
			return nil, fmt.Errorf("genlgen: %s: %w", "echo-ntf", err)
		}
		return EchoNtf{v}, nil
	}
	return UnknownNotification{Cmd: m.Cmd}, nil
}
`
	got := Renumbered(Scan(map[string][]byte{"client.go": []byte(older)}), Scan(map[string][]byte{"client.go": []byte(newer)}))
	if len(got) != 1 || got[0].String() != `client.go: notification "echo-ntf": 4 is now 5` {
		t.Errorf("renumbered: %v", got)
	}
}
