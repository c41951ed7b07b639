package gen

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// How genlgen touches the output directory. The directory itself is the
// user's (given on the command line, it may be a symbolic link); what is
// inside it may have been planted: genlgen may run in CI on a checkout of
// a pull request. So every file is opened through an os.Root of the
// directory, which refuses paths that leave it; a symbolic link at a
// path genlgen writes (or on the way to it) is an error, never followed;
// and a file is replaced by writing a temporary file beside it and
// renaming it over the old one, which replaces a link rather than
// writing through it, and leaves a reader (make, go build) the old file
// or the new one, never half of one. The temporary file is not synced to
// disk before the rename, like the go command's own outputs: a crash may
// lose the new content, and a rerun writes it again.

// outDir is an output directory opened for writing or checking.
type outDir struct {
	dir  string
	root *os.Root
}

// tempRE matches the temporary files writeAtomic creates, so that -check
// can report one an interrupted run left behind.
var tempRE = regexp.MustCompile(`^\..+\.genlgen-[0-9a-f]+\.tmp$`)

// checkPaths rejects a file set with a path that is not inside its
// directory (absolute, "..", empty) or that holds a file twice. The
// generators only make local paths; this is the last line of defence.
func checkPaths(files []File) error {
	seen := map[string]bool{}
	for _, f := range files {
		if !filepath.IsLocal(f.Path) || f.Path == "." || f.Path != filepath.Clean(f.Path) {
			return fmt.Errorf("genlgen: refusing to write %q: not a path inside the output directory", f.Path)
		}
		if seen[f.Path] {
			return fmt.Errorf("genlgen: refusing to write %q twice", f.Path)
		}
		seen[f.Path] = true
	}
	return nil
}

// errNoDir is returned by openOut when the directory does not exist.
var errNoDir = errors.New("no such directory")

// openOut opens dir, creating it (and its parents) if create is set.
func openOut(dir string, create bool) (*outDir, error) {
	if create {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("genlgen: create %s: %w", dir, err)
		}
	}
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoDir
	}
	if err != nil {
		return nil, fmt.Errorf("genlgen: open %s: %w", dir, err)
	}
	return &outDir{dir: dir, root: root}, nil
}

func (o *outDir) close() { o.root.Close() }

// path is rel as the user knows it, for messages.
func (o *outDir) path(rel string) string { return filepath.Join(o.dir, rel) }

// link describes the symbolic link at rel: "is a symbolic link (to T)".
func (o *outDir) link(rel string) string {
	if target, err := o.root.Readlink(rel); err == nil {
		return "is a symbolic link (to " + strconv.Quote(target) + ")"
	}
	return "is a symbolic link"
}

const noLinks = ": genlgen writes regular files only, never through a link; remove it"

// kindProblem is the reason a path of mode m (not a regular file) is not
// overwritten, or "" for a regular file.
func kindProblem(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "is a directory, not a file"
	}
	return "is not a regular file (" + m.Type().String() + ")"
}

// target is what is at rel now: exists reports whether there is a file,
// problem why genlgen must not replace it (a link, a directory, or a
// link on the way to it), "" if it may.
func (o *outDir) target(rel string) (info fs.FileInfo, problem string, err error) {
	// Every directory on the way must be one, not a link to one.
	parts := strings.Split(rel, string(filepath.Separator))
	for i := 1; i < len(parts); i++ {
		dir := filepath.Join(parts[:i]...)
		fi, err := o.root.Lstat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", nil
		}
		if err != nil {
			return nil, "", fmt.Errorf("genlgen: %w", err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, "is inside " + o.path(dir) + ", which " + o.link(dir) + noLinks, nil
		}
		if !fi.IsDir() {
			return nil, "is inside " + o.path(dir) + ", which is not a directory", nil
		}
	}
	fi, err := o.root.Lstat(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", nil
	case err != nil:
		return nil, "", fmt.Errorf("genlgen: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return fi, o.link(rel) + noLinks, nil
	}
	return fi, kindProblem(fi.Mode()), nil
}

// read returns the content of the regular file at rel.
func (o *outDir) read(rel string) ([]byte, error) {
	b, err := o.root.ReadFile(rel)
	if err != nil {
		return nil, fmt.Errorf("genlgen: read %s: %w", o.path(rel), err)
	}
	return b, nil
}

// writeAtomic replaces (or creates) rel with data: a temporary file in
// the same directory, renamed over it. old is the file it replaces, whose
// permissions the new one keeps; nil for a new file (0644 less umask).
func (o *outDir) writeAtomic(rel string, data []byte, old fs.FileInfo) error {
	dir := filepath.Dir(rel)
	if dir != "." {
		if err := o.root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("genlgen: create %s: %w", o.path(dir), err)
		}
	}
	var tmp string
	var fh *os.File
	for range 10 {
		tmp = filepath.Join(dir, "."+filepath.Base(rel)+".genlgen-"+strconv.FormatUint(rand.Uint64(), 16)+".tmp")
		var err error
		fh, err = o.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("genlgen: write %s: %w", o.path(rel), err)
		}
	}
	if fh == nil {
		return fmt.Errorf("genlgen: write %s: no free temporary file name", o.path(rel))
	}
	_, err := fh.Write(data)
	if err == nil && old != nil {
		err = fh.Chmod(old.Mode().Perm())
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = o.root.Rename(tmp, rel)
	}
	if err != nil {
		o.root.Remove(tmp)
		return fmt.Errorf("genlgen: write %s: %w", o.path(rel), err)
	}
	return nil
}

// extras are the problems with what else the directories holding files
// hold:
// symbolic links, files that are neither regular files nor directories,
// and temporary files an interrupted write left. They are warnings (a
// write does not touch them) except a temporary file, which means the
// last run did not finish. Paths the file set names are skipped: Check
// reports those itself.
func (o *outDir) extras(files []File) []Problem {
	named := map[string]bool{}
	dirs := map[string]bool{}
	for _, f := range files {
		named[f.Path] = true
		dirs[filepath.Dir(f.Path)] = true
	}
	var problems []Problem
	for dir := range dirs {
		fi, err := o.root.Lstat(dir)
		if err != nil || !fi.IsDir() {
			continue
		}
		f, err := o.root.Open(dir)
		if err != nil {
			continue
		}
		entries, _ := f.ReadDir(-1)
		f.Close()
		for _, e := range entries {
			rel := filepath.Join(dir, e.Name())
			if named[rel] {
				continue
			}
			switch {
			case tempRE.MatchString(e.Name()) && e.Type().IsRegular():
				problems = append(problems, Problem{Path: o.path(rel),
					Reason: "is a temporary file of a genlgen run that did not finish: delete it and regenerate"})
			case e.Type()&fs.ModeSymlink != 0:
				problems = append(problems, Problem{Path: o.path(rel), Warning: true,
					Reason: o.link(rel) + " among the generated files; genlgen never writes through one"})
			case !e.Type().IsRegular() && !e.IsDir():
				problems = append(problems, Problem{Path: o.path(rel), Warning: true,
					Reason: kindProblem(e.Type()) + ", in a directory of generated files"})
			}
		}
	}
	return problems
}
