package vm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// kernelProblems match kernel log lines that fail a run whatever the tests
// said: warnings, BUGs, oopses, memory-safety and refcount reports, panics,
// lockups and leaks.
var kernelProblems = regexp.MustCompile(`WARNING:|BUG:|Oops|general protection|refcount_t|KASAN|UBSAN|Kernel panic|INFO: task .* blocked|detected stall|soft lockup|hard LOCKUP|unreferenced object`)

// kernelLine matches a kernel console line with its printk timestamp.
var kernelLine = regexp.MustCompile(`^\s*<?\d*>?\[\s*\d+\.\d+\]`)

// Result is what a run printed and how it was judged.
type Result struct {
	Serial     string        // everything the console printed
	KernelLog  []string      // the guest's dmesg, or the kernel lines of Serial without it
	ExitStatus int           // the guest's exit marker, -1 when missing
	BootUptime float64       // guest seconds from kernel start to /init
	DoneUptime float64       // guest seconds from kernel start to the end
	Elapsed    time.Duration // host time from starting QEMU to its exit
	TimedOut   bool          // the VM was killed by the timeout
	Tests      []TestResult  // one per test binary, in run order
	Problems   []string      // why the run failed; empty when it passed
	Dir        string        // where the logs are
	// FailedBoots says why earlier boots of this run were retried: the
	// emulated machine failed before the guest's /init started, so nothing
	// of the run (modules, tests) had been reached.
	FailedBoots []string
	sawDmesgEnd bool
	sawBooted   bool // the guest's /init started
}

// failedBeforeInit reports whether the guest failed before its /init
// started (a kernel panic while booting, say): a failure of the emulated
// machine, not of anything the run loads or tests.
func (r *Result) failedBeforeInit() bool {
	return !r.sawBooted && !r.TimedOut && len(r.Problems) > 0
}

// TestResult is the outcome of one test binary in the guest.
type TestResult struct {
	Name   string
	Exit   int // -1 when the binary never finished
	Passed int // "--- PASS" lines
	Failed int // "--- FAIL" lines
	Skip   int // "--- SKIP" lines
}

// Err summarises the problems, or returns nil when the run passed.
func (r *Result) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	return fmt.Errorf("vm: e2e run failed: %s", strings.Join(r.Problems, "; "))
}

// Tail returns the last n lines of the console output.
func (r *Result) Tail(n int) string {
	lines := strings.Split(strings.TrimRight(r.Serial, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// analyze reads the serial console output of a run.
func analyze(serial []byte, allowSkip bool) *Result {
	r := &Result{Serial: string(serial), ExitStatus: -1}
	var (
		cur       *TestResult // test running at this point of the log
		inDmesg   bool
		exitSeen  bool
		consoleKL []string // kernel lines printed to the console directly
	)
	problem := func(format string, args ...any) {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
	for _, line := range strings.Split(r.Serial, "\n") {
		line = strings.TrimRight(line, "\r")
		// A marker may follow kernel output on the same console line.
		marker := line
		if i := strings.Index(line, "GENLGEN-E2E-"); i > 0 {
			marker = line[i:]
		}
		switch {
		case inDmesg && marker == markerDmesgEnd:
			inDmesg = false
			r.sawDmesgEnd = true
			continue
		case inDmesg:
			r.KernelLog = append(r.KernelLog, line)
			continue
		case marker == markerDmesgBegin:
			inDmesg = true
			continue
		case strings.HasPrefix(marker, markerBooted):
			r.BootUptime = uptime(marker)
			r.sawBooted = true
		case strings.HasPrefix(marker, markerDone):
			r.DoneUptime = uptime(marker)
		case strings.HasPrefix(marker, markerExit):
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(marker, markerExit)))
			if err == nil {
				r.ExitStatus = n
				exitSeen = true
			}
		case strings.HasPrefix(marker, markerError):
			problem("%s", strings.TrimPrefix(marker, markerError))
		case strings.HasPrefix(marker, markerRun):
			r.Tests = append(r.Tests, TestResult{Name: unquote(strings.TrimPrefix(marker, markerRun)), Exit: -1})
			cur = &r.Tests[len(r.Tests)-1]
		case strings.HasPrefix(marker, markerRan) && cur != nil:
			if _, rc, ok := strings.Cut(marker, " rc="); ok {
				cur.Exit, _ = strconv.Atoi(strings.TrimSpace(rc))
			}
			cur = nil
		case cur != nil:
			t := strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(t, "--- PASS"):
				cur.Passed++
			case strings.HasPrefix(t, "--- FAIL"):
				cur.Failed++
				problem("%s: %s", cur.Name, t)
			case strings.HasPrefix(t, "--- SKIP"):
				cur.Skip++
				if !allowSkip {
					problem("%s: %s (skips fail e2e runs)", cur.Name, t)
				}
			case strings.Contains(t, "no tests to run"):
				problem("%s: ran no test", cur.Name)
			}
		}
		if kernelLine.MatchString(line) {
			consoleKL = append(consoleKL, line)
		}
	}

	if !r.sawDmesgEnd {
		// The guest never dumped its log: judge what reached the console.
		r.KernelLog = consoleKL
	}
	seen := make(map[string]bool)
	for _, l := range append(append([]string(nil), r.KernelLog...), consoleKL...) {
		if kernelProblems.MatchString(l) && !seen[l] {
			seen[l] = true
			problem("kernel: %s", strings.TrimSpace(l))
		}
	}
	for _, t := range r.Tests {
		if t.Exit == -1 {
			problem("%s: never finished", t.Name)
		} else if t.Exit != 0 {
			problem("%s: exit status %d", t.Name, t.Exit)
		}
	}
	switch {
	case !exitSeen:
		problem("no %s marker: the VM hung, panicked or was killed", strings.TrimSuffix(markerExit, "="))
	case r.ExitStatus != 0 && len(r.Problems) == 0:
		problem("guest exit status %d", r.ExitStatus)
	}
	return r
}

// uptime reads the "uptime=<seconds>" field of a marker line.
func uptime(line string) float64 {
	_, v, _ := strings.Cut(line, "uptime=")
	f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return f
}

// unquote undoes the single quotes the init script puts around names.
func unquote(s string) string {
	return strings.Trim(strings.TrimSpace(s), "'")
}
