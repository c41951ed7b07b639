package vm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTree writes a modules directory whose modules.dep says a needs b and
// c, and b needs c.
func fakeTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"modules.dep": "kernel/net/a-mod.ko: kernel/net/b.ko kernel/lib/c.ko\n" +
			"kernel/net/b.ko: kernel/lib/c.ko\n" +
			"kernel/lib/c.ko:\n",
		"modules.builtin":     "kernel/net/core/builtin_one.ko\n",
		"kernel/net/a-mod.ko": "A",
		"kernel/net/b.ko":     "B",
		"kernel/lib/c.ko":     "C",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestResolveTreeModules(t *testing.T) {
	dir := fakeTree(t)
	mods, err := resolveModules([]string{"a-mod", "builtin-one", "b"}, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range mods {
		names = append(names, m.name+"="+string(m.data))
		if m.outOfTree {
			t.Errorf("%s marked out-of-tree", m.name)
		}
	}
	if got, want := strings.Join(names, " "), "c=C b=B a_mod=A"; got != want {
		t.Errorf("load order %q, want %q", got, want)
	}
	if _, err := resolveModules([]string{"nope"}, "", dir); err == nil {
		t.Error("unknown module resolved")
	}
}

func TestIsModulePath(t *testing.T) {
	for s, want := range map[string]bool{
		"fou":               false,
		"kmod/doc_exmpl.ko": true,
		"hello.ko":          true,
		"x/fou.ko.xz":       true,
		"openvswitch":       false,
	} {
		if got := isModulePath(s); got != want {
			t.Errorf("isModulePath(%q) = %v", s, got)
		}
	}
	if got := canonical("kernel/net/ipv4/ip-tunnel.ko.xz"); got != "ip_tunnel" {
		t.Errorf("canonical = %q", got)
	}
}

func TestInitScript(t *testing.T) {
	mods := []module{{name: "c", src: "/lib/c.ko"}, {name: "hello", src: "h/hello.ko", outOfTree: true}}
	s := initScript(mods, []guestTest{{name: "smoke.test", args: []string{"-test.v", "-x=it's"}}}, false)
	for _, want := range []string{
		"insmod /e2e/modules/c.ko ||",
		"insmod /e2e/modules/hello.ko ||",
		`'/e2e/bin/smoke.test' '-test.v' '-x=it'\''s'`,
		"rmmod hello",
		"echo GENLGEN-E2E-EXIT=$status",
		"poweroff -f",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("init script lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "rmmod c ") {
		t.Error("init script unloads a tree module")
	}
	if strings.Index(s, "insmod /e2e/modules/c.ko") > strings.Index(s, "insmod /e2e/modules/hello.ko") {
		t.Error("modules loaded out of order")
	}
}
