package kgen

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

// stubHeader lets the raw (not headers_install-ed) uAPI tree compile in
// user space.
const stubHeader = "#define __user\n#define __force\n#define __iomem\n#define __bitwise\n"

// cflags are the flags compiling against the raw uAPI tree.
func cflags(t *testing.T, r *corpus.Release) []string {
	t.Helper()
	stub := filepath.Join(t.TempDir(), "stub")
	if err := os.MkdirAll(filepath.Join(stub, "linux"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stub, "linux", "compiler_types.h"), []byte(stubHeader), 0o644); err != nil {
		t.Fatal(err)
	}
	// -include as well: 7.3's linux/stddef.h no longer includes
	// linux/compiler_types.h, which its byteorder headers still need.
	return []string{"-D__EXPORTED_HEADERS__", "-include", filepath.Join(stub, "linux", "compiler_types.h"), "-I", stub, "-I", r.UAPIDir(t)}
}

var (
	lineMarkRE = regexp.MustCompile(`^# \d+ "([^"]+)"`)
	defineRE   = regexp.MustCompile(`^#define ([A-Za-z_][A-Za-z0-9_]*)(?:\s+(.*))?$`)
	enumRE     = regexp.MustCompile(`enum\s*[A-Za-z0-9_]*\s*\{([^}]*)\}`)
	identRE    = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)`)
)

// declared lists the constants (enum entries and object-like #defines
// with a value) that the files whose path ends in one of owners declare
// when include is compiled. Strings maps string #defines to their text.
func declared(t *testing.T, include string, owners []string, flags []string) (names []string, strs map[string]string) {
	t.Helper()
	args := append([]string{"-E", "-dD", "-x", "c", "-"}, flags...)
	cmd := exec.Command("gcc", args...)
	cmd.Stdin = strings.NewReader(include + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("preprocess %s: %v\n%s", include, err, out)
	}
	owned := func(file string) bool {
		for _, o := range owners {
			if strings.HasSuffix(file, "/"+o) || file == o {
				return true
			}
		}
		return false
	}
	strs = map[string]string{}
	seen := map[string]bool{}
	var code strings.Builder
	cur := ""
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := lineMarkRE.FindStringSubmatch(line); m != nil {
			cur = m[1]
			continue
		}
		if !owned(cur) {
			continue
		}
		if m := defineRE.FindStringSubmatch(line); m != nil {
			val := strings.TrimSpace(m[2])
			// A lower-case name aliases a struct member or an enum
			// tag (mptcp.h's mptcpi_extra_subflows), not a constant.
			if val == "" || seen[m[1]] || strings.ToUpper(m[1]) != m[1] {
				continue
			}
			seen[m[1]] = true
			if strings.HasPrefix(val, `"`) {
				strs[m[1]] = val
				continue
			}
			names = append(names, m[1])
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		code.WriteString(line + "\n")
	}
	for _, m := range enumRE.FindAllStringSubmatch(code.String(), -1) {
		for _, entry := range strings.Split(m[1], ",") {
			if id := identRE.FindStringSubmatch(entry); id != nil && !seen[id[1]] {
				seen[id[1]] = true
				names = append(names, id[1])
			}
		}
	}
	return names, strs
}

// values compiles and runs a program printing each name's value; names
// that are not integer constants (types, function-like uses) are dropped.
func values(t *testing.T, include string, names []string, flags []string) map[string]int64 {
	t.Helper()
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "p.c"), filepath.Join(dir, "p")
	live := append([]string(nil), names...)
	for attempt := 0; attempt < 20; attempt++ {
		var b strings.Builder
		// Static initializers: a name that is not an integer constant
		// expression fails on its own line.
		b.WriteString("#include <stdio.h>\n" + include + "\n")
		first := 3 + strings.Count(include, "\n")
		for i, n := range live {
			fmt.Fprintf(&b, "static const long long v%d = (long long)(%s);\n", i, n)
		}
		b.WriteString("int main(void)\n{\n")
		for i, n := range live {
			fmt.Fprintf(&b, "\tprintf(\"%%s %%lld\\n\", \"%s\", v%d);\n", n, i)
		}
		b.WriteString("\treturn 0;\n}\n")
		if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"-w", "-o", bin, src}, flags...)
		out, err := exec.Command("gcc", args...).CombinedOutput()
		if err == nil {
			break
		}
		bad := map[int]bool{}
		for _, m := range regexp.MustCompile(regexp.QuoteMeta(src)+`:(\d+):\d+: error`).FindAllStringSubmatch(string(out), -1) {
			n, _ := strconv.Atoi(m[1])
			bad[n-first] = true
		}
		if len(bad) == 0 {
			t.Fatalf("compile constants of %s: %v\n%s", include, err, out)
		}
		kept := live[:0]
		for i, n := range live {
			if !bad[i] {
				kept = append(kept, n)
			}
		}
		live = kept
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("run constants program of %s: %v", include, err)
	}
	vals := map[string]int64{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, v, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err == nil {
			vals[name] = n
		}
	}
	return vals
}

// mustShare are constants a generated header must declare with the
// kernel header's value: names that genlgen once spelt its own way.
var mustShare = map[string][]string{
	"7.3/ethtool": {
		"ETHTOOL_MSG_USER_NONE", "__ETHTOOL_MSG_USER_CNT", "ETHTOOL_MSG_USER_MAX",
		"ETHTOOL_MSG_KERNEL_NONE", "__ETHTOOL_MSG_KERNEL_CNT", "ETHTOOL_MSG_KERNEL_MAX",
	},
	"7.3/wireguard": {"WG_KEY_LEN"},
}

// TestUAPIMatchesKernel compares the generated uAPI header of each corpus
// family with the kernel's own: every constant both declare has the same
// value, and most of the kernel's constants are declared.
func TestUAPIMatchesKernel(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		skipOrFail(t, "gcc not installed")
	}
	flags := map[*corpus.Release][]string{}
	for _, r := range corpus.Releases {
		flags[r] = cflags(t, r)
	}
	var report []string
	for _, c := range corpusCases(t) {
		name, headers := c.name, c.release.KernelHeaders[c.spec]
		flags := flags[c.release]
		t.Run(name, func(t *testing.T) {
			if len(headers) == 0 {
				t.Fatalf("corpus %s names no kernel header for %s", c.release.Name, c.spec)
			}
			dir := t.TempDir()
			files := generateInto(t, name, dir, Options{})
			ours := filepath.Join(dir, files[0].Path)
			var kinc strings.Builder
			for _, h := range headers {
				fmt.Fprintf(&kinc, "#include <%s>\n", h)
			}
			ourInc := fmt.Sprintf("#include %q", ours)

			kNames, kStrs := declared(t, kinc.String(), headers, flags)
			oNames, oStrs := declared(t, ourInc, []string{filepath.Base(ours)}, flags)
			ourSet := map[string]bool{}
			for _, n := range oNames {
				ourSet[n] = true
			}
			var both []string
			for _, n := range kNames {
				if ourSet[n] {
					both = append(both, n)
				}
			}
			kv := values(t, kinc.String(), both, flags)
			ov := values(t, ourInc, both, flags)
			shared, differ := 0, 0
			for _, n := range both {
				k, kok := kv[n]
				o, ook := ov[n]
				if !kok || !ook {
					continue
				}
				shared++
				if k != o {
					if reason, known := c.release.SpecDifferences[n]; known {
						t.Logf("%s: kernel %d, generated %d (known: %s)", n, k, o, reason)
						differ++
						continue
					}
					t.Errorf("%s: kernel header says %d, generated header %d", n, k, o)
				}
			}
			for _, n := range mustShare[name] {
				if k, ok := kv[n]; !ok || ov[n] != k {
					t.Errorf("%s: not declared with the kernel header's value (kernel %d, present %v; generated %d)", n, k, ok, ov[n])
				}
			}
			for n, k := range kStrs {
				if o, ok := oStrs[n]; ok {
					shared++
					if o != k {
						t.Errorf("%s: kernel header says %s, generated header %s", n, k, o)
					}
				}
			}
			// kv only holds the shared names; count the kernel's integer
			// constants on their own.
			kAll := values(t, kinc.String(), kNames, flags)
			total := len(kAll) + len(kStrs)
			line := fmt.Sprintf("%-20s %4d of %4d kernel constants declared with equal values (%d known spec differences)", name, shared-differ, total, differ)
			report = append(report, line)
			t.Log(line)
			if shared == 0 {
				t.Errorf("no constant in common with %v", headers)
			}
		})
	}
	sort.Strings(report)
	t.Log("uAPI comparison:\n" + strings.Join(report, "\n"))
}
