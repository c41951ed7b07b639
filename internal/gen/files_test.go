package gen

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteKeepsUserOwnedAndCheckFindsDrift(t *testing.T) {
	dir := t.TempDir()
	files := []File{
		{Path: "a/gen.c", Data: []byte("generated\n")},
		{Path: "a/user.c", Data: []byte("stub\n"), UserOwned: true},
	}
	if _, err := Write(dir, files, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a/user.c"), []byte("my handler\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Write(dir, files, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Written) != 0 {
		t.Errorf("second write rewrote %v, want nothing", r.Written)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a/user.c")); string(b) != "my handler\n" {
		t.Errorf("user-owned file overwritten: %q", b)
	}
	if p, err := Check(dir, files); err != nil || len(p) != 0 {
		t.Errorf("Check on fresh output = %v, %v; want no problems", p, err)
	}
	os.WriteFile(filepath.Join(dir, "a/gen.c"), []byte("edited\n"), 0o644)
	os.Remove(filepath.Join(dir, "a/user.c"))
	p, err := Check(dir, files)
	if err != nil || len(p) != 2 {
		t.Fatalf("Check = %v, %v; want 2 problems", p, err)
	}
	if _, err := Write(dir, files, WriteOptions{ForceUserOwned: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a/user.c")); string(b) != "stub\n" {
		t.Errorf("forced write did not restore the stub: %q", b)
	}
}
