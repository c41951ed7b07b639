package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// fdChildEnv makes the test binary run fdLimitChild instead of its tests.
const fdChildEnv = "GENLGEN_FD_LIMIT_CHILD"

// TestMain runs fdLimitChild in the child process TestFDExhaustion starts,
// before package testing sets any timer (its -timeout alarm would start
// Go's network poller, and the child must start with it stopped).
func TestMain(m *testing.M) {
	if os.Getenv(fdChildEnv) != "" {
		os.Exit(fdLimitChild())
	}
	os.Exit(m.Run())
}

// With 20 file descriptors, a process that dials until none are left and
// then uses a timer (a context with a deadline) died with "fatal error:
// runtime: eventfd failed": Go's poller started after the sockets had
// taken every descriptor. Now Dial starts the poller first, and running
// out of descriptors at any point is an error value: the child dials with
// none free, then dials until Dial fails, makes requests, dumps and
// subscriptions with deadlines that need more sockets, closes some and
// dials again.
func TestFDExhaustion(t *testing.T) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		t.Skipf("cannot open a generic netlink socket: %v", err)
	}
	unix.Close(fd)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), fdChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), "fatal error") || err != nil {
		t.Fatalf("child with RLIMIT_NOFILE 20: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "fd-limit child: ok") {
		t.Fatalf("child did not finish:\n%s", out)
	}
	t.Logf("%s", out)
}

// fdLimitChild is the child of TestFDExhaustion: its exit status and what
// it prints are the test's result.
func fdLimitChild() int {
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: 20, Max: 20}); err != nil {
		fmt.Println("setrlimit:", err)
		return 2
	}
	fail := func(format string, args ...any) int {
		fmt.Printf("fd-limit child: "+format+"\n", args...)
		return 1
	}
	// No descriptor free before the first Dial, with the poller not yet
	// started: an error, not a fatal one.
	var dups []int
	for {
		fd, err := unix.Dup(2)
		if err != nil {
			break
		}
		dups = append(dups, fd)
	}
	if _, err := Dial(context.Background(), "nlctrl"); !errors.Is(err, unix.EMFILE) {
		return fail("Dial with no descriptors at all: %v, want EMFILE", err)
	}
	for _, fd := range dups {
		unix.Close(fd)
	}
	// Dial until the descriptors run out.
	var conns []*Conn
	var dialErr error
	for range 40 {
		c, err := Dial(context.Background(), "nlctrl")
		if err != nil {
			dialErr = err
			break
		}
		conns = append(conns, c)
	}
	if dialErr == nil {
		return fail("40 Dials with 20 descriptors did not fail")
	}
	if !errors.Is(dialErr, unix.EMFILE) {
		return fail("Dial with no descriptors left: %v, want EMFILE", dialErr)
	}
	if len(conns) == 0 {
		return fail("no Dial succeeded: %v", dialErr)
	}
	fmt.Printf("fd-limit child: %d Dials, then %v\n", len(conns), dialErr)
	// With none left, timers (which need the poller) and requests that need a
	// second socket: each works on the socket it has or fails cleanly.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	time.Sleep(time.Millisecond)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ok, emfile int
	var other []error
	for _, c := range conns {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := getFamilyID(ctx, c, "nlctrl")
				if err == nil {
					for _, err = range c.Dump(ctx, &testOpGetFamily, nil) {
						if err != nil {
							break
						}
					}
				}
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, unix.EMFILE):
					emfile++
				default:
					other = append(other, err)
				}
			}()
		}
	}
	wg.Wait()
	if len(other) > 0 {
		return fail("requests failed otherwise than with EMFILE: %v", other)
	}
	if ok == 0 {
		return fail("no request worked on the sockets the Dials had (%d EMFILE)", emfile)
	}
	// A dump holds its socket: a request beside it needs another.
	d := conns[0].StartDump(ctx, &testOpGetFamily, nil)
	if !d.Next() {
		return fail("dump: %v", d.Err())
	}
	if _, err := getFamilyID(ctx, conns[0], "nlctrl"); !errors.Is(err, unix.EMFILE) {
		return fail("a request beside a dump with no descriptors left: %v, want EMFILE", err)
	}
	for d.Next() {
	}
	if err := d.Err(); err != nil {
		return fail("dump beside the failed request: %v", err)
	}
	d.Close()
	if _, err := conns[0].Subscribe(ctx, "notify"); !errors.Is(err, unix.EMFILE) {
		return fail("Subscribe with no descriptors left: %v, want EMFILE", err)
	}
	fmt.Printf("fd-limit child: %d requests and dumps worked, %d failed with EMFILE\n", ok, emfile)
	// Descriptors back: everything works again.
	for _, c := range conns[len(conns)/2:] {
		c.Close()
	}
	conns = conns[:len(conns)/2]
	c, err := Dial(ctx, "nlctrl")
	if err != nil {
		return fail("Dial once descriptors are back: %v", err)
	}
	defer c.Close()
	if _, err := getFamilyID(ctx, c, "nlctrl"); err != nil {
		return fail("request once descriptors are back: %v", err)
	}
	sub, err := c.Subscribe(ctx, "notify")
	if err != nil {
		return fail("Subscribe once descriptors are back: %v", err)
	}
	sub.Close()
	for _, c := range conns {
		c.Close()
	}
	fmt.Println("fd-limit child: ok")
	return 0
}
