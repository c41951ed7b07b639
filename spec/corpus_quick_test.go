package spec

import (
	"path/filepath"
	"testing"
)

func TestQuickCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../shared/ynl-6.12/specs/*.yaml")
	for _, f := range files {
		fam, err := Load(f)
		if err != nil {
			t.Logf("%s: %v", filepath.Base(f), err)
			continue
		}
		t.Logf("%s: ok, %d sets, %d ops, %d warnings", filepath.Base(f), len(fam.AttrSets), len(fam.Ops.List), len(fam.Warnings))
	}
}

func TestQuickDoc(t *testing.T) {
	fam, err := Load("doc_exmpl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range fam.AttrSets {
		for _, a := range s.Attrs {
			t.Logf("%s %d %s %s %+v", a.CName, a.Value, a.GoName, a.Type, a.Checks.MaxLen)
		}
	}
	for _, op := range fam.Ops.List {
		t.Logf("%s %d %s async=%v resv=%v", op.CName, op.Value, op.GoName, op.IsAsync(), op.IsReserved())
	}
	t.Log(fam.CFamilyNameDefine, fam.CVersionDefine, fam.GoPackage, fam.Warnings)
}
