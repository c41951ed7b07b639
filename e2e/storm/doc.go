// Package storm holds the e2e-storm suite: hostile input for a generated
// kernel module, and the safe defaults genlgen gives it. Its tests carry
// the e2e_guest build tag and run only inside the QEMU guest that e2e/vm
// boots with three modules loaded:
//
//   - doc_exmpl (kmod/), which takes two storms of 100,000 random and
//     mutated generic netlink messages from four raw sockets, and must
//     afterwards still echo correctly, hold no module reference and show
//     no slab growth from the second storm beyond a tolerance;
//   - gg_perm (testdata/perm.yaml), with one operation per permission
//     flag, probed as root, as nobody and from new user and network
//     namespaces;
//   - gg_local (testdata/local.yaml, generated with -netnsok=false), which
//     must be unreachable from any network namespace but the initial one.
//
// The Makefile's e2e-storm rule builds and runs it; by hand:
//
//	CGO_ENABLED=0 go test -c -tags e2e_guest -o build/e2e/storm.test ./e2e/storm
package storm
