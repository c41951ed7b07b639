// Package vm boots a kernel under QEMU with a throwaway initramfs, runs test
// binaries inside it and judges the result from the serial console.
//
// The initramfs holds busybox, the kernel modules to load (out-of-tree .ko
// files, or modules from the kernel's own tree together with their
// dependencies), the test binaries and any extra files. Its /init mounts the
// usual pseudo filesystems, brings up lo, loads the modules in order, runs
// every test, unloads the out-of-tree modules, dumps the kernel log between
// markers and powers the machine off.
//
// The host side fails the run when the exit marker is missing (the VM hung or
// panicked), when a test failed, skipped or ran no test, or when the kernel
// log shows a warning, a BUG, an oops or a sanitizer report.
package vm
