// Package templates holds the text/template files genlgen renders,
// embedded so the binary needs nothing at run time.
package templates

import "embed"

// Kmod holds the kernel module templates (kmod/*.tmpl).
//
//go:embed kmod
var Kmod embed.FS
