package spec

import (
	"bufio"
	"fmt"
	"github.com/genlgen/genlgen/internal/corpus"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// minShared is how many of the model's constants a header must declare
// for the comparison to count (so a renamed prefix cannot pass vacuously).
var minShared = map[string]int{"netdev": 40, "ethtool": 300, "devlink": 150, "nlctrl": 25}

// modelConstants lists every C constant the model names, with its value.
func modelConstants(f *Family) map[string]int64 {
	c := map[string]int64{}
	for _, d := range f.Definitions {
		if d.Header != "" {
			continue
		}
		switch {
		case d.Kind == DefConst && !d.IsString:
			c[d.CName] = d.Value
		case d.IsEnumLike():
			for _, e := range d.Entries {
				c[e.CName] = int64(e.UserValue)
			}
		}
	}
	// Several root sets may share a prefix (devlink's stats sets reuse
	// DEVLINK_ATTR_); their MAX names are ambiguous and left out.
	maxOwners := map[string]int{}
	for _, s := range f.AttrSets {
		if s.SubsetOf == nil {
			maxOwners[s.MaxName]++
		}
	}
	for _, s := range f.AttrSets {
		if s.SubsetOf != nil {
			continue
		}
		for _, a := range s.Attrs {
			c[a.CName] = int64(a.Value)
		}
		switch {
		case maxOwners[s.MaxName] != 1:
		case len(s.Attrs) == 0:
			c[s.MaxName], c[s.CntName] = -1, 0
		default:
			c[s.MaxName] = int64(s.MaxValue)
			c[s.CntName] = int64(s.MaxValue) + 1
		}
	}
	for _, op := range f.Ops.List {
		switch {
		case !f.Ops.Directional():
			c[op.CName] = int64(op.Value)
		case op.IsAsync():
			c[op.CName] = int64(op.ReplyValue)
		default:
			c[op.CName] = int64(op.RequestValue)
			if op.ReplyCName != "" {
				c[op.ReplyCName] = int64(op.ReplyValue)
			}
		}
	}
	return c
}

var identRE = regexp.MustCompile(`\b[A-Z_][A-Z0-9_]*\b`)

// TestConstantsMatchKernelHeaders compiles a C program printing every
// constant that both the model and the kernel's header name, and checks
// the values agree.
func TestConstantsMatchKernelHeaders(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	for _, r := range corpus.Releases {
		t.Run(r.Name, func(t *testing.T) { constantsMatch(t, r) })
	}
}

func constantsMatch(t *testing.T, r *corpus.Release) {
	uapi := r.UAPIDir(t)
	names := make([]string, 0, len(r.KernelHeaders))
	for n := range r.KernelHeaders {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			f, err := Load(r.Spec(t, name))
			if err != nil {
				t.Fatal(err)
			}
			declared := map[string]bool{}
			for _, h := range r.KernelHeaders[name] {
				text, err := os.ReadFile(filepath.Join(uapi, h))
				if err != nil {
					t.Fatal(err)
				}
				for _, id := range identRE.FindAllString(string(text), -1) {
					declared[id] = true
				}
			}
			want := modelConstants(f)
			var shared []string
			for c := range want {
				if declared[c] {
					shared = append(shared, c)
				}
			}
			sort.Strings(shared)
			got := printConstants(t, uapi, r.KernelHeaders[name], shared)
			for _, c := range shared {
				if why, known := r.SpecDifferences[c]; known {
					if got[c] == want[c] {
						t.Errorf("%s: listed as a known difference (%s) but now equal: update the list", c, why)
					}
					continue
				}
				if got[c] != want[c] {
					t.Errorf("%s: kernel header says %d, model says %d", c, got[c], want[c])
				}
			}
			t.Logf("%s: %d of the model's %d constants are in the kernel header, equal but for known spec differences", name, len(shared), len(want))
			if len(shared) < minShared[name] {
				t.Errorf("only %d shared constants, want at least %d", len(shared), minShared[name])
			}
		})
	}
}

func printConstants(t *testing.T, uapi string, headers, names []string) map[string]int64 {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	// Only the family headers come from the release's tree (copied into an
	// include folder searched first); the rest is the system's
	// installed uAPI, as headers_install would leave it, and what that
	// lacks the release's tree (7.3's ethtool.h needs linux/typelimits.h).
	for _, h := range headers {
		data, err := os.ReadFile(filepath.Join(uapi, h))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "include", h)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b.WriteString("#include <stdio.h>\n#include <linux/types.h>\n")
	for _, h := range headers {
		fmt.Fprintf(&b, "#include <%s>\n", h)
	}
	b.WriteString("int main(void)\n{\n")
	for _, n := range names {
		fmt.Fprintf(&b, "\tprintf(\"%%s %%lld\\n\", \"%s\", (long long)(%s));\n", n, n)
	}
	b.WriteString("\treturn 0;\n}\n")
	src := filepath.Join(dir, "consts.c")
	if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "consts")
	if out, err := exec.Command("gcc", "-o", bin, "-I", filepath.Join(dir, "include"), "-idirafter", uapi, src).CombinedOutput(); err != nil {
		t.Fatalf("compile: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		name, val, _ := strings.Cut(sc.Text(), " ")
		v, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		got[name] = v
	}
	return got
}
