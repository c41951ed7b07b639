package spec

import (
	"errors"
	"github.com/genlgen/genlgen/internal/corpus"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary bytes to the loader. Properties: it never
// panics; it either returns a model or an ErrorList whose every entry has a
// position and a message; a returned model is fully resolved.
func FuzzParse(f *testing.F) {
	seeds := []string{"doc_exmpl.yaml"}
	if dir, err := corpus.Dir(); err == nil {
		seeds = append(seeds, filepath.Join(dir, "netdev.yaml"), filepath.Join(dir, "nlctrl.yaml"))
	}
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(base))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fam *Family
		var err error
		done := make(chan struct{})
		go func() { fam, err = Parse("fuzz.yaml", data); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			os.WriteFile(os.TempDir()+"/genlgen-hang.yaml", data, 0o644)
			panic("Parse hung")
		}
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty ErrorList", err, err)
			}
			for _, d := range list {
				if d.Msg == "" || d.Pos.File != "fuzz.yaml" || d.Pos.Line < 1 {
					t.Fatalf("diagnostic without message or position: %+v", d)
				}
			}
			return
		}
		for _, s := range fam.AttrSets {
			for _, a := range s.Attrs {
				if a.Set != s || a.CName == "" || a.GoName == "" {
					t.Fatalf("attribute %q not resolved", a.Name)
				}
				if a.Type == TypeNest && a.Nested == nil {
					t.Fatalf("nest %q without nested set", a.Name)
				}
			}
		}
		for _, op := range fam.Ops.List {
			if op.CName == "" || op.GoName == "" {
				t.Fatalf("op %q not named", op.Name)
			}
			if (op.Do != nil || op.Dump != nil) && op.AttrSet == nil {
				t.Fatalf("op %q has modes but no set", op.Name)
			}
		}
	})
}
