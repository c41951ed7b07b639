// Package e2ealltypes holds the e2e-alltypes suite: every attribute type
// and kind of the all-types spec (internal/gogen/testdata/alltypes.yaml)
// sent from Go through the kernel and back. Its guest tests carry the
// e2e_guest build tag and run inside the QEMU guest that e2e/vm boots with
// the alltypes module loaded, whose handlers (kmod/alltypes_main.c) are
// written on the typed helpers genlgen generates into alltypes-nl.c:
//
//   - thousands of random valid echo requests (seeded, the seed logged):
//     each reply, and the echo-ntf notification it causes, must equal the
//     request field by field; dumps of up to 1,000 entries must list the
//     request with count set to each entry's index;
//   - random invalid values of every checked attribute and malformed
//     attributes of the fixed-size types, each rejected with EINVAL or
//     ERANGE and an extended ACK naming the attribute;
//   - the slab stays flat across a second batch, the kernel log stays
//     clean, and the module unloads.
//
// The client it dials is internal/gogen/alltypes, the one the Go
// round-trip tests use (internal/gogen's TestAllTypesUpToDate keeps it
// current).
//
// The Makefile's e2e-alltypes rule builds and runs it; by hand:
//
//	CGO_ENABLED=0 go test -c -tags e2e_guest -o build/e2e/alltypes.test ./e2e/alltypes
package e2ealltypes
