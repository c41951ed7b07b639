package vm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Test is a binary to run in the guest, with its arguments. A binary whose
// name ends in ".test" (the output of `go test -c`) gets -test.v unless its
// arguments already say.
type Test struct {
	Path string
	Args []string
}

// File is an extra host file copied into the guest at Dst (absolute).
type File struct {
	Src, Dst string
}

// Config says what to boot and what to run. Only Release and Tests are
// required; the rest has defaults that match a Debian host.
type Config struct {
	// Release is the kernel release (uname -r) to boot, e.g.
	// "6.12.117+deb12-cloud-amd64". It picks the kernel image and the
	// modules directory, and out-of-tree modules must be built for it.
	Release string
	// Kernel is the image to boot; default /boot/vmlinuz-<Release>.
	Kernel string
	// ModulesDir holds the release's modules; default
	// /lib/modules/<Release>.
	ModulesDir string
	// Busybox is a static busybox; default /bin/busybox.
	Busybox string
	// QEMU is the emulator binary; default qemu-system-x86_64.
	QEMU string

	// Modules are loaded in this order before the tests run. An entry
	// with a "/" or a .ko[.xz|.zst|.gz] suffix is a file (out-of-tree
	// modules); any other entry is a module name of the kernel's tree,
	// loaded after its dependencies from modules.dep.
	Modules []string
	// Tests run one after the other; all of them run even if one fails.
	Tests []Test
	// Files are copied into the guest as they are.
	Files []File

	// Memory is QEMU's -m value; default "1G".
	Memory string
	// CPUs is QEMU's -smp value; default 2.
	CPUs int
	// Accel is QEMU's accelerator: "tcg" (default, full emulation) or
	// "kvm".
	Accel string
	// CPU is QEMU's -cpu value; default "max", or "host" with KVM.
	CPU string
	// Append is added to the kernel command line.
	Append string
	// Timeout bounds the whole boot; a VM still running then is killed
	// and the run fails. Default 5 minutes.
	Timeout time.Duration

	// AllowSkip lets guest tests skip. By default a skip fails the run:
	// the guest is a controlled machine, so a skip there hides a problem.
	AllowSkip bool
	// NoUnload keeps the out-of-tree modules loaded at the end instead of
	// removing them (and checking that removal works).
	NoUnload bool

	// OutDir receives initramfs.cpio.gz, serial.log and dmesg.log.
	OutDir string
	// Console, when set, receives the serial output as it arrives.
	Console io.Writer
}

func (c *Config) setDefaults() {
	if c.Kernel == "" {
		c.Kernel = "/boot/vmlinuz-" + c.Release
	}
	if c.ModulesDir == "" {
		c.ModulesDir = "/lib/modules/" + c.Release
	}
	if c.Busybox == "" {
		c.Busybox = "/bin/busybox"
	}
	if c.QEMU == "" {
		c.QEMU = "qemu-system-x86_64"
	}
	if c.Accel == "" {
		c.Accel = "tcg"
	}
	if c.Memory == "" {
		c.Memory = "1G"
	}
	if c.CPUs == 0 {
		c.CPUs = 2
	}
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Minute
	}
}

// Missing lists the host prerequisites for booting cfg that are absent:
// the emulator, the kernel image, busybox and the modules directory. Callers
// use it to tell "cannot run here" apart from "ran and failed".
func (c Config) Missing() []string {
	c.setDefaults()
	var miss []string
	if _, err := exec.LookPath(c.QEMU); err != nil {
		miss = append(miss, c.QEMU+" (package qemu-system-x86)")
	}
	if c.Release == "" {
		miss = append(miss, "kernel release (KVER)")
		return miss
	}
	for _, f := range []struct{ path, pkg string }{
		{c.Kernel, "linux-image-" + c.Release},
		{c.Busybox, "busybox-static"},
		{filepath.Join(c.ModulesDir, "modules.dep"), "linux-image-" + c.Release},
	} {
		if _, err := os.Stat(f.path); err != nil {
			miss = append(miss, fmt.Sprintf("%s (package %s)", f.path, f.pkg))
		}
	}
	return miss
}

// bootAttempts is how many times Run boots the guest when it fails before
// its /init starts. Under full emulation with several CPUs the 6.12 kernel
// now and then oopses on a breakpoint while patching its own text during
// boot (seen once: "Oops: int3" in sched_clock_cpu at 1.9 s, no module
// loaded yet); that says nothing about the run, so the boot is retried.
const bootAttempts = 3

// Run builds the initramfs, boots it and judges the output. The Result is
// returned whenever the VM was started, also on failure, so callers can show
// its log; the error says why the run failed. A boot that fails before the
// guest's /init starts is retried (bootAttempts), and Result.FailedBoots
// says why.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg.setDefaults()
	if len(cfg.Tests) == 0 {
		return nil, errors.New("vm: no test binary to run")
	}
	if m := cfg.Missing(); len(m) > 0 {
		return nil, fmt.Errorf("vm: missing on this host: %s", strings.Join(m, ", "))
	}
	if cfg.OutDir == "" {
		return nil, errors.New("vm: no output directory")
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("vm: %w", err)
	}
	mods, err := resolveModules(cfg.Modules, cfg.Release, cfg.ModulesDir)
	if err != nil {
		return nil, fmt.Errorf("vm: modules: %w", err)
	}
	initrd := filepath.Join(cfg.OutDir, "initramfs.cpio.gz")
	if err := buildInitramfs(&cfg, mods, initrd); err != nil {
		return nil, fmt.Errorf("vm: initramfs: %w", err)
	}
	var (
		res    *Result
		failed []string
	)
	for attempt := 1; ; attempt++ {
		serial, elapsed, timedOut, err := boot(ctx, &cfg, initrd)
		if err != nil {
			return nil, fmt.Errorf("vm: %w", err)
		}
		res = analyze(serial, cfg.AllowSkip)
		res.Elapsed = elapsed
		res.TimedOut = timedOut
		res.Dir = cfg.OutDir
		if timedOut {
			res.Problems = append([]string{fmt.Sprintf("VM killed after the %s timeout", cfg.Timeout)}, res.Problems...)
		}
		if !res.failedBeforeInit() || attempt == bootAttempts || ctx.Err() != nil {
			break
		}
		// Keep the failed boot's console log next to the next one's.
		why := fmt.Sprintf("boot %d failed before /init: %s", attempt, res.Problems[0])
		old := filepath.Join(cfg.OutDir, "serial.log")
		if err := os.Rename(old, filepath.Join(cfg.OutDir, fmt.Sprintf("serial.boot%d.log", attempt))); err != nil {
			return nil, fmt.Errorf("vm: %w", err)
		}
		failed = append(failed, why)
	}
	res.FailedBoots = failed
	klog := strings.Join(res.KernelLog, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(cfg.OutDir, "dmesg.log"), []byte(klog), 0o644); err != nil {
		return res, fmt.Errorf("vm: %w", err)
	}
	return res, res.Err()
}

// accelArgs returns QEMU's accelerator and CPU options. Full emulation is
// the default: hosts that expose /dev/kvm inside a sandbox often cannot run
// a guest with it (QEMU aborts on MSR writes or reports internal errors).
func accelArgs(accel, cpu string) []string {
	if cpu == "" {
		cpu = "max"
		if accel == "kvm" {
			cpu = "host"
		}
	}
	return []string{"-accel", accel, "-cpu", cpu}
}

// boot runs QEMU until the guest powers off or the timeout hits, and returns
// everything the serial console printed.
func boot(ctx context.Context, cfg *Config, initrd string) (serial []byte, elapsed time.Duration, timedOut bool, err error) {
	logPath := filepath.Join(cfg.OutDir, "serial.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, 0, false, err
	}
	defer logFile.Close()

	// Under full emulation on a busy host the guest clock can leap by
	// tens of seconds; the lockup and RCU stall detectors then report
	// "BUG: soft lockup" for code that is merely slow. A real hang still
	// fails the run through the timeout.
	cmdline := "console=ttyS0 panic=-1 quiet nowatchdog rcupdate.rcu_cpu_stall_timeout=300"
	if cfg.Append != "" {
		cmdline += " " + cfg.Append
	}
	args := []string{
		"-m", cfg.Memory,
		"-smp", fmt.Sprint(cfg.CPUs),
		"-nographic", "-no-reboot",
		"-nic", "none",
	}
	args = append(args, accelArgs(cfg.Accel, cfg.CPU)...)
	args = append(args, "-kernel", cfg.Kernel, "-initrd", initrd, "-append", cmdline)

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	var buf bytes.Buffer
	sinks := []io.Writer{&buf, logFile}
	if cfg.Console != nil {
		sinks = append(sinks, cfg.Console)
	}
	cmd := exec.CommandContext(ctx, cfg.QEMU, args...)
	cmd.Stdout = io.MultiWriter(sinks...)
	cmd.Stderr = cmd.Stdout
	cmd.WaitDelay = 5 * time.Second
	fmt.Fprintf(logFile, "# %s %s\n", cfg.QEMU, strings.Join(args, " "))

	start := time.Now()
	runErr := cmd.Run()
	elapsed = time.Since(start)
	if ctx.Err() == context.DeadlineExceeded {
		return buf.Bytes(), elapsed, true, nil
	}
	if runErr != nil {
		// QEMU itself failed (bad option, missing file). The guest
		// output, if any, is still judged by the caller.
		var ee *exec.ExitError
		if !errors.As(runErr, &ee) {
			return nil, elapsed, false, fmt.Errorf("run %s: %w", cfg.QEMU, runErr)
		}
		fmt.Fprintf(&buf, "\n%s%s exited: %v\n", markerError, cfg.QEMU, runErr)
	}
	return buf.Bytes(), elapsed, false, nil
}
