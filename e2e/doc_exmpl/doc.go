// Package docexmpl holds the guest side of the doc_exmpl e2e suite: tests
// that drive the DOC_EXMPL family of kmod/doc_exmpl.ko through the
// generated Go client (examples/doc_exmpl/docexmpl) inside the QEMU guest
// that e2e/vm boots, plus the generated clients of the kernel's own nlctrl
// and netdev families.
//
// Every test file carries the e2e_guest build tag: the tests load and
// unload the module, drop privileges and change sysctls, which only makes
// sense in the throwaway guest. `make e2e-doc_exmpl` builds them with
//
//	CGO_ENABLED=0 go test -c -tags e2e_guest -o build/e2e/doc_exmpl.test ./e2e/doc_exmpl
//
// and runs the binary through vmrun with the module loaded.
package docexmpl
