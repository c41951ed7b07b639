package vm

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// module is one kernel module to load in the guest, already decompressed.
type module struct {
	name      string // canonical name (dashes turned into underscores)
	src       string // where it came from on the host
	data      []byte // the uncompressed ELF object
	outOfTree bool   // given as a path rather than taken from the kernel tree
}

// isModulePath reports whether a -ko argument names a file rather than a
// module of the kernel's own tree.
func isModulePath(s string) bool {
	return strings.ContainsRune(s, '/') || moduleSuffix(s) != ""
}

// moduleSuffix returns the module file suffix of name (".ko", ".ko.xz", ...),
// or "" when name has none.
func moduleSuffix(name string) string {
	for _, s := range []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"} {
		if strings.HasSuffix(name, s) {
			return s
		}
	}
	return ""
}

// canonical turns a module name or file name into the name the kernel uses.
func canonical(name string) string {
	name = filepath.Base(name)
	name = strings.TrimSuffix(name, moduleSuffix(name))
	return strings.ReplaceAll(name, "-", "_")
}

// treeIndex is what the kernel's modules directory says about its modules.
type treeIndex struct {
	dir     string              // /lib/modules/<release>
	path    map[string]string   // canonical name -> path relative to dir
	deps    map[string][]string // canonical name -> canonical names it needs
	builtin map[string]bool     // canonical names built into the image
}

func loadTreeIndex(dir string) (*treeIndex, error) {
	t := &treeIndex{
		dir:     dir,
		path:    make(map[string]string),
		deps:    make(map[string][]string),
		builtin: make(map[string]bool),
	}
	dep, err := os.ReadFile(filepath.Join(dir, "modules.dep"))
	if err != nil {
		return nil, fmt.Errorf("read module index: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(dep))
	for sc.Scan() {
		mod, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		name := canonical(mod)
		t.path[name] = mod
		for _, d := range strings.Fields(rest) {
			t.deps[name] = append(t.deps[name], canonical(d))
		}
	}
	// modules.builtin is optional: without it a built-in module is
	// reported as unknown instead of skipped.
	if b, err := os.ReadFile(filepath.Join(dir, "modules.builtin")); err == nil {
		for _, l := range strings.Fields(string(b)) {
			t.builtin[canonical(l)] = true
		}
	}
	return t, nil
}

// resolveModules turns the -ko arguments into the ordered list of modules
// the guest loads: every module of the kernel tree comes after the modules it
// depends on, and out-of-tree modules pull in the tree modules named in their
// "depends=" modinfo field. Modules built into the kernel are dropped.
func resolveModules(args []string, release, modulesDir string) ([]module, error) {
	var (
		tree  *treeIndex
		out   []module
		added = make(map[string]bool)
	)
	index := func() (*treeIndex, error) {
		if tree != nil {
			return tree, nil
		}
		var err error
		tree, err = loadTreeIndex(modulesDir)
		return tree, err
	}
	// Names of every out-of-tree module, so that a dependency between
	// two of them is not looked up in the tree.
	given := make(map[string]bool)
	for _, a := range args {
		if isModulePath(a) {
			given[canonical(a)] = true
		}
	}

	var addTree func(name string, stack []string) error
	addTree = func(name string, stack []string) error {
		if added[name] {
			return nil
		}
		for _, s := range stack {
			if s == name {
				return fmt.Errorf("module dependency loop: %s -> %s", strings.Join(stack, " -> "), name)
			}
		}
		t, err := index()
		if err != nil {
			return err
		}
		rel, ok := t.path[name]
		if !ok {
			if t.builtin[name] {
				added[name] = true
				return nil
			}
			return fmt.Errorf("module %s is not in %s/modules.dep", name, t.dir)
		}
		for _, d := range t.deps[name] {
			if err := addTree(d, append(stack, name)); err != nil {
				return err
			}
		}
		data, err := readModule(filepath.Join(t.dir, rel))
		if err != nil {
			return err
		}
		added[name] = true
		out = append(out, module{name: name, src: filepath.Join(t.dir, rel), data: data})
		return nil
	}

	for _, a := range args {
		if !isModulePath(a) {
			if err := addTree(canonical(a), nil); err != nil {
				return nil, err
			}
			continue
		}
		data, err := readModule(a)
		if err != nil {
			return nil, err
		}
		info, err := modinfo(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		name := canonical(a)
		if n := info["name"]; n != "" {
			name = canonical(n)
		}
		if vm := strings.Fields(info["vermagic"]); release != "" && (len(vm) == 0 || vm[0] != release) {
			return nil, fmt.Errorf("%s was built for kernel %q, the VM runs %s (rebuild it against KDIR of that release)",
				a, info["vermagic"], release)
		}
		if added[name] {
			return nil, fmt.Errorf("%s: module %s is listed twice", a, name)
		}
		for _, d := range strings.Split(info["depends"], ",") {
			if d == "" {
				continue
			}
			if d = canonical(d); added[d] {
				continue
			}
			if given[d] {
				return nil, fmt.Errorf("%s needs module %s: list it before", a, d)
			}
			if err := addTree(d, []string{name}); err != nil {
				return nil, err
			}
		}
		added[name] = true
		out = append(out, module{name: name, src: a, data: data, outOfTree: true})
	}
	return out, nil
}

// readModule reads a module file and undoes its compression.
func readModule(path string) ([]byte, error) {
	var (
		data []byte
		err  error
	)
	switch moduleSuffix(path) {
	case ".ko.xz":
		data, err = decompressWith("xz", path)
	case ".ko.zst":
		data, err = decompressWith("zstd", path)
	case ".ko.gz":
		data, err = gunzip(path)
	default:
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read module: %w", err)
	}
	return data, nil
}

func decompressWith(tool, path string) ([]byte, error) {
	if _, err := exec.LookPath(tool); err != nil {
		return nil, fmt.Errorf("%s: need %s to decompress it: %w", path, tool, err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(tool, "-dc", path)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s -dc %s: %w: %s", tool, path, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func gunzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return io.ReadAll(zr)
}

// modinfo returns the key=value pairs of a module's .modinfo section.
func modinfo(obj []byte) (map[string]string, error) {
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		return nil, fmt.Errorf("not a kernel module: %w", err)
	}
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil, fmt.Errorf("not a kernel module: no .modinfo section")
	}
	raw, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("read .modinfo: %w", err)
	}
	info := make(map[string]string)
	for _, kv := range bytes.Split(raw, []byte{0}) {
		if k, v, ok := strings.Cut(string(kv), "="); ok {
			if _, dup := info[k]; !dup {
				info[k] = v
			}
		}
	}
	return info, nil
}
