// Package parity compares what genlgen generates with what the Linux kernel
// itself does for the same YNL specs, in two ways:
//
//   - Policy parity: inside the QEMU guest (see e2e/), genlgen's kernel
//     module for a spec is loaded beside the kernel's own family, and nlctrl's
//     getfamily and getpolicy dumps of both are taken (Take). On the host,
//     each snapshot is turned into a Model keyed by the spec's op and
//     attribute names, with policy indexes replaced by the path from the op's
//     root policy (Normalise), and the two Models are compared (Compare).
//
//   - Policy parity with the kernel's generator on the 7.3 specs: for every
//     genetlink spec of the Linux 7.3 corpus, the kernel's own YNL
//     generator's kernel code (ynl_gen_c.py --mode kernel) is built into a
//     module registering <spec>_yk (parity/cmd/paritymods, BuildYNLModule)
//     and loaded in the same guest beside genlgen's module of the spec,
//     <spec>_g7; their snapshots are compared the same way. The generator
//     is only run, into build/; none of its code is in the repository.
//
//   - Data parity: on the host, the kernel's Python YNL client (cli.py) and
//     a genlgen-generated Go client run the same read-only op against the
//     host kernel, and their JSON outputs are compared after normalising
//     (see data.go).
//
// The guest test (build tag e2e_guest) only collects snapshots and prints
// them on the console; the parity command (parity/cmd/parity) compares,
// judges the differences against KnownPolicy, KnownPolicy73 and KnownData
// and writes PARITY.md. `make parity` builds the modules (paritymods), boots
// the guest once and runs the parity command.
package parity
