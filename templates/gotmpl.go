package templates

import "embed"

// Go holds the Go client templates (go/*.tmpl) that internal/gogen renders.
//
//go:embed go
var Go embed.FS
