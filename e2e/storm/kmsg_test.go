//go:build e2e_guest

package storm

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// kernelProblems are the kernel log lines that fail a test: e2e/vm's
// list (which judges the whole log after the run) and the traces and
// netlink complaints that come with them.
var kernelProblems = regexp.MustCompile(`WARNING:|BUG:|Oops|general protection|refcount_t|KASAN|UBSAN|Kernel panic|INFO: task .* blocked|detected stall|soft lockup|hard LOCKUP|unreferenced object|Call Trace|Freeing alive netlink socket|page allocation failure`)

// kernelNotices are the lines hostile input is expected to cause, by the
// name the figures give them: the policy's rate-limited notices about
// attributes of the wrong length and bytes left after the attributes,
// printk's count of what it suppressed, netlink's once-only notice of a
// zero-length datagram, the suite's own drop_caches, and what the
// emulated machine (QEMU without KVM) reports on its own: a slow timer
// interrupt, the clocksource calibrated late in the boot.
var kernelNotices = []struct {
	name string
	re   *regexp.Regexp
}{
	{"invalid length", regexp.MustCompile(`^netlink: '.*': attribute type \d+ has an invalid length\.$`)},
	{"bytes leftover", regexp.MustCompile(`^netlink: \d+ bytes leftover after parsing attributes in process `)},
	{"callbacks suppressed", regexp.MustCompile(`: \d+ callbacks suppressed$`)},
	{"zero-length datagram", regexp.MustCompile(`^Zero length message leads to an empty skb$`)},
	{"drop_caches", regexp.MustCompile(`\): drop_caches: \d+$`)},
	{"slow timer interrupt", regexp.MustCompile(`^hrtimer: interrupt took \d+ ns$`)},
	{"clocksource", regexp.MustCompile(`^(clocksource|tsc): `)},
}

// kmsg reads the kernel log records written after it was opened.
type kmsg struct{ fd int }

// watchKernelLog starts reading the kernel log at its end; check judges
// what came after.
func watchKernelLog(t *testing.T) *kmsg {
	t.Helper()
	fd, err := unix.Open("/dev/kmsg", unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("open /dev/kmsg: %v", err)
	}
	if _, err := unix.Seek(fd, 0, unix.SEEK_END); err != nil {
		unix.Close(fd)
		t.Fatalf("seek /dev/kmsg: %v", err)
	}
	k := &kmsg{fd: fd}
	t.Cleanup(func() { unix.Close(k.fd) })
	return k
}

// check fails the test on every problem the kernel logged since the
// watch began, and logs the notices by kind and any other line.
func (k *kmsg) check(t *testing.T) {
	t.Helper()
	notices := map[string]int{}
	var other, bad []string
	lost := 0
	buf := make([]byte, 8192)
	for {
		n, err := unix.Read(k.fd, buf)
		if errors.Is(err, unix.EPIPE) { // overwritten before we read them
			lost++
			continue
		}
		if errors.Is(err, unix.EAGAIN) {
			break
		}
		if err != nil {
			t.Fatalf("read /dev/kmsg: %v", err)
		}
		// "PRI,SEQ,TS,FLAGS;text\n" then " KEY=value" lines.
		rec, _, _ := bytes.Cut(buf[:n], []byte("\n"))
		_, text, _ := bytes.Cut(rec, []byte(";"))
		line := string(text)
		if kernelProblems.MatchString(line) {
			bad = append(bad, line)
			continue
		}
		known := false
		for _, kn := range kernelNotices {
			if kn.re.MatchString(line) {
				notices[kn.name]++
				known = true
				break
			}
		}
		if !known {
			other = append(other, line)
		}
	}
	for _, l := range bad {
		t.Errorf("kernel log: %s", l)
	}
	if lost > 0 {
		t.Logf("kernel log: %d gaps (records overwritten before they were read)", lost)
	}
	t.Logf("kernel log: %d problems; notices: %s; %d other lines%s", len(bad), counts(notices), len(other), quoteLines(other))
}

// quoteLines renders up to 20 log lines, one a line.
func quoteLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	sorted := append([]string(nil), lines...)
	sort.Strings(sorted)
	var b strings.Builder
	for i, l := range sorted {
		if i == 20 {
			fmt.Fprintf(&b, "\n    ... %d more", len(sorted)-i)
			break
		}
		b.WriteString("\n    " + l)
	}
	return ":" + b.String()
}
