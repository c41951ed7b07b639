// Command vmrun boots a kernel under QEMU with kernel modules and test
// binaries in its initramfs, runs the tests and fails unless they all pass
// and the kernel log stays clean.
//
// Usage:
//
//	vmrun [flags] -test 'BINARY [ARGS...]' [-test ...]
//
// Example, loading an out-of-tree module after fou (and fou's dependencies)
// from the kernel's own tree:
//
//	vmrun -kver 6.12.117+deb12-cloud-amd64 -ko fou -ko kmod/doc_exmpl.ko \
//	    -test build/e2e/doc_exmpl.test
//
// Logs go to build/e2e/<name>/ (serial.log, dmesg.log, initramfs.cpio.gz).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/genlgen/genlgen/e2e/vm"
)

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func main() {
	os.Exit(run())
}

func run() int {
	var (
		mods, tests, files listFlag
		cfg                vm.Config
	)
	flag.StringVar(&cfg.Release, "kver", os.Getenv("KVER"), "kernel release to boot (default $KVER)")
	flag.Var(&mods, "ko", "module to load, in order: a .ko[.xz] path, or a module name of the kernel's tree (repeatable)")
	flag.Var(&tests, "test", "test binary and its arguments, split on spaces (repeatable)")
	flag.Var(&files, "file", "extra file as HOSTPATH:GUESTPATH (repeatable)")
	name := flag.String("name", "", "run name, used for the log directory (default: first test's name)")
	out := flag.String("out", "", "log directory (default build/e2e/<name>)")
	flag.StringVar(&cfg.Kernel, "kernel", "", "kernel image (default /boot/vmlinuz-<kver>)")
	flag.StringVar(&cfg.QEMU, "qemu", "", "QEMU binary (default qemu-system-x86_64)")
	flag.StringVar(&cfg.Memory, "mem", "1G", "guest memory")
	flag.IntVar(&cfg.CPUs, "smp", 2, "guest CPUs")
	flag.StringVar(&cfg.Accel, "accel", envOr("GENLGEN_VM_ACCEL", "tcg"), "QEMU accelerator: tcg or kvm (default $GENLGEN_VM_ACCEL or tcg)")
	flag.StringVar(&cfg.CPU, "cpu", "", "QEMU -cpu model (default max, or host with kvm)")
	flag.StringVar(&cfg.Append, "append", "", "extra kernel command line")
	flag.DurationVar(&cfg.Timeout, "timeout", 5*time.Minute, "kill the VM after this long")
	flag.BoolVar(&cfg.AllowSkip, "allow-skip", false, "let guest tests skip (a skip fails the run by default)")
	flag.BoolVar(&cfg.NoUnload, "no-unload", false, "do not rmmod the out-of-tree modules after the tests")
	quiet := flag.Bool("q", false, "do not stream the serial console")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: vmrun [flags] -test 'BINARY [ARGS...]'\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "vmrun: unexpected argument %q (tests go in -test)\n", flag.Arg(0))
		return 2
	}
	if len(tests) == 0 {
		fmt.Fprintln(os.Stderr, "vmrun: need at least one -test")
		return 2
	}

	cfg.Modules = mods
	for _, t := range tests {
		f := strings.Fields(t)
		if len(f) == 0 {
			fmt.Fprintln(os.Stderr, "vmrun: empty -test")
			return 2
		}
		cfg.Tests = append(cfg.Tests, vm.Test{Path: f[0], Args: f[1:]})
	}
	for _, f := range files {
		src, dst, ok := strings.Cut(f, ":")
		if !ok {
			fmt.Fprintf(os.Stderr, "vmrun: -file %q: want HOSTPATH:GUESTPATH\n", f)
			return 2
		}
		cfg.Files = append(cfg.Files, vm.File{Src: src, Dst: dst})
	}
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(cfg.Tests[0].Path), ".test")
	}
	cfg.OutDir = *out
	if cfg.OutDir == "" {
		cfg.OutDir = filepath.Join("build", "e2e", *name)
	}
	if !*quiet {
		cfg.Console = os.Stdout
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := vm.Run(ctx, cfg)
	if res == nil {
		fmt.Fprintln(os.Stderr, "vmrun:", err)
		return 1
	}
	for _, f := range res.FailedBoots {
		fmt.Fprintf(os.Stderr, "vmrun: %s; booted again\n", f)
	}
	for _, t := range res.Tests {
		fmt.Fprintf(os.Stderr, "vmrun: %s: exit %d, %d passed, %d failed, %d skipped\n",
			t.Name, t.Exit, t.Passed, t.Failed, t.Skip)
	}
	timing := fmt.Sprintf("boot-to-poweroff %.1fs (guest: /init at %.2fs, done at %.2fs)",
		res.Elapsed.Seconds(), res.BootUptime, res.DoneUptime)
	if err != nil {
		if *quiet {
			fmt.Fprintf(os.Stderr, "--- last console lines ---\n%s\n---\n", res.Tail(60))
		}
		for _, p := range res.Problems {
			fmt.Fprintln(os.Stderr, "vmrun: FAIL:", p)
		}
		fmt.Fprintf(os.Stderr, "vmrun: FAIL %s; %s; logs in %s\n", *name, timing, res.Dir)
		return 1
	}
	fmt.Fprintf(os.Stderr, "vmrun: PASS %s; %s; logs in %s\n", *name, timing, res.Dir)
	return 0
}
