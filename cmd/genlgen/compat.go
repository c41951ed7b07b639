package main

// The compatibility guard: `genlgen -compat OLD NEW` compares two versions
// of a spec (internal/compat says what each change does), and every -go or
// -kmod regeneration compares the numbers of the generated files it
// replaces with the new ones.
//
// Exit status of -compat: 1 when a change is breaking, 0 otherwise (other
// findings are listed), 2 on misuse or when a version cannot be read or
// loaded.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/genlgen/genlgen/internal/compat"
	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/spec"
)

// compatConfig is what the compatibility flags ask for.
type compatConfig struct {
	// on is -compat: compare the two specs given instead of generating.
	on bool
	// json is -json: print -compat's findings as JSON.
	json bool
	// strict is -compat-strict: a regeneration that renumbers fails.
	strict bool
}

func (cc *compatConfig) flags(fs *flag.FlagSet) {
	fs.BoolVar(&cc.on, "compat", false, "compare two versions of a spec, `genlgen -compat OLD NEW` (each a file, or REV:path read with git show): list what changed and whom it breaks; exit 1 if anything is breaking")
	fs.BoolVar(&cc.json, "json", false, "with -compat, print the findings as JSON")
	fs.BoolVar(&cc.strict, "compat-strict", false, "fail (exit 1, writing nothing) instead of warning when -go or -kmod would renumber what the generated files there hold")
}

// compatMisuse says what is wrong with a -compat command line, nil if
// nothing.
func (c *config) compatMisuse() error {
	switch {
	case !c.compat.on:
		return errors.New("-json applies to -compat only")
	case len(c.specs) != 2:
		return fmt.Errorf("-compat takes two specs, OLD and NEW, not %d", len(c.specs))
	case c.goDir != "" || c.kmodDir != "" || c.check || c.familyName != "" || c.compat.strict:
		return errors.New("-compat compares and writes nothing: it does not combine with -go, -kmod, -check, -family-name or -compat-strict")
	}
	return nil
}

// compare runs -compat and returns the exit status.
func (c *config) compare(stdout, stderr io.Writer) int {
	if err := c.compatMisuse(); err != nil {
		fmt.Fprintf(stderr, "genlgen: %v\nusage: genlgen -compat [-json] OLD NEW\n", err)
		return 2
	}
	var fams [2]*spec.Family
	for i, arg := range c.specs {
		f, err := loadVersion(arg)
		if err != nil {
			fmt.Fprintln(stderr, err)
			fmt.Fprintf(stderr, "genlgen: -compat: cannot compare: %s does not load\n", arg)
			return 2
		}
		fams[i] = f
	}
	findings := compat.Compare(fams[0], fams[1])
	n := compat.Count(findings)
	if c.compat.json {
		report := struct {
			Old      string               `json:"old"`
			New      string               `json:"new"`
			Breaking bool                 `json:"breaking"`
			Counts   map[compat.Class]int `json:"counts"`
			Findings []compat.Finding     `json:"findings"`
		}{c.specs[0], c.specs[1], compat.HasBreaking(findings), n, append([]compat.Finding{}, findings...)}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintf(stderr, "genlgen: -compat: %v\n", err)
			return 2
		}
	} else {
		for _, f := range findings {
			fmt.Fprintln(stdout, f)
		}
		fmt.Fprintf(stderr, "genlgen: %s -> %s: %d breaking, %d source-breaking, %d compatible, %d doc-only\n",
			c.specs[0], c.specs[1], n[compat.Breaking], n[compat.SourceBreaking], n[compat.Compatible], n[compat.DocOnly])
	}
	if compat.HasBreaking(findings) {
		return 1
	}
	return 0
}

// loadVersion loads one side of -compat: the file arg, or when no such
// file exists and arg is REV:path, that path as git holds it at REV (git
// show REV:path, run where genlgen runs); positions then name REV:path.
func loadVersion(arg string) (*spec.Family, error) {
	rev, path, isRev := strings.Cut(arg, ":")
	if _, err := os.Stat(arg); err == nil || !isRev || rev == "" || path == "" {
		return spec.Load(arg)
	}
	out, err := exec.Command("git", "show", arg).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return nil, fmt.Errorf("genlgen: git show %s: %s", arg, strings.TrimSpace(string(ee.Stderr)))
		}
		return nil, fmt.Errorf("genlgen: git show %s: %w", arg, err)
	}
	return spec.Parse(arg, out)
}

// guard is the renumber guard of a regeneration: when dir already holds
// genlgen's generated files for what files would replace, it compares the
// numbers those hold (compat.Scan) with the new ones and names each that
// moved, since programs built from the old files would now misread the
// family. It warns even with -q (this is not advice but a break in the
// making), or with -compat-strict fails, so that nothing is written, and
// returns 1.
func (c *config) guard(dir string, files []gen.File, stderr io.Writer) int {
	old, new := map[string][]byte{}, map[string][]byte{}
	for _, f := range files {
		if f.UserOwned {
			continue
		}
		// Only a regular file is read: a link or a FIFO planted where a
		// generated file goes is the writer's to refuse, not to follow.
		p := filepath.Join(dir, f.Path)
		if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil || !compat.IsGenerated(data) {
			continue
		}
		old[f.Path], new[f.Path] = data, f.Data
	}
	moved := compat.Renumbered(compat.Scan(old), compat.Scan(new))
	if len(moved) == 0 {
		return 0
	}
	kind := "warning"
	if c.compat.strict {
		kind = "error"
	}
	for _, r := range moved {
		fmt.Fprintf(stderr, "%s: %s: renumbered: %s in the files there, %s now\n", filepath.Join(dir, r.Item), kind, r.Old, r.New)
	}
	moves := "1 number moved"
	if len(moved) > 1 {
		moves = fmt.Sprintf("%d numbers moved", len(moved))
	}
	advice := "programs built from the files there will misread the family; review the change with genlgen -compat OLD NEW"
	if c.compat.strict {
		fmt.Fprintf(stderr, "genlgen: %s: not written (-compat-strict): %s; %s\n", dir, moves, advice)
		return 1
	}
	fmt.Fprintf(stderr, "genlgen: %s: %s; %s\n", dir, moves, advice)
	return 0
}
