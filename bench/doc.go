// Package bench holds genlgen's performance benchmarks: generated clients
// against raw system-call loops, mdlayher/genetlink and (through the C
// programs in bench/c) the kernel's libynl; generated codecs against
// hand-written mdlayher/netlink AttributeEncoder/AttributeDecoder code; and
// code generation over the spec corpus. BENCHMARKS.md says what each
// benchmark measures, how to run it and what it gave.
//
// The package has no code of its own: everything is in _test.go files.
package bench
