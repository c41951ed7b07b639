// Package fuzzdecode holds the fuzz targets for the reply decoders of the
// checked-in generated clients (doc_exmpl, nlctrl, netdev, ethtool and
// devlink). It has no code of its own: everything is in its tests, kept
// here rather than next to the generated packages so that regenerating
// them never has to care about hand-written files.
//
// Each target picks one of its package's attribute-set types (every type
// with a Decode method, which includes every reply type) with the input's
// first byte and decodes the rest as that type's attributes. It checks
// that decoding never panics, that it allocates at most a bounded multiple
// of the input's size, and that every value that decodes survives
// encode-then-decode unchanged, with the encoding canonical (encoding the
// second decode gives the same bytes again).
//
//	go test ./internal/fuzzdecode -run '^$' -fuzz '^FuzzDevlink$' -fuzzminimizetime 2s
package fuzzdecode
