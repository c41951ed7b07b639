package vm

import (
	"strings"
	"testing"
)

// console builds a serial log from lines.
func console(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

const passingRun = `GENLGEN-E2E-BOOTED uptime=3.10
GENLGEN-E2E-RUN 'smoke.test'
=== RUN   TestA
--- PASS: TestA (0.00s)
PASS
GENLGEN-E2E-RAN 'smoke.test' rc=0
GENLGEN-E2E-DMESG-BEGIN
[    0.000000] Linux version 6.12.0
[    0.000000] Kernel command line: console=ttyS0 nowatchdog rcupdate.rcu_cpu_stall_timeout=300
[    0.000000] 	RCU CPU stall warnings timeout set to 300 (rcu_cpu_stall_timeout).
[    3.400000] hello: loading out-of-tree module taints kernel.
GENLGEN-E2E-DMESG-END
GENLGEN-E2E-DONE uptime=3.90
GENLGEN-E2E-EXIT=0`

func TestAnalyzePass(t *testing.T) {
	r := analyze(console(strings.Split(passingRun, "\n")...), false)
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if r.BootUptime != 3.1 || r.DoneUptime != 3.9 || r.ExitStatus != 0 {
		t.Errorf("uptimes %v %v exit %d", r.BootUptime, r.DoneUptime, r.ExitStatus)
	}
	if len(r.KernelLog) != 4 {
		t.Errorf("kernel log = %q", r.KernelLog)
	}
	if len(r.Tests) != 1 || r.Tests[0].Name != "smoke.test" || r.Tests[0].Passed != 1 {
		t.Errorf("tests = %+v", r.Tests)
	}
}

func TestAnalyzeFailures(t *testing.T) {
	for _, tc := range []struct {
		name      string
		edit      func(string) string
		allowSkip bool
		want      string
	}{
		{"test fails", func(s string) string {
			s = strings.Replace(s, "--- PASS: TestA", "--- FAIL: TestA", 1)
			return strings.Replace(s, "rc=0", "rc=1", 1)
		}, false, "--- FAIL: TestA"},
		{"exit status", func(s string) string {
			return strings.Replace(s, "EXIT=0", "EXIT=2", 1)
		}, false, "guest exit status 2"},
		{"hung", func(s string) string {
			return s[:strings.Index(s, "GENLGEN-E2E-RAN")]
		}, false, "no GENLGEN-E2E-EXIT marker"},
		{"kernel warning", func(s string) string {
			return strings.Replace(s, "[    3.400000] hello", "[    3.500000] WARNING: CPU: 1 PID: 1 at x.c:3\n[    3.400000] hello", 1)
		}, false, "kernel: [    3.500000] WARNING: CPU: 1"},
		{"refcount", func(s string) string {
			return strings.Replace(s, "[    3.400000] hello", "[    3.5] refcount_t: underflow; use-after-free.\n[    3.400000] hello", 1)
		}, false, "refcount_t: underflow"},
		{"panic on console", func(s string) string {
			return s[:strings.Index(s, "GENLGEN-E2E-DMESG-BEGIN")] + "[    9.0] Kernel panic - not syncing: x\n"
		}, false, "Kernel panic"},
		{"rcu stall", func(s string) string {
			return strings.Replace(s, "[    3.400000] hello", "[   25.1] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n[    3.400000] hello", 1)
		}, false, "detected stalls"},
		{"skip", func(s string) string {
			return strings.Replace(s, "--- PASS: TestA", "--- SKIP: TestA", 1)
		}, false, "skips fail"},
		{"no tests", func(s string) string {
			return strings.Replace(s, "--- PASS: TestA (0.00s)", "testing: warning: no tests to run", 1)
		}, false, "ran no test"},
		{"insmod", func(s string) string {
			return strings.Replace(s, "GENLGEN-E2E-RUN", "GENLGEN-E2E-ERROR insmod x failed\nGENLGEN-E2E-RUN", 1)
		}, false, "insmod x failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := tc.edit(passingRun)
			err := analyze(console(strings.Split(log, "\n")...), tc.allowSkip).Err()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestAnalyzeAllowSkip(t *testing.T) {
	log := strings.Replace(passingRun, "--- PASS: TestA", "--- SKIP: TestA", 1)
	if err := analyze(console(strings.Split(log, "\n")...), true).Err(); err != nil {
		t.Fatal(err)
	}
}

func TestFailedBeforeInit(t *testing.T) {
	bootPanic := console(
		"[    1.911012] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI",
		"[    1.912000] RIP: 0010:sched_clock_cpu+0x9/0x190",
		"[    1.915679] Kernel panic - not syncing: Fatal exception in interrupt",
	)
	r := analyze(bootPanic, false)
	if r.Err() == nil || !r.failedBeforeInit() {
		t.Errorf("a panic before /init: err %v, failedBeforeInit %v; want a failure before init", r.Err(), r.failedBeforeInit())
	}
	r.TimedOut = true
	if r.failedBeforeInit() {
		t.Error("a boot that hung until the timeout is not retried")
	}

	// Once /init has started, any failure is the run's own.
	lines := strings.Split(passingRun, "\n")
	lines = append(lines[:2:2], append([]string{"[    3.500000] Oops: general protection fault"}, lines[2:]...)...)
	r = analyze(console(lines...), false)
	if r.Err() == nil || r.failedBeforeInit() {
		t.Errorf("an oops after /init: err %v, failedBeforeInit %v; want a failure of the run", r.Err(), r.failedBeforeInit())
	}
	if r = analyze(console(strings.Split(passingRun, "\n")...), false); r.failedBeforeInit() {
		t.Error("a passing run failed before init")
	}
}
