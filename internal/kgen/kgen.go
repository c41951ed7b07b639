// Package kgen renders the kernel module (uAPI header, policies, ops,
// family, handler stubs, Kbuild) for a resolved spec.
package kgen

import (
	"errors"

	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/spec"
)

// Options controls kernel module generation.
type Options struct {
	// FamilyName registers the family under another name.
	FamilyName string
}

// Generate renders the kernel module files for f.
func Generate(f *spec.Family, opts Options) ([]gen.File, error) {
	return nil, errors.New("genlgen: kernel generator not written yet")
}
