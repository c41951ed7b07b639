package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"
	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/internal/kgen"
	"github.com/genlgen/genlgen/spec"
)

// kbuildLineRE is every line a generated Kbuild may hold: a comment, a
// blank, the module and its objects. A spec name that reached the Kbuild
// unchecked would add another.
var kbuildLineRE = regexp.MustCompile(`^(#.*|obj-m \+= [a-z_][a-z0-9_-]*\.o|[a-z_][a-z0-9_-]*-y := [a-z0-9_ .-]+|)$`)

// nameSlots are the places of hostileBase where FuzzGenerate puts its
// name: every kind of name a spec gives, and a doc.
var nameSlots = []struct{ old, new string }{
	{"name: hostile", "name: NAME"},
	{"{name: id, type: u32}", "{name: NAME, type: u32}\n      - {name: id, type: u32}"},
	{"entries: [red, green]", "entries: [red, NAME]"},
	{"    - name: events", "    - name: NAME"},
	{"  - name: inner\n", "  - name: inner\n    name-prefix: NAME\n"},
	{"  - name: inner\n", "  - name: inner\n    enum-name: NAME\n"},
	{"    - name: events", "    - name: events\n      c-define-name: NAME"},
	{"doc: A family under attack.", "doc: NAME\nuapi-header: NAME"},
	{"      doc: Get.", "      doc: NAME"},
	{"    - name: get\n", "    - {name: NAME, doc: X., attribute-set: main, do: {request: {attributes: [id]}}}\n    - name: get\n"},
}

// FuzzGenerate feeds specs through the whole generator: load, Go client,
// kernel module, write. It takes a spec, and a name that it also puts in
// one of the nameSlots of hostileBase (slot, as a YAML double-quoted
// string), since a random spec rarely survives the YAML parser with a
// hostile name in it. Properties, for each spec: nothing panics; a spec
// that loads generates (an error there is a generator bug); every
// generated path is one file name; the files are written inside their
// directory and nothing else appears beside it; the generated Go parses;
// the Kbuild holds only its own lines. Seeds: testdata/fuzz/FuzzGenerate
// (checked in), doc_exmpl, a few kernel specs and the hostile cases.
// Each execution generates, so make fuzz-smoke runs it 5,000 times, not
// 50,000 (scripts/fuzz.sh):
// fuzz-smoke: 5000x
func FuzzGenerate(f *testing.F) {
	seeds := []string{"../../spec/doc_exmpl.yaml"}
	if dir, err := corpus.Dir(); err == nil {
		for _, name := range []string{"nlctrl", "netdev", "wireguard", "tcp_metrics"} {
			seeds = append(seeds, filepath.Join(dir, name+".yaml"))
		}
	}
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data, "foo-bar", uint8(1))
		}
	}
	for _, c := range hostileCases() {
		if len(c.spec) < 64<<10 {
			f.Add([]byte(c.spec), "foo_bar", uint8(len(c.name)))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, name string, slot uint8) {
		generate(t, data)
		s := nameSlots[int(slot)%len(nameSlots)]
		generate(t, []byte(strings.Replace(hostileBase, s.old, strings.ReplaceAll(s.new, "NAME", strconv.Quote(name)), 1)))
	})
}

// generate checks FuzzGenerate's properties for one spec.
func generate(t *testing.T, data []byte) {
	t.Helper()
	fam, err := spec.Parse("fuzz.yaml", data)
	if err != nil {
		return
	}
	goFiles, err := gogen.Generate(fam, gogen.Options{})
	if err != nil {
		t.Fatalf("gogen: a spec that loads does not generate: %v", err)
	}
	kFiles, err := kgen.Generate(fam, kgen.Options{})
	if err != nil {
		t.Fatalf("kgen: a spec that loads does not generate: %v", err)
	}
	for _, file := range goFiles {
		if _, err := parser.ParseFile(token.NewFileSet(), file.Path, file.Data, parser.ParseComments); err != nil {
			t.Fatalf("generated %s does not parse: %v", file.Path, err)
		}
	}
	for _, file := range kFiles {
		if file.Path != "Kbuild" {
			continue
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(file.Data), "\n"), "\n") {
			if !kbuildLineRE.MatchString(line) {
				t.Fatalf("Kbuild line %q", line)
			}
		}
	}
	root := t.TempDir()
	want := map[string]bool{}
	for _, set := range []struct {
		dir   string
		files []gen.File
	}{{"go", goFiles}, {"k", kFiles}} {
		for _, file := range set.files {
			if file.Path != filepath.Base(file.Path) || !filepath.IsLocal(file.Path) {
				t.Fatalf("generated path %q is not a file name", file.Path)
			}
			want[filepath.Join(root, "out", set.dir, file.Path)] = true
		}
		if _, err := gen.Write(filepath.Join(root, "out", set.dir), set.files, gen.WriteOptions{}); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if !want[p] {
			t.Errorf("%s written, which is not a generated file", p)
		}
		delete(want, p)
		return nil
	})
	for p := range want {
		t.Errorf("%s not written", p)
	}
}
