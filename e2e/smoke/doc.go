// Package smoke holds the guest side of the e2e harness's smoke test. Its
// tests carry the e2e_guest build tag: they only make sense inside the QEMU
// guest that e2e/vm boots, with e2e/testdata/hello loaded. Build them with
//
//	CGO_ENABLED=0 go test -c -tags e2e_guest -o build/e2e/smoke.test ./e2e/smoke
package smoke
