// Package gen holds what every genlgen renderer shares: the generated
// file set and how it is written to disk or checked against it.
package gen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// File is one generated file.
type File struct {
	// Path is relative to the output directory.
	Path string
	Data []byte
	// UserOwned files are written only when missing (or when forced):
	// users edit them, regeneration must never destroy their work.
	UserOwned bool
}

// WriteOptions controls Write.
type WriteOptions struct {
	// ForceUserOwned overwrites user-owned files too.
	ForceUserOwned bool
}

// Write writes files under dir, creating folders as needed. Generated
// files are replaced only when their content changed, so timestamps (and
// make) see real changes only. It returns the paths written.
func Write(dir string, files []File, opts WriteOptions) ([]string, error) {
	var written []string
	for _, f := range files {
		path := filepath.Join(dir, f.Path)
		old, err := os.ReadFile(path)
		exists := err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return written, fmt.Errorf("genlgen: read %s: %w", path, err)
		}
		if exists && f.UserOwned && !opts.ForceUserOwned {
			continue
		}
		if exists && bytes.Equal(old, f.Data) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return written, fmt.Errorf("genlgen: create %s: %w", filepath.Dir(path), err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			return written, fmt.Errorf("genlgen: write %s: %w", path, err)
		}
		written = append(written, path)
	}
	return written, nil
}

// Problem is one file that does not match what would be generated.
type Problem struct {
	Path   string
	Reason string
}

// Check compares files with what is under dir, writing nothing. A user-owned
// file only has to exist.
func Check(dir string, files []File) ([]Problem, error) {
	var problems []Problem
	for _, f := range files {
		path := filepath.Join(dir, f.Path)
		old, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			problems = append(problems, Problem{Path: path, Reason: "missing"})
		case err != nil:
			return problems, fmt.Errorf("genlgen: read %s: %w", path, err)
		case !f.UserOwned && !bytes.Equal(old, f.Data):
			problems = append(problems, Problem{Path: path, Reason: "differs from the generated version"})
		}
	}
	sort.Slice(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	return problems, nil
}
