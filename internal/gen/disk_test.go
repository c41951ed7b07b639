package gen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteRefusesPathsOutsideDir(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"../x.h", "/etc/x.h", "a/../../x.h", "", ".", "a//b"} {
		_, err := Write(filepath.Join(dir, "out"), []File{{Path: p, Data: []byte("x")}}, WriteOptions{})
		if err == nil || !strings.Contains(err.Error(), "not a path inside the output directory") {
			t.Errorf("Write(%q) = %v, want a refusal", p, err)
		}
	}
	if _, err := Write(dir, []File{{Path: "a.h"}, {Path: "a.h"}}, WriteOptions{}); err == nil {
		t.Error("Write of one path twice: no error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused writes left %d entries", len(entries))
	}
}

// A symbolic link where a file goes, or on the way to it, is an error and
// is not followed; its target keeps its bytes.
func TestWriteRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	out := filepath.Join(dir, "out")
	os.MkdirAll(filepath.Join(out, "sub"), 0o755)
	os.Symlink(victim, filepath.Join(out, "a.h"))
	os.Symlink(dir, filepath.Join(out, "d"))
	for _, f := range []File{{Path: "a.h", Data: []byte("x")}, {Path: "d/victim", Data: []byte("x")}} {
		if _, err := Write(out, []File{f}, WriteOptions{}); err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("Write(%s) = %v, want the link refused", f.Path, err)
		}
		p, err := Check(out, []File{f})
		if err != nil || len(p) == 0 || !strings.Contains(p[0].Reason, "symbolic link") || p[0].Warning {
			t.Errorf("Check(%s) = %+v, %v, want the link reported", f.Path, p, err)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("victim = %q", b)
	}
}

// Write replaces a file by a rename (a new inode), keeps its permissions,
// and leaves no temporary file.
func TestWriteAtomicKeepsMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.c")
	os.WriteFile(p, []byte("old"), 0o600)
	old, _ := os.Stat(p)
	if _, err := Write(dir, []File{{Path: "x.c", Data: []byte("new")}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("content %q", b)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", fi.Mode())
	}
	if os.SameFile(old, fi) {
		t.Error("the file was rewritten in place, not replaced")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want x.c only", len(entries))
	}
}

func TestCheckReportsExtras(t *testing.T) {
	dir := t.TempDir()
	files := []File{{Path: "x.c", Data: []byte("x")}}
	if _, err := Write(dir, files, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "user.c"), []byte("mine"), 0o644)
	if p, err := Check(dir, files); err != nil || len(p) != 0 {
		t.Fatalf("Check with a user's file beside = %+v, %v; want nothing", p, err)
	}
	os.WriteFile(filepath.Join(dir, ".x.c.genlgen-abc.tmp"), nil, 0o644)
	os.Symlink("/etc/passwd", filepath.Join(dir, "l"))
	p, err := Check(dir, files)
	if err != nil || len(p) != 2 {
		t.Fatalf("Check = %+v, %v; want 2 problems", p, err)
	}
	if !strings.Contains(p[0].Reason, "temporary file") || p[0].Warning {
		t.Errorf("temporary file: %+v", p[0])
	}
	if !strings.Contains(p[1].Reason, "symbolic link") || !p[1].Warning {
		t.Errorf("link: %+v", p[1])
	}
}
