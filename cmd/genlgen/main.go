// Command genlgen generates Go clients and Linux kernel modules from YNL
// generic netlink specs.
//
// Usage:
//
//	genlgen [flags] SPEC...
//
// With neither -go nor -kmod it validates each spec and prints a summary.
// Exit status: 0 on success, 1 on a spec error (or, with -check, on stale
// files or a handler file lacking a handler), 2 on a usage error. -check
// names each problem on stderr and prints on stdout the unified diff that
// regenerating would apply to each file it would change; -v lists on
// stderr every file written, unchanged or kept.
//
// The handler file of a kernel module (<family>_main.c) is the user's:
// regeneration never changes its bytes, it only appends the stubs of the
// functions it lacks and says so on stderr, even with -q.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sync"

	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/internal/kgen"
	"github.com/genlgen/genlgen/spec"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// config is what the flags ask for.
type config struct {
	goDir, kmodDir string
	check          bool
	familyName     string
	netnsok        bool
	forceHandlers  bool
	quiet          bool
	verbose        bool
	compat         compatConfig
	specs          []string
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("genlgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.goDir, "go", "", "write the Go client package into `DIR` (DIR/<package> for several specs)")
	fs.StringVar(&c.kmodDir, "kmod", "", "write the kernel module into `DIR` (DIR/<family> for several specs)")
	fs.BoolVar(&c.check, "check", false, "write nothing; exit 1 naming files that are missing or differ from what would be generated, and handlers the handler file lacks, printing on stdout the diff regenerating would apply")
	fs.StringVar(&c.familyName, "family-name", "", "register the kernel family (and name the module) `NAME` instead of the spec's name")
	fs.BoolVar(&c.netnsok, "netnsok", true, "register the kernel family in every network namespace; -netnsok=false limits it to the initial one")
	fs.BoolVar(&c.forceHandlers, "force-handlers", false, "overwrite the user-owned handler file with fresh stubs (without it, regeneration only appends the stubs it lacks)")
	fs.BoolVar(&c.quiet, "q", false, "do not print warnings")
	fs.BoolVar(&c.verbose, "v", false, "list every file written, unchanged or kept on stderr, one line each")
	c.compat.flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: genlgen [flags] SPEC...\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	c.specs = fs.Args()
	if len(c.specs) == 0 {
		fs.Usage()
		return nil, errors.New("no spec given")
	}
	if c.familyName != "" && len(c.specs) > 1 {
		return nil, errors.New("-family-name applies to a single spec")
	}
	return c, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "genlgen: %v\n", err)
		}
		return 2
	}
	if c.compat.on || c.compat.json {
		return c.compare(stdout, stderr)
	}
	return c.all(stdout, stderr)
}

// all handles every spec, several at a time (one per CPU): specs are
// independent and write to different directories. Each spec's output is
// buffered and printed in command-line order, so runs read the same. All
// specs are loaded before any is generated, so that two whose families
// would write one directory (foo-bar and foo_bar, both foo_bar) are both
// refused before either writes.
func (c *config) all(stdout, stderr io.Writer) int {
	type result struct {
		out, errOut bytes.Buffer
		status      int
		f           *spec.Family
	}
	results := make([]result, len(c.specs))
	parallel := func(do func(r *result, path string)) {
		sem := make(chan struct{}, goruntime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		for i, path := range c.specs {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				do(&results[i], path)
			}()
		}
		wg.Wait()
	}
	parallel(func(r *result, path string) { r.f, r.status = c.load(path, &r.out, &r.errOut) })
	if len(c.specs) > 1 {
		fams := make([]*spec.Family, len(results))
		for i := range results {
			fams[i] = results[i].f
		}
		for i, msg := range c.sharedDirs(fams) {
			if msg != "" {
				fmt.Fprintln(&results[i].errOut, msg)
				results[i].f, results[i].status = nil, 1
			}
		}
	}
	parallel(func(r *result, path string) {
		if r.f != nil {
			r.status = max(r.status, c.generate(r.f, &r.out, &r.errOut))
		}
	})
	status := 0
	for i := range results {
		stdout.Write(results[i].out.Bytes())
		stderr.Write(results[i].errOut.Bytes())
		status = max(status, results[i].status)
	}
	return status
}

// sharedDirs finds the specs (fams[i], nil for one that did not load)
// that would write the same output directory as another: for each, the
// message saying so, "" for the others.
func (c *config) sharedDirs(fams []*spec.Family) []string {
	msgs := make([]string, len(fams))
	claimed := map[string]int{} // directory: the first spec writing it
	check := func(i int, dir string) {
		dir = filepath.Clean(dir)
		if prev, ok := claimed[dir]; ok {
			for _, x := range [][2]int{{i, prev}, {prev, i}} {
				if msgs[x[0]] == "" {
					msgs[x[0]] = fmt.Sprintf("%s: family %q and %s's family %q would both write %s: rename one, or generate them one at a time",
						fams[x[0]].Pos, fams[x[0]].Name, c.specs[x[1]], fams[x[1]].Name, dir)
				}
			}
			return
		}
		claimed[dir] = i
	}
	for i, f := range fams {
		if f == nil {
			continue
		}
		if c.goDir != "" {
			check(i, c.outDir(c.goDir, f.GoPackage))
		}
		if c.kmodDir != "" {
			check(i, c.outDir(c.kmodDir, f.CName))
		}
	}
	return msgs
}

// load loads one spec, printing its warnings (and, with neither -go nor
// -kmod, its summary): the family to generate, or nil and the exit
// status.
func (c *config) load(path string, stdout, stderr io.Writer) (*spec.Family, int) {
	f, err := spec.Load(path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, 1
	}
	if !c.quiet {
		for _, w := range f.Warnings {
			fmt.Fprintln(stderr, w)
		}
	}
	if c.goDir == "" && c.kmodDir == "" {
		fmt.Fprintf(stdout, "%s: family %s (%s, version %d): %d definitions, %d attribute sets, %d operations, %d multicast groups, %d warnings\n",
			path, f.Name, f.Protocol, f.Version, len(f.Definitions), len(f.AttrSets), len(f.Ops.List), len(f.McastGroups), len(f.Warnings))
		return nil, 0
	}
	return f, 0
}

// generate writes (or with -check, checks) what f asks for and returns
// the exit status.
func (c *config) generate(f *spec.Family, stdout, stderr io.Writer) int {
	status := 0
	if c.goDir != "" {
		files, err := gogen.Generate(f, gogen.Options{})
		status = max(status, c.emit(c.goDir, f.GoPackage, files, err, stdout, stderr))
	}
	if c.kmodDir != "" {
		files, err := kgen.Generate(f, kgen.Options{FamilyName: c.familyName, NoNetns: !c.netnsok})
		status = max(status, c.emit(c.kmodDir, f.CName, files, err, stdout, stderr))
	}
	return status
}

func (c *config) outDir(dir, name string) string {
	if len(c.specs) > 1 {
		return filepath.Join(dir, name)
	}
	return dir
}

// emit writes files into dir/<name> (dir with a single spec), or with
// -check compares them, printing the diffs on stdout. The directory the
// user named is theirs and taken as it is (a symbolic link to it is
// followed); the per-family folder in it is genlgen's, a path of the
// files, so that a link planted there is refused like one at a file.
func (c *config) emit(dir, name string, files []gen.File, genErr error, stdout, stderr io.Writer) int {
	if genErr != nil {
		fmt.Fprintln(stderr, genErr)
		return 1
	}
	if len(c.specs) > 1 {
		in := make([]gen.File, len(files))
		for i, f := range files {
			f.Path = filepath.Join(name, f.Path)
			in[i] = f
		}
		files = in
	}
	if c.check {
		problems, err := gen.Check(dir, files)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		c.problems(problems, stderr)
		for _, p := range problems {
			io.WriteString(stdout, p.Diff)
		}
		if gen.Failed(problems) {
			return 1
		}
		return 0
	}
	if status := c.guard(dir, files, stderr); status != 0 {
		return status
	}
	r, err := gen.Write(dir, files, gen.WriteOptions{ForceUserOwned: c.forceHandlers})
	// An append notice is printed even with -q, which silences warnings
	// only: it is not advice about the spec or the code but the report of
	// a change genlgen made to a file the user owns, whose new stubs they
	// have to fill in (and will see in their diff). It is printed even
	// when a later file failed: that append happened. -v adds a line for
	// every other file, in the same order.
	for _, o := range r.Files {
		if o.Action == gen.AppendedStubs || c.verbose {
			fmt.Fprintf(stderr, "genlgen: %s\n", o)
		}
	}
	c.problems(r.Warnings, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// problems prints what -check or a write found: warnings (stale handlers)
// unless -q, and every problem that fails -check.
func (c *config) problems(problems []gen.Problem, stderr io.Writer) {
	for _, p := range problems {
		switch {
		case !p.Warning:
			fmt.Fprintf(stderr, "%s: %s\n", p.Path, p.Reason)
		case !c.quiet:
			fmt.Fprintf(stderr, "%s: warning: %s\n", p.Path, p.Reason)
		}
	}
}
