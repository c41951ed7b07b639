// Package gen holds what every genlgen renderer shares: the generated
// file set and how it is written to disk or checked against it.
package gen

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// File is one generated file.
type File struct {
	// Path is relative to the output directory.
	Path string
	Data []byte
	// UserOwned files are written whole only when missing (or when
	// forced): users edit them, regeneration must never destroy their
	// work. It only appends the stubs of the Required functions they lack.
	UserOwned bool
	// Required are the functions a user-owned file must define because
	// the generated files use them, in the order Data defines them.
	Required []Func
	// Stale matches the names of the functions the generator could
	// require of a user-owned file (a family's handlers and hooks): one
	// the file defines that matches and is not Required is reported as
	// stale, and kept. Nil reports none.
	Stale *regexp.Regexp
}

// Func is one function a user-owned file must define.
type Func struct {
	Name string
	// Stub is the function as a fresh file has it: its doc comment and
	// definition, ending in a newline.
	Stub []byte
	// Use says what needs it, completing "NAME, which ...": "the ops
	// table references".
	Use string
}

// WriteOptions controls Write.
type WriteOptions struct {
	// ForceUserOwned overwrites user-owned files too.
	ForceUserOwned bool
}

// Report is what Write did, and what it found in user-owned files.
type Report struct {
	// Written are the paths written: created, replaced or appended to.
	Written []string
	// Appended are the user-owned files Write appended stubs to.
	Appended []Appended
	// Warnings are the stale functions of user-owned files (Warning set).
	Warnings []Problem
	// Files are what Write did with each file it reached, in order.
	Files []Outcome
}

// Outcome is what Write did with one file.
type Outcome struct {
	Path   string
	Action Action
	// Funcs are the functions whose stubs were appended (AppendedStubs).
	Funcs []string
}

// Action is one thing Write does with a file.
type Action int

const (
	// Wrote created or replaced the file.
	Wrote Action = iota
	// Unchanged left a file that already held what would be written.
	Unchanged
	// Kept left a user-owned file that defines every Required function.
	Kept
	// AppendedStubs appended the stubs a user-owned file lacked.
	AppendedStubs
)

// String is the line -v prints for o: "PATH: written", "PATH: unchanged",
// "PATH: kept (user-owned)" or the Appended notice.
func (o Outcome) String() string {
	switch o.Action {
	case Unchanged:
		return o.Path + ": unchanged"
	case Kept:
		return o.Path + ": kept (user-owned)"
	case AppendedStubs:
		return Appended{Path: o.Path, Funcs: o.Funcs}.String()
	}
	return o.Path + ": written"
}

// Appended is one user-owned file that gained stubs.
type Appended struct {
	Path  string
	Funcs []string
}

// Write writes files under dir, creating it and folders as needed.
// Generated files are replaced only when their content changed, so
// timestamps (and make) see real changes only. A user-owned file that
// exists is kept byte for byte; the stubs of the Required functions it
// does not define are appended to it, each after a blank line. It returns
// what it did with each file (written, unchanged, kept, appended to), and
// the stale functions user-owned files still define, even when it stops
// at an error.
//
// Every file is written inside dir, atomically and never through a
// symbolic link (disk.go): a link, a directory or a device where a file
// goes is an error, and so is a path that is not inside dir.
func Write(dir string, files []File, opts WriteOptions) (*Report, error) {
	r := &Report{}
	if err := checkPaths(files); err != nil {
		return r, err
	}
	out, err := openOut(dir, true)
	if err != nil {
		return r, err
	}
	defer out.close()
	for _, f := range files {
		path := out.path(f.Path)
		info, problem, err := out.target(f.Path)
		if err != nil {
			return r, err
		}
		if problem != "" {
			return r, fmt.Errorf("genlgen: write %s: it %s", path, problem)
		}
		var old []byte
		exists := info != nil
		if exists {
			if old, err = out.read(f.Path); err != nil {
				return r, err
			}
		}
		data := f.Data
		var appended *Appended
		if exists && f.UserOwned && !opts.ForceUserOwned {
			missing, stale := scanUserOwned(old, f)
			for _, name := range stale {
				r.Warnings = append(r.Warnings, staleProblem(path, name))
			}
			if len(missing) == 0 {
				r.Files = append(r.Files, Outcome{Path: path, Action: Kept})
				continue
			}
			data = appendStubs(old, missing)
			appended = &Appended{Path: path}
			for _, fn := range missing {
				appended.Funcs = append(appended.Funcs, fn.Name)
			}
		}
		if exists && bytes.Equal(old, data) {
			r.Files = append(r.Files, Outcome{Path: path, Action: Unchanged})
			continue
		}
		if err := out.writeAtomic(f.Path, data, info); err != nil {
			return r, err
		}
		r.Written = append(r.Written, path)
		outcome := Outcome{Path: path, Action: Wrote}
		if appended != nil {
			r.Appended = append(r.Appended, *appended)
			outcome = Outcome{Path: path, Action: AppendedStubs, Funcs: appended.Funcs}
		}
		r.Files = append(r.Files, outcome)
	}
	return r, nil
}

// appendStubs returns old followed by the stubs of fns, each after a
// blank line, old ending in a newline first if it did not.
func appendStubs(old []byte, fns []Func) []byte {
	out := append([]byte(nil), old...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	for _, fn := range fns {
		out = append(out, '\n')
		out = append(out, fn.Stub...)
	}
	return out
}

// scanUserOwned returns the Required functions of f that src does not
// define, and the functions src defines that f.Stale matches but f does
// not require.
func scanUserOwned(src []byte, f File) (missing []Func, stale []string) {
	defined := map[string]bool{}
	names := definedFuncs(src)
	for _, n := range names {
		defined[n] = true
	}
	required := map[string]bool{}
	for _, fn := range f.Required {
		if !defined[fn.Name] && !required[fn.Name] {
			missing = append(missing, fn)
		}
		required[fn.Name] = true
	}
	if f.Stale != nil {
		seen := map[string]bool{}
		for _, n := range names {
			if !required[n] && !seen[n] && f.Stale.MatchString(n) {
				stale = append(stale, n)
			}
			seen[n] = true
		}
	}
	return missing, stale
}

func staleProblem(path, name string) Problem {
	return Problem{Path: path, Warning: true,
		Reason: "defines " + name + ", named like a handler of the family, which nothing generated uses any more (kept; delete it if it is dead code)"}
}

// Problem is one file that does not match what would be generated.
type Problem struct {
	Path   string
	Reason string
	// Warning problems (a stale function of a user-owned file) are
	// reported but fail nothing.
	Warning bool
	// Diff, on the first problem of a file that exists and that
	// regenerating would change, is the unified diff of that change
	// (unifiedDiff): the generated version, or a user-owned file's
	// appended stubs. Empty otherwise.
	Diff string
}

// Check compares files with what is under dir, writing nothing; a file
// that differs carries the diff regenerating would apply. A user-owned
// file has to exist and define its Required functions; the stale functions
// it defines are Warning problems. A symbolic link, a directory or a device
// where a file goes is a problem; so is a temporary file a write left
// behind, and other links and devices beside the files are Warning
// problems. Problems are sorted by path, a file's in the order of its
// Required functions.
func Check(dir string, files []File) ([]Problem, error) {
	if err := checkPaths(files); err != nil {
		return nil, err
	}
	out, err := openOut(dir, false)
	if errors.Is(err, errNoDir) {
		var problems []Problem
		for _, f := range files {
			problems = append(problems, Problem{Path: filepath.Join(dir, f.Path), Reason: "missing"})
		}
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
		return problems, nil
	}
	if err != nil {
		return nil, err
	}
	defer out.close()
	var problems []Problem
	for _, f := range files {
		path := out.path(f.Path)
		info, problem, err := out.target(f.Path)
		if err != nil {
			return problems, err
		}
		if problem != "" {
			problems = append(problems, Problem{Path: path, Reason: problem})
			continue
		}
		if info == nil {
			problems = append(problems, Problem{Path: path, Reason: "missing"})
			continue
		}
		old, err := out.read(f.Path)
		switch {
		case err != nil:
			return problems, err
		case f.UserOwned:
			missing, stale := scanUserOwned(old, f)
			diff := ""
			if len(missing) > 0 {
				diff = unifiedDiff(path, old, appendStubs(old, missing))
			}
			for _, fn := range missing {
				use := fn.Use
				if use == "" {
					use = "the generated code uses"
				}
				problems = append(problems, Problem{Path: path, Diff: diff,
					Reason: "lacks " + fn.Name + ", which " + use + " (regenerate to append its stub)"})
				diff = ""
			}
			for _, name := range stale {
				problems = append(problems, staleProblem(path, name))
			}
		case !bytes.Equal(old, f.Data):
			problems = append(problems, Problem{Path: path, Reason: "differs from the generated version",
				Diff: unifiedDiff(path, old, f.Data)})
		}
	}
	problems = append(problems, out.extras(files)...)
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	return problems, nil
}

// Failed reports whether problems hold one that is not a warning.
func Failed(problems []Problem) bool {
	for _, p := range problems {
		if !p.Warning {
			return true
		}
	}
	return false
}

// String is the notice for a: "PATH: appended stubs for f, g".
func (a Appended) String() string {
	what := "stubs for "
	if len(a.Funcs) == 1 {
		what = "the stub of "
	}
	return a.Path + ": appended " + what + strings.Join(a.Funcs, ", ")
}
