// Package storm holds the e2e-storm suite: hostile input for generated
// kernel modules, and the safe defaults genlgen gives them. Its tests
// carry the e2e_guest build tag and run only inside the QEMU guest that
// e2e/vm boots with four modules loaded:
//
//   - doc_exmpl (kmod/), which takes two storms of 100,000 random and
//     mutated generic netlink messages from four raw sockets, and must
//     afterwards still echo correctly, hold no module reference and show
//     no slab growth from the second storm beyond a tolerance;
//   - alltypes (e2e/alltypes/kmod: nested sets, one that nests itself,
//     every attribute type), which takes two rounds of deeper attacks
//     (TestAlltypesStorm): a storm like doc_exmpl's with depth bombs,
//     edge lengths and datagrams past 8 KiB among its messages; depth
//     bombs past the kernel's nesting limit on every nest path; every
//     attribute type at lengths 0 to 3, both sides of each size and
//     nla_len 0xffff; the largest datagrams the socket takes; dumps
//     abandoned half-read on 120 sockets; requests from nobody and from
//     new network (and user) namespaces under a notification flood with
//     subscribers of the smallest receive buffer. After each round it
//     must echo, notify and dump correctly and hold no reference, the
//     slab must stay flat across the second round and the kernel log
//     clean. Last (TestUnloadUnderLoad), it is unloaded while requests
//     and dumps are in flight: rmmod fails cleanly while dumps hold it,
//     succeeds once they are gone, and the module answers again after
//     insmod;
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
