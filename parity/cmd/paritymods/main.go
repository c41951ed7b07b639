// Command paritymods builds the kernel modules that `make parity` loads in
// the QEMU guest, all in one Kbuild directory and one kernel make (with
// W=1 and every warning an error):
//
//   - for each 6.12 spec of -families, genlgen's module registering
//     <spec>_gg (module <spec>_gg.ko), its files side by side at the top of
//     the directory as before;
//   - for each genetlink spec of the 7.3 corpus (-k73), two modules in
//     subdirectories: the kernel's own YNL generator's kernel code for the
//     spec (ynl_gen_c.py --mode kernel, <spec>-nl.[ch] as in the kernel
//     tree) with its uAPI header (the 7.3 tree's, as the kernel builds the
//     code with it, or --mode uapi's where the tree has none), stub
//     handlers and module init, registering <spec>_yk (yk-<spec>/); and
//     genlgen's module of the same spec registering <spec>_g7
//     (g7-<spec>/). See parity.BuildYNLModule.
//
// A 7.3 module that cannot be generated or does not build against the 6.12
// tree (a kernel-internal header the spec names that 6.12 lacks, say) is
// left out, with the first error, and the build is run again without it; a
// 6.12 module that fails fails the command. Sources are generated under
// OUT/src and copied to OUT/kmod only when they changed, so Kbuild rebuilds
// only what it must.
//
// Outputs: OUT/kmod/**.ko, OUT/kos.txt (the modules to load, one path a
// line, the 7.3 ones only where both of a spec's modules built),
// OUT/skip-ops.txt (the guest test's -skip-ops: commands whose policies
// 6.12 cannot dump, see skipFunctionValidated), OUT/k73.json (every 7.3
// genetlink spec with its modules' names and why one was not built; read
// by the parity command) and OUT/kbuild.log.
//
// Usage:
//
//	paritymods -genlgen build/bin/genlgen -kdir /usr/src/linux-headers-KVER \
//	    -out build/parity -specs DIR -families 'netdev devlink ...' \
//	    -k73 ../shared/ynl-7.3
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/genlgen/genlgen/parity"
	"github.com/genlgen/genlgen/spec"
)

type config struct {
	genlgen, kdir, out, specs, k73, python string
	families                               []string
	jobs                                   int
}

func main() {
	var c config
	var families string
	flag.StringVar(&c.genlgen, "genlgen", "build/bin/genlgen", "genlgen binary")
	flag.StringVar(&c.kdir, "kdir", "", "kernel build tree to build the modules against (the guest's)")
	flag.StringVar(&c.out, "out", "build/parity", "output directory (src/, kmod/, kos.txt, k73.json)")
	flag.StringVar(&c.specs, "specs", "", "directory of the 6.12 specs")
	flag.StringVar(&families, "families", "", "6.12 specs to build genlgen's <spec>_gg modules of, space-separated")
	flag.StringVar(&c.k73, "k73", "", "the 7.3 corpus: specs/, pyynl/ynl_gen_c.py, uapi/; empty skips the 7.3 modules")
	flag.StringVar(&c.python, "python", "python3", "Python for the kernel's generator")
	flag.IntVar(&c.jobs, "j", runtime.NumCPU(), "parallel jobs")
	flag.Parse()
	c.families = strings.Fields(families)
	if c.kdir == "" || c.specs == "" {
		fmt.Fprintln(os.Stderr, "paritymods: -kdir and -specs are required")
		os.Exit(2)
	}
	if err := run(&c); err != nil {
		fmt.Fprintln(os.Stderr, "paritymods:", err)
		os.Exit(1)
	}
}

func run(c *config) error {
	src := filepath.Join(c.out, "src")
	kmod, err := filepath.Abs(filepath.Join(c.out, "kmod"))
	if err != nil {
		return err
	}
	if err := os.RemoveAll(src); err != nil {
		return err
	}
	if err := os.MkdirAll(kmod, 0o755); err != nil {
		return err
	}
	var top bytes.Buffer
	var kos []string
	for _, f := range c.families {
		lines, err := stage612(c, src, f)
		if err != nil {
			return err
		}
		top.WriteString(lines)
		kos = append(kos, filepath.Join(kmod, f+"_gg.ko"))
	}
	var specs []*parity.K73Spec
	if c.k73 != "" {
		if specs, err = stage73(c, src, kmod); err != nil {
			return err
		}
	}
	// The subdirectories of the 7.3 modules, with the spec each belongs
	// to and whether it is the kernel generator's.
	type sub struct {
		spec  *parity.K73Spec
		ynl   bool
		dir   string
		ko    string
		error *string
	}
	var subs []*sub
	for _, s := range specs {
		if s.YNLErr == "" {
			subs = append(subs, &sub{spec: s, ynl: true, dir: "yk-" + s.Spec, ko: s.YNL + ".ko", error: &s.YNLErr})
		}
		if s.GenlgenErr == "" {
			subs = append(subs, &sub{spec: s, dir: "g7-" + s.Spec, ko: s.Genlgen + ".ko", error: &s.GenlgenErr})
		}
	}
	log := filepath.Join(c.out, "kbuild.log")
	var logs []byte
	for round := 0; ; round++ {
		kb := top.String()
		var dirs []string
		for _, s := range subs {
			if *s.error == "" {
				kb += "obj-m += " + s.dir + "/\n"
				dirs = append(dirs, s.dir)
			}
		}
		if err := os.WriteFile(filepath.Join(src, "Kbuild"), []byte(kb), 0o644); err != nil {
			return err
		}
		if err := syncTree(src, kmod); err != nil {
			return err
		}
		out, err := kbuild(c, kmod)
		logs = append(logs, fmt.Sprintf("### kernel make, round %d\n", round+1)...)
		logs = append(logs, out...)
		if werr := os.WriteFile(log, logs, 0o644); werr != nil {
			return werr
		}
		if err == nil {
			break
		}
		failed := attribute(out, kmod, c.kdir, dirs)
		if len(failed) == 0 || round == 2 {
			os.Stderr.Write(out)
			return fmt.Errorf("kernel make failed (not in a 7.3 module; log in %s): %w", log, err)
		}
		for _, s := range subs {
			if msg, ok := failed[s.dir]; ok {
				*s.error = "does not build against 6.12: " + msg
			}
		}
	}
	var skipOps []string
	for _, s := range specs {
		if s.Built() {
			if err := skipFunctionValidated(c, kmod, s); err != nil {
				s.NotLoaded = err.Error()
			}
		}
		if len(s.SkipOps) > 0 {
			var cmds []string
			for _, c := range s.SkipOps {
				cmds = append(cmds, fmt.Sprint(c))
			}
			for _, name := range []string{s.YNL, s.Genlgen} {
				skipOps = append(skipOps, name+"="+strings.Join(cmds, ","))
			}
		}
		if s.Loaded() {
			kos = append(kos, filepath.Join(kmod, "yk-"+s.Spec, s.YNL+".ko"), filepath.Join(kmod, "g7-"+s.Spec, s.Genlgen+".ko"))
		}
	}
	rel := make([]string, len(kos))
	for i, k := range kos {
		rel[i] = relPath(k)
	}
	if err := os.WriteFile(filepath.Join(c.out, "kos.txt"), []byte(strings.Join(rel, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.out, "skip-ops.txt"), []byte(strings.Join(skipOps, ";")+"\n"), 0o644); err != nil {
		return err
	}
	if specs == nil {
		specs = []*parity.K73Spec{}
	}
	b, err := json.MarshalIndent(specs, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.out, "k73.json"), append(b, '\n'), 0o644)
}

// skipFunctionValidated finds the attributes of a spec's modules whose
// policy 6.12 cannot dump: integers validated by a function
// (NLA_POLICY_VALIDATE_FN, which both generators write for a sparse enum;
// netlink_policy_dump_write_attr reads the function pointer as a range,
// which WARNs in nla_get_range_unsigned and reports bits of the pointer as
// limits). The commands whose policies reach them, in the kernel
// generator's code and in genlgen's alike, go to s.SkipOps: the guest
// dumps the family's other policies op by op. An error means the modules
// cannot be loaded.
func skipFunctionValidated(c *config, kmod string, s *parity.K73Spec) error {
	var cmds [2][]string
	var attrs [2][]string
	for i, dir := range []string{"yk-", "g7-"} {
		files, _ := filepath.Glob(filepath.Join(kmod, dir+s.Spec, "*-nl.c"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			a := parity.FunctionValidatedInts(b)
			attrs[i] = append(attrs[i], a...)
			cmds[i] = append(cmds[i], parity.OpsReaching(b, a)...)
		}
	}
	if len(attrs[0]) == 0 && len(attrs[1]) == 0 {
		return nil
	}
	why := fmt.Sprintf("6.12's getpolicy cannot dump an integer attribute whose policy is a validation function "+
		"(NLA_POLICY_VALIDATE_FN, for a sparse enum; the kernel generator's: %s; genlgen's: %s): "+
		"netlink_policy_dump_write_attr reads the function pointer as a range, which WARNs "+
		"(lib/nlattr.c:122, nla_get_range_unsigned) and reports bits of the pointer as limits",
		orNone(attrs[0]), orNone(attrs[1]))
	if len(cmds[0]) == 0 {
		// A family-wide policy (small ops), say: no op can be left out.
		return fmt.Errorf("%s; and no op's own policy reaches them", why)
	}
	if !slices.Equal(cmds[0], cmds[1]) {
		return fmt.Errorf("%s; and the commands whose policies reach them differ (the kernel generator's: %s; genlgen's: %s)", why, orNone(cmds[0]), orNone(cmds[1]))
	}
	sp, err := spec.Load(filepath.Join(c.k73, "specs", s.Spec+".yaml"))
	if err != nil {
		return fmt.Errorf("%s; and genlgen cannot load the spec to number the commands: %v", why, err)
	}
	for _, cname := range cmds[0] {
		var op *spec.Op
		for _, o := range sp.Ops.List {
			if o.CName == cname && o.HasRequestValue {
				op = o
			}
		}
		if op == nil {
			return fmt.Errorf("%s; and the spec has no op %s", why, cname)
		}
		s.SkipOps = append(s.SkipOps, uint32(op.RequestValue))
		s.SkipOpNames = append(s.SkipOpNames, op.Name)
	}
	s.SkipWhy = why
	return nil
}

func orNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

// relPath makes an absolute path relative to the working directory when it
// is below it (shorter command lines and logs).
func relPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// stage612 generates genlgen's module of 6.12 spec f (family f_gg) into
// src/ and returns its Kbuild lines.
func stage612(c *config, src, f string) (string, error) {
	tmp := filepath.Join(src, ".612", f)
	if out, err := exec.Command(c.genlgen, "-q", "-kmod", tmp, "-family-name", f+"_gg", filepath.Join(c.specs, f+".yaml")).CombinedOutput(); err != nil {
		return "", fmt.Errorf("genlgen %s: %v\n%s", f, err, out)
	}
	kb, err := os.ReadFile(filepath.Join(tmp, "Kbuild"))
	if err != nil {
		return "", err
	}
	var lines strings.Builder
	for _, l := range strings.SplitAfter(string(kb), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			lines.WriteString(l)
		}
	}
	files, _ := filepath.Glob(filepath.Join(tmp, "*.[ch]"))
	for _, p := range files {
		if err := copyFile(p, filepath.Join(src, filepath.Base(p))); err != nil {
			return "", err
		}
	}
	return lines.String(), nil
}

// stage73 generates both modules of every genetlink spec of the 7.3
// corpus, in parallel; a spec whose generator fails gets the error.
func stage73(c *config, src, kmod string) ([]*parity.K73Spec, error) {
	paths, err := filepath.Glob(filepath.Join(c.k73, "specs", "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no specs in %s/specs", c.k73)
	}
	var specs []*parity.K73Spec
	var texts [][]byte
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var head struct {
			Protocol string `yaml:"protocol"`
		}
		if err := yaml.Unmarshal(text, &head); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if head.Protocol == "netlink-raw" {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		specs = append(specs, &parity.K73Spec{
			Spec:    name,
			YNL:     parity.K73Name(name, parity.SuffixYNL),
			Genlgen: parity.K73Name(name, parity.SuffixGenlgen),
		})
		texts = append(texts, text)
	}
	sem := make(chan struct{}, max(c.jobs, 1))
	var wg sync.WaitGroup
	for i, s := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := stageGenlgen(c, src, s); err != nil {
				s.GenlgenErr = err.Error()
			}
			if err := stageYNL(c, src, kmod, s, texts[i]); err != nil {
				s.YNLErr = err.Error()
			}
		}()
	}
	wg.Wait()
	return specs, nil
}

func stageGenlgen(c *config, src string, s *parity.K73Spec) error {
	dir := filepath.Join(src, "g7-"+s.Spec)
	out, err := exec.Command(c.genlgen, "-q", "-kmod", dir, "-family-name", s.Genlgen, filepath.Join(c.k73, "specs", s.Spec+".yaml")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("genlgen fails: %s", firstLine(out, err))
	}
	// The Makefile is for building in place; Kbuild is what the kernel
	// make reads.
	return os.Remove(filepath.Join(dir, "Makefile"))
}

// stageYNL runs the kernel's generator on spec s and writes the module
// around its output into src/yk-<spec>.
func stageYNL(c *config, src, kmod string, s *parity.K73Spec, text []byte) error {
	dir := filepath.Join(src, "yk-"+s.Spec)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	specPath, err := filepath.Abs(filepath.Join(c.k73, "specs", s.Spec+".yaml"))
	if err != nil {
		return err
	}
	gen := filepath.Join(c.k73, "pyynl", "ynl_gen_c.py")
	base := s.Spec + "-nl"
	in := parity.YNLInput{Spec: text, Base: base, Name: s.YNL}
	for _, g := range []struct {
		mode, what, file string
		dst              *[]byte
	}{
		{"kernel", "--source", base + ".c", &in.Source},
		{"kernel", "--header", base + ".h", &in.Header},
		{"uapi", "--header", "uapi.h", &in.UAPI},
	} {
		p := filepath.Join(dir, g.file)
		out, err := exec.Command(c.python, gen, "--mode", g.mode, g.what, "--spec", specPath, "-o", p).CombinedOutput()
		if err != nil {
			if g.mode == "uapi" {
				// The tree's header may do (see below).
				continue
			}
			return fmt.Errorf("ynl_gen_c.py --mode %s %s fails: %s", g.mode, g.what, firstLine(out, err))
		}
		if *g.dst, err = os.ReadFile(p); err != nil {
			return err
		}
	}
	os.Remove(filepath.Join(dir, "uapi.h"))
	// The uAPI header: the 7.3 tree's own, as the kernel builds the code
	// with it (hand-written for some families: ovs_*, nl80211), else
	// the generator's.
	path, err := parity.UAPIInclude(in.Source)
	if err != nil {
		return err
	}
	note := "/* parity: the 7.3 tree's " + path + " */\n"
	if tree, err := os.ReadFile(filepath.Join(c.k73, "uapi", strings.TrimPrefix(path, "uapi/"))); err == nil {
		in.UAPI = tree
	} else if in.UAPI == nil {
		return fmt.Errorf("ynl_gen_c.py --mode uapi fails and the 7.3 tree has no %s", path)
	} else {
		note = "/* parity: ynl_gen_c.py --mode uapi --header */\n"
	}
	m, err := parity.BuildYNLModule(in)
	if err != nil {
		return err
	}
	// The header goes where the generated code includes it from, and,
	// for uapi/linux/X.h, also at linux/X.h when the 6.12 tree has no
	// kernel header of that name: there <linux/X.h> means the uAPI
	// header too, and kernel headers include it that way. The uAPI
	// headers the spec's definitions come from (header: linux/ethtool.h)
	// are the 7.3 tree's too.
	type shadow struct {
		path string
		text []byte
	}
	shadows := []shadow{{m.UAPIPath, append([]byte(note), m.UAPI...)}}
	for _, h := range definitionHeaders(text) {
		if b, err := os.ReadFile(filepath.Join(c.k73, "uapi", h)); err == nil && "uapi/"+h != m.UAPIPath {
			shadows = append(shadows, shadow{"uapi/" + h, append([]byte("/* parity: the 7.3 tree's uapi/"+h+", which the spec's definitions name */\n"), b...)})
		}
	}
	// 7.3 uAPI headers that those include and the 6.12 tree lacks
	// altogether (linux/typelimits.h) come along.
	for i := 0; i < len(shadows); i++ {
		for _, inc := range reInclude.FindAllSubmatch(shadows[i].text, -1) {
			h := string(inc[1])
			if kernelHasHeader(c.kdir, h) || kernelHasHeader(c.kdir, "uapi/"+h) || slices.ContainsFunc(shadows, func(s shadow) bool { return s.path == "uapi/"+h }) {
				continue
			}
			if b, err := os.ReadFile(filepath.Join(c.k73, "uapi", h)); err == nil {
				shadows = append(shadows, shadow{"uapi/" + h, append([]byte("/* parity: the 7.3 tree's uapi/"+h+", which 6.12 lacks */\n"), b...)})
			}
		}
	}
	for _, sh := range shadows {
		paths := []string{sh.path}
		if rest, ok := strings.CutPrefix(sh.path, "uapi/"); ok && !kernelHasHeader(c.kdir, rest) {
			paths = append(paths, rest)
		}
		for _, i := range paths {
			inc := filepath.Join(dir, "include", i)
			if err := os.MkdirAll(filepath.Dir(inc), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(inc, sh.text, 0o644); err != nil {
				return err
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, s.YNL+".c"), m.Main, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "Kbuild"), parity.YNLKbuild(filepath.Join(kmod, "yk-"+s.Spec), s.YNL), 0o644)
}

var reInclude = regexp.MustCompile(`(?m)^#include <((?:linux|asm-generic)/[^>]+)>`)

// definitionHeaders lists the headers a spec's definitions say they come
// from (definitions[].header), sorted and without repeats.
func definitionHeaders(text []byte) []string {
	var sp struct {
		Definitions []struct {
			Header string `yaml:"header"`
		} `yaml:"definitions"`
	}
	if yaml.Unmarshal(text, &sp) != nil {
		return nil
	}
	var hs []string
	for _, d := range sp.Definitions {
		if d.Header != "" && !slices.Contains(hs, d.Header) {
			hs = append(hs, d.Header)
		}
	}
	slices.Sort(hs)
	return hs
}

// kernelHasHeader reports whether the kernel build tree kdir (or the source
// tree its Makefile includes, as in Debian's split header packages) has
// include/<name>.
func kernelHasHeader(kdir, name string) bool {
	trees := []string{kdir}
	if mk, err := os.ReadFile(filepath.Join(kdir, "Makefile")); err == nil {
		for _, l := range strings.Split(string(mk), "\n") {
			if f, ok := strings.CutPrefix(strings.TrimSpace(l), "include "); ok {
				trees = append(trees, filepath.Dir(strings.TrimSpace(f)))
			}
		}
	}
	for _, t := range trees {
		if _, err := os.Stat(filepath.Join(t, "include", name)); err == nil {
			return true
		}
	}
	return false
}

// firstLine returns the last non-empty line of a failed command's output
// (a Python traceback ends with the exception), or err.
func firstLine(out []byte, err error) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return l
	}
	return err.Error()
}

// kbuild runs the kernel make once over kmod, keeping going past errors,
// with each target's output kept together (-Otarget) so that errors can be
// told apart.
func kbuild(c *config, kmod string) ([]byte, error) {
	cmd := exec.Command("make", "-k", fmt.Sprintf("-j%d", max(c.jobs, 1)), "-Otarget", "-s",
		"-C", c.kdir, "M="+kmod, "W=1", "KCFLAGS=-Werror", "modules")
	// The outer make's flags (-s, -k, a jobserver) are not for this one.
	for _, e := range os.Environ() {
		if k, _, _ := strings.Cut(e, "="); k != "MAKEFLAGS" && k != "MFLAGS" && k != "MAKELEVEL" {
			cmd.Env = append(cmd.Env, e)
		}
	}
	return cmd.CombinedOutput()
}

// attribute maps the 7.3 subdirectories of kmod that the failed make's
// output blames to their first error, paths shortened. A line naming a
// file of a subdirectory switches to it; the next error line (a compiler
// error in a header it includes, say) is its.
func attribute(out []byte, kmod, kdir string, dirs []string) map[string]string {
	failed := map[string]string{}
	cur := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, kmod+"/") {
			// A file of a subdirectory, or of the 6.12 modules
			// at the top (whose errors are no 7.3 module's).
			cur = ""
			for _, d := range dirs {
				if strings.Contains(line, kmod+"/"+d+"/") {
					cur = d
				}
			}
		}
		isErr := strings.Contains(line, "error:") || strings.Contains(line, "ERROR:") || strings.Contains(line, "Error ")
		if !isErr || cur == "" {
			continue
		}
		if _, ok := failed[cur]; ok {
			continue
		}
		msg := strings.ReplaceAll(line, kmod+"/"+cur+"/", "")
		msg = strings.ReplaceAll(msg, kmod+"/", "")
		if real, err := filepath.EvalSymlinks(kdir); err == nil {
			msg = strings.ReplaceAll(msg, real+"/", "")
		}
		msg = strings.ReplaceAll(msg, kdir+"/", "")
		failed[cur] = strings.TrimSpace(msg)
	}
	return failed
}

// syncTree copies every file of src to dst whose content differs; files
// only in dst stay (Kbuild's outputs).
func syncTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if have, err := os.ReadFile(target); err == nil && bytes.Equal(have, want) {
			return nil
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return os.WriteFile(target, want, 0o644)
	})
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}
