package fuzzdecode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/runtime"
)

// value is what every generated attribute-set type implements.
type value interface {
	Decode(b []byte) error
	Encode(e *runtime.Encoder)
}

// family lists one generated package's attribute-set types, as typed nil
// pointers, and where its source lives (for the completeness test).
type family struct {
	dir   string
	types []value
}

// newOf returns a fresh zero value of proto's type.
func newOf(proto value) value {
	return reflect.New(reflect.TypeOf(proto).Elem()).Interface().(value)
}

// maxAttrBytes bounds how many bytes decoding one attribute may allocate
// in fam: the biggest struct of the package (a nest allocates one),
// tripled for the growth of the slice it may be appended to, plus slack
// for small values. Headers are 4 bytes, so an input of n bytes holds at
// most n/4 attributes and its decode may allocate (n/4+1)*maxAttrBytes
// plus a copy of the payloads: linear in the input, whatever its length
// fields say.
func (fam *family) maxAttrBytes() int {
	biggest := 0
	seen := map[reflect.Type]bool{}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		biggest = max(biggest, int(t.Size()))
		for i := range t.NumField() {
			visit(t.Field(i).Type)
		}
	}
	for _, p := range fam.types {
		visit(reflect.TypeOf(p))
	}
	return 3*biggest + 64
}

// fuzz runs fam's target: the first byte picks the type.
func (fam *family) fuzz(f *testing.F) {
	for i, p := range fam.types {
		for _, seed := range seeds(p) {
			f.Add(append([]byte{byte(i)}, seed...))
		}
	}
	perAttr := fam.maxAttrBytes()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		proto := fam.types[int(data[0])%len(fam.types)]
		check(t, proto, data[1:], perAttr)
	})
}

// check decodes b as proto's type and checks the properties above.
func check(t *testing.T, proto value, b []byte, perAttr int) {
	name := reflect.TypeOf(proto).Elem().String()
	limit := (len(b)/4+1)*perAttr + 2*len(b)
	var v value
	var err error
	// The fuzzing engine's own goroutines allocate now and then, which
	// the process-wide counter sees too: only a decode that exceeds the
	// limit three times running fails.
	for try := 0; ; try++ {
		v = newOf(proto)
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		err = v.Decode(b)
		goruntime.ReadMemStats(&after)
		alloc := int(after.TotalAlloc - before.TotalAlloc)
		if alloc <= limit {
			break
		}
		if try == 2 {
			t.Fatalf("%s: decoding %d bytes allocated %d bytes (limit %d)", name, len(b), alloc, limit)
		}
	}
	if err != nil {
		return
	}
	enc, err := encode(v)
	if err != nil {
		// Re-encoding only grows the input by terminating NULs and
		// padding; it cannot overflow a nest's 16-bit length unless the
		// input nearly did.
		if len(b) < 0xffff-0x1000 {
			t.Fatalf("%s: re-encoding a decoded value: %v", name, err)
		}
		return
	}
	w := newOf(proto)
	if err := w.Decode(enc); err != nil {
		t.Fatalf("%s: decoding the re-encoded value: %v\nencoded: %x", name, err, enc)
	}
	if !reflect.DeepEqual(v, w) {
		t.Fatalf("%s: round trip changed the value\n first: %s\nsecond: %s\nencoded: %x", name, show(v), show(w), enc)
	}
	again, err := encode(w)
	if err != nil || !bytes.Equal(again, enc) {
		t.Fatalf("%s: encoding is not canonical (err %v)\n first: %x\nsecond: %x", name, err, enc, again)
	}
}

func encode(v value) ([]byte, error) {
	var e runtime.Encoder
	v.Encode(&e)
	if err := e.Err(); err != nil {
		return nil, err
	}
	return slices.Clone(e.Bytes()), nil
}

// show renders a decoded value for a failure message, Unknown included.
func show(v value) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return fmt.Sprintf("%s (unknown: %s)", b, unknowns(reflect.ValueOf(v)))
}

// unknowns lists the Unknown fields of v and the structs it holds.
func unknowns(v reflect.Value) string {
	var out []string
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.Struct {
				for i := range v.Len() {
					walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
				}
			}
		case reflect.Struct:
			for i := range v.NumField() {
				fv, ft := v.Field(i), v.Type().Field(i)
				if ft.Name == "Unknown" && fv.Len() > 0 {
					out = append(out, fmt.Sprintf("%s%v", path, fv.Interface()))
				} else if ft.IsExported() {
					walk(fv, path+"."+ft.Name)
				}
			}
		}
	}
	walk(v, "")
	return fmt.Sprint(out)
}

// seeds returns encodings of values of proto's type: empty, and filled
// (every field set, slices with two elements, nests three deep) with two
// pseudo-random fillings, so the fuzzer starts from every attribute of
// every type.
func seeds(proto value) [][]byte {
	out := [][]byte{nil}
	for i := range 2 {
		r := rand.New(rand.NewPCG(uint64(i), 1))
		v := newOf(proto)
		fill(reflect.ValueOf(v).Elem(), r, 3)
		if b, err := encode(v); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// fill sets every exported field of the struct v, recursing depth levels
// into nested structs.
func fill(v reflect.Value, r *rand.Rand, depth int) {
	switch v.Kind() {
	case reflect.Struct:
		if depth == 0 {
			return
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() && f.Name != "Unknown" {
				fill(v.Field(i), r, depth-1)
			}
		}
	case reflect.Pointer:
		if v.Type().Elem().Kind() == reflect.Struct && depth == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), r, depth)
		v.Set(p)
	case reflect.Slice:
		n := 2
		if v.Type().Elem().Kind() == reflect.Struct && depth == 0 {
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			n = 1 + r.IntN(12)
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(s.Index(i), r, depth)
		}
		v.Set(s)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", r.IntN(1000)))
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.Uint64() >> (64 - v.Type().Bits()))
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(r.Uint64() >> (64 - v.Type().Bits() + 1)))
	}
}

// testComplete fails unless fam lists every type of its package that has
// a Decode method, so a regenerated package cannot gain an unfuzzed type.
func testComplete(t *testing.T, fam *family) {
	listed := map[string]bool{}
	for _, p := range fam.types {
		listed[reflect.TypeOf(p).Elem().Name()] = true
	}
	files, err := filepath.Glob(filepath.Join(fam.dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no Go files (%v)", fam.dir, err)
	}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "Decode" {
				continue
			}
			star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			if id, ok := star.X.(*ast.Ident); ok && !listed[id.Name] {
				t.Errorf("%s: type %s has a Decode method but is not fuzzed", path, id.Name)
			}
		}
	}
}
