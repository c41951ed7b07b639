// Package kgen renders the kernel module (uAPI header, policies, ops,
// family, handler stubs, Kbuild) for a resolved spec.
//
// The output follows the shape of the kernel's own YNL-generated files:
// <family>.h is the uAPI header, <family>-nl.h and <family>-nl.c hold the
// policies, the ops table (small ops with one family-wide policy for
// kernel-policy global, full ops with a policy each for per-op, split ops
// for split), the multicast groups and the family (all regenerated), and
// <family>_main.c holds the handlers, which genlgen writes once as stubs
// and never overwrites: regeneration only appends the stubs of the
// functions it lacks (gen.File.Required).
package kgen

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/spec"
	"github.com/genlgen/genlgen/templates"
)

// Options controls kernel module generation.
type Options struct {
	// FamilyName registers the family under another name and names the
	// module after it (so the module can load beside the kernel's family
	// and module of the spec's name). The uAPI header and the C
	// identifiers keep the spec's name.
	FamilyName string
	// NoNetns registers the family for the initial network namespace
	// only (netnsok = false). By default the family works in every
	// namespace, as the kernel's generated families do.
	NoNetns bool
}

var tmpl = template.Must(template.New("kmod").ParseFS(templates.Kmod, "kmod/*.tmpl"))

// Generate renders the kernel module files for f.
func Generate(f *spec.Family, opts Options) ([]gen.File, error) {
	if len(opts.FamilyName) > 15 {
		return nil, fmt.Errorf("genlgen: kmod: family name %q is longer than 15 bytes (GENL_NAMSIZ - 1)", opts.FamilyName)
	}
	if strings.TrimLeft(opts.FamilyName, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		return nil, fmt.Errorf("genlgen: kmod: family name %q names the module: only letters, digits, '_' and '-' are allowed", opts.FamilyName)
	}
	v, err := newView(f, opts)
	if err != nil {
		return nil, err
	}
	outputs := []struct {
		tmpl, path string
		user       bool
	}{
		{"uapi.h.tmpl", v.UAPIFile, false},
		{"nl.h.tmpl", v.NlHFile, false},
		{"nl.c.tmpl", v.NlCFile, false},
		{"main.c.tmpl", v.MainFile, true},
		{"Kbuild.tmpl", "Kbuild", false},
		{"Makefile.tmpl", "Makefile", false},
	}
	var files []gen.File
	for _, o := range outputs {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, o.tmpl, v); err != nil {
			return nil, fmt.Errorf("genlgen: kmod: render %s: %w", o.path, err)
		}
		files = append(files, gen.File{Path: o.path, Data: buf.Bytes(), UserOwned: o.user})
	}
	// The handler file must define what the ops table and the family use:
	// regeneration appends the stubs of what it lacks.
	for i := range files {
		if files[i].UserOwned {
			if files[i].Required, err = required(v); err != nil {
				return nil, err
			}
			files[i].Stale = staleRE(v)
		}
	}
	return files, nil
}
