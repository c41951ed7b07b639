package gogen_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"
	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/spec"
)

// TestCorpusRequestsLoseNothing checks, for every op of every corpus spec
// and every field of its request struct, that a set field is either sent
// (it is among the op's request attributes) or fails the encoding with
// runtime.ErrNotInRequest naming it. It writes a test into each generated
// package (the encoders are unexported) with the expectations taken from
// the spec, and runs them.
func TestCorpusRequestsLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests every corpus spec's package")
	}
	forEachRelease(t, func(t *testing.T, r *corpus.Release) {
		dir := tempModule(t)
		cases := 0
		for _, f := range corpusSpecs(t, r) {
			files, err := gogen.Generate(f, gogen.Options{})
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			pkg := filepath.Join(dir, f.GoPackage)
			if _, err := gen.Write(pkg, files, gen.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			src, n := unsentTest(f)
			cases += n
			if err := os.WriteFile(filepath.Join(pkg, "unsent_test.go"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		goCmd(t, dir, "test", "-count=1", "./...")
		t.Logf("corpus %s: %d (op, field) cases, each sent or refused naming the field", r.Name, cases)
	})
}

// unsentTest is the test file for f's package, and how many cases it
// checks.
func unsentTest(f *spec.Family) (string, int) {
	var b strings.Builder
	n := 0
	fmt.Fprintf(&b, "package %s\n\nimport (\n\t\"errors\"\n\t\"reflect\"\n\t\"strings\"\n\t\"testing\"\n\n\t\"github.com/genlgen/genlgen/runtime\"\n)\n\n", f.GoPackage)
	b.WriteString("func TestRequestsLoseNothing(t *testing.T) {\n")
	for _, op := range f.Ops.List {
		for _, m := range []struct {
			mode *spec.OpMode
			kind string
		}{{op.Do, "Do"}, {op.Dump, "Dump"}} {
			if m.mode == nil || m.mode.Request == nil || len(m.mode.Request.Attrs) == 0 || op.AttrSet == nil {
				continue
			}
			sent := map[string]bool{}
			for _, a := range m.mode.Request.Attrs {
				sent[a.Name] = true
			}
			only := "nil"
			if len(m.mode.Request.Attrs) < gogen.CountSent(op.AttrSet) {
				only = "req" + op.GoName + m.kind
			}
			for _, a := range op.AttrSet.Attrs {
				if a.Type == spec.TypePad || a.Type == spec.TypeUnused {
					continue
				}
				fmt.Fprintf(&b, "\tcheckUnsent(t, %q, func() any { return &%s{} }, %q, %s, %v)\n",
					op.Name+" "+m.kind, op.AttrSet.GoName, a.GoName, only, sent[a.Name])
				n++
			}
		}
	}
	b.WriteString("}\n")
	b.WriteString(`
// checkUnsent sets field of a new request struct and encodes it as the
// op does (only): it must succeed when the op sends the field, and fail
// naming it otherwise.
func checkUnsent(t *testing.T, what string, mk func() any, field string, only []bool, sent bool) {
	t.Helper()
	v := mk()
	setSome(reflect.ValueOf(v).Elem().FieldByName(field))
	var e runtime.Encoder
	type encoder interface{ encodeOnly(*runtime.Encoder, []bool) }
	v.(encoder).encodeOnly(&e, only)
	err := e.Err()
	switch {
	case sent && errors.Is(err, runtime.ErrNotInRequest):
		// (A zero value may fail to encode for its own reasons: a zero
		// netip.Addr is no address.)
		t.Errorf("%s: %s is sent, but encoding refused it: %v", what, field, err)
	case !sent && !errors.Is(err, runtime.ErrNotInRequest):
		t.Errorf("%s: %s is not in the request, but encoding gave %v", what, field, err)
	case !sent && !strings.Contains(err.Error(), field):
		t.Errorf("%s: the error does not name %s: %v", what, field, err)
	}
}

// setSome gives v a present value: an Opt's Present, one element of a
// slice, a new pointer, true.
func setSome(v reflect.Value) {
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Struct:
		if p := v.FieldByName("Present"); p.IsValid() {
			p.SetBool(true)
		}
	}
}
`)
	return b.String(), n
}
