// Package gogen renders the Go client package for a resolved spec.
package gogen

import (
	"errors"

	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/spec"
)

// Options controls Go generation.
type Options struct{}

// Generate renders the Go package files for f.
func Generate(f *spec.Family, opts Options) ([]gen.File, error) {
	return nil, errors.New("genlgen: Go generator not written yet")
}
