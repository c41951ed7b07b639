//go:build e2e_guest

package storm

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

const (
	stormMessages = 100_000
	stormSenders  = 4

	// slabTolerance is how much the slab may grow across the second
	// storm. A leak of one smallest kmalloc object (8 bytes) per message
	// would grow it by 800 kB; settled readings of this VM vary by less
	// than a tenth of that.
	slabTolerance = 512 << 10

	// recvBufLen is the storm readers' buffer.
	recvBufLen = 1 << 20
)

// tally counts a storm's outcomes; a mutex is plenty at this rate.
type tally struct {
	mu        sync.Mutex
	datagrams int
	messages  int            // netlink messages sent, by their framing
	sendErrs  map[string]int // sendto failures by errno
	empty     int            // zero-length datagrams sent (a cut-short header of no bytes)
	recvErrs  map[string]int // socket errors reported by recvfrom, by errno
	acks      map[string]int // NLMSG_ERROR and NLMSG_DONE codes, "OK" for 0
	replies   int            // family messages (echo replies, dump entries)
	overruns  int            // ENOBUFS on receive: replies the kernel dropped
}

func newTally() *tally {
	return &tally{sendErrs: map[string]int{}, recvErrs: map[string]int{}, acks: map[string]int{}}
}

func errnoName(e unix.Errno) string {
	if e == 0 {
		return "OK"
	}
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return "errno " + strconv.Itoa(int(e))
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Sprintf("%d messages in %d datagrams (%d empty); send errors %s; kernel answers (NLMSG_ERROR/DONE) %s; %d replies; receive errors %s; %d receive overruns (ENOBUFS)",
		t.messages, t.datagrams, t.empty, counts(t.sendErrs), counts(t.acks), t.replies, counts(t.recvErrs), t.overruns)
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", k, m[k])
	}
	return b.String()
}

// countMessages counts the messages the kernel will walk in a datagram,
// the way netlink_rcv_skb does (one, at least, for what it drops).
func countMessages(b []byte) int {
	n := 0
	for len(b) >= nlmsgHdrLen {
		l := int(ne.Uint32(b))
		n++
		if l < nlmsgHdrLen || l > len(b) {
			break
		}
		b = b[min(align4(l), len(b)):]
	}
	return max(n, 1)
}

// storm sends stormMessages messages to doc_exmpl (family) from
// stormSenders raw sockets at once and returns the tally.
func storm(t *testing.T, family uint16, seed uint64) *tally {
	t.Helper()
	tl, err := runStorm(stormMessages, stormSenders, func(i int) *gen {
		return &gen{r: rand.New(rand.NewPCG(seed, uint64(i))), family: family, s: docExmplShape}
	})
	if err != nil {
		t.Fatalf("storm: %v", err)
	}
	return tl
}

// runStorm sends n messages from senders raw sockets at once, sender i's
// made by newGen(i), each socket drained by its own reader, and returns
// the tally once every socket is closed.
func runStorm(n, senders int, newGen func(i int) *gen) (*tally, error) {
	fds := make([]int, 0, senders)
	for range senders {
		fd, err := stormSocket()
		if err != nil {
			for _, fd := range fds {
				unix.Close(fd)
			}
			return nil, err
		}
		fds = append(fds, fd)
	}
	tl := newTally()
	var wg sync.WaitGroup
	for i, fd := range fds {
		g := newGen(i)
		done := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer close(done)
			per := n / senders
			send(fd, g, tl, func(sent int) bool { return sent < per })
		}()
		go func() {
			defer wg.Done()
			receive(fd, done, tl)
			unix.Close(fd)
		}()
	}
	wg.Wait()
	return tl, nil
}

// stormSocket opens a bound generic netlink socket whose receives wake
// now and then, so a reader notices the end of its sender.
func stormSocket() (int, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("bind: %w", err)
	}
	tv := unix.NsecToTimeval((200 * time.Millisecond).Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("SO_RCVTIMEO: %w", err)
	}
	return fd, nil
}

// send sends datagrams while more(messages sent so far).
func send(fd int, g *gen, tl *tally, more func(sent int) bool) {
	kernel := &unix.SockaddrNetlink{Family: unix.AF_NETLINK}
	for sent := 0; more(sent); {
		b := g.datagram()
		k := countMessages(b)
		err := unix.Sendto(fd, b, 0, kernel)
		tl.mu.Lock()
		tl.datagrams++
		tl.messages += k
		if len(b) == 0 {
			tl.empty++
		}
		if err != nil {
			var errno unix.Errno
			if !errors.As(err, &errno) {
				errno = unix.EIO
			}
			tl.sendErrs[errnoName(errno)]++
		}
		tl.mu.Unlock()
		sent += k
	}
}

// receive reads and classifies the kernel's answers until the sender is
// done and the socket has been quiet for a while.
func receive(fd int, done <-chan struct{}, tl *tally) {
	// Big enough for the largest answer: the all-types module echoes
	// requests of up to the socket's send buffer (208 KiB).
	buf := make([]byte, recvBufLen)
	quiet := 0
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		switch {
		case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
			select {
			case <-done:
				if quiet++; quiet >= 3 {
					return
				}
			default:
			}
			continue
		case errors.Is(err, unix.ENOBUFS):
			tl.mu.Lock()
			tl.overruns++
			tl.mu.Unlock()
			continue
		case err != nil:
			// A failed dump continuation is reported as a socket
			// error on the next receive; the socket stays usable.
			var errno unix.Errno
			if !errors.As(err, &errno) || errno == unix.EBADF {
				panic(fmt.Sprintf("storm: recv: %v", err))
			}
			tl.mu.Lock()
			tl.recvErrs[errnoName(errno)]++
			tl.mu.Unlock()
			continue
		}
		quiet = 0
		classify(buf[:n], tl)
	}
}

func classify(b []byte, tl *tally) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for len(b) >= nlmsgHdrLen {
		l := int(ne.Uint32(b))
		if l < nlmsgHdrLen || l > len(b) {
			tl.acks["malformed answer"]++
			return
		}
		body := b[nlmsgHdrLen:l]
		switch ne.Uint16(b[4:]) {
		case unix.NLMSG_ERROR, unix.NLMSG_DONE:
			code := 0
			if len(body) >= 4 {
				code = -int(int32(ne.Uint32(body)))
			}
			tl.acks[errnoName(unix.Errno(code))]++
		default:
			tl.replies++
		}
		b = b[min(align4(l), len(b)):]
	}
}

// slab is one settled reading of the kernel's slab usage.
type slab struct {
	meminfo int // /proc/meminfo Slab:, bytes
	objects int // /proc/slabinfo: active objects times object size, bytes
}

func (s slab) String() string {
	return fmt.Sprintf("Slab: %d kB, slabinfo active objects %d kB", s.meminfo>>10, s.objects>>10)
}

// readSlab lets the kernel settle (RCU-deferred socket frees, caches
// dropped, empty slabs released) and reads the slab figures: the smaller
// of three readings a moment apart, so a burst of unrelated activity does
// not count.
func readSlab(t *testing.T) slab {
	t.Helper()
	best := slab{meminfo: 1 << 62, objects: 1 << 62}
	for range 3 {
		unix.Sync()
		if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0); err != nil {
			t.Fatalf("drop caches: %v", err)
		}
		time.Sleep(time.Second)
		shrinkSlabs(t)
		s := slab{meminfo: meminfoSlab(t), objects: slabBytes(t)}
		best.meminfo = min(best.meminfo, s.meminfo)
		best.objects = min(best.objects, s.objects)
	}
	return best
}

// shrinkSlabs has SLUB release every cache's empty slabs and count the
// free objects its CPUs hold as free (/sys/kernel/slab/*/shrink): without
// it, slabs that are empty but cached, and objects free on a CPU's slab,
// count as used, and the figures move by hundreds of kB with the order
// things were freed in (network namespaces torn down, say).
func shrinkSlabs(t *testing.T) {
	t.Helper()
	dirs, err := os.ReadDir("/sys/kernel/slab")
	if err != nil {
		t.Fatalf("slab caches: %v", err)
	}
	for _, d := range dirs {
		if !d.IsDir() { // a symlink: another name of a merged cache
			continue
		}
		if err := os.WriteFile("/sys/kernel/slab/"+d.Name()+"/shrink", []byte("1\n"), 0); err != nil {
			t.Fatalf("shrink %s: %v", d.Name(), err)
		}
	}
}

func meminfoSlab(t *testing.T) int {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Slab:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				t.Fatalf("meminfo: %q: %v", sc.Text(), err)
			}
			return kb << 10
		}
	}
	t.Fatal("meminfo: no Slab: line")
	return 0
}

// slabBytes is the bytes of the slab caches' active objects.
func slabBytes(t *testing.T) int {
	b, _ := guest.Slabinfo(t)
	return b
}

// moduleRefs reads a module's reference count.
func moduleRefs(t *testing.T, module string) int {
	t.Helper()
	b, err := os.ReadFile("/sys/module/" + module + "/refcnt")
	if err != nil {
		t.Fatalf("module refcnt: %v", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("module refcnt %q: %v", b, err)
	}
	return n
}

// waitNoRefs waits for a module's references to drop to zero: the last
// ones go with RCU-deferred socket destruction.
func waitNoRefs(t *testing.T, module string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := moduleRefs(t, module)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("module %s still holds %d references with every storm socket closed", module, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// describe renders an echo reply for a failure message.
func describe(rsp *docexmpl.DocExmpl) string {
	if rsp == nil {
		return "none"
	}
	b, err := json.Marshal(rsp)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// checkEcho checks that the module still echoes correctly and dumps its
// history, then clears the history.
func checkEcho(t *testing.T, label string) {
	t.Helper()
	ctx := guest.Ctx(t, 30*time.Second)
	c, err := docexmpl.Dial(ctx)
	if err != nil {
		t.Fatalf("%s: dial: %v", label, err)
	}
	defer c.Close()
	msg := "still here after " + label
	rsp, err := c.Echo(ctx, &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
	switch {
	case err != nil:
		t.Fatalf("%s: echo: %v", label, err)
	case rsp == nil || !rsp.Msg.Present || rsp.Msg.V != msg || !rsp.Seq.Present || !rsp.Timestamp.Present:
		t.Fatalf("%s: echo reply %s, want msg %q with seq and timestamp", label, describe(rsp), msg)
	}
	found := false
	for e, err := range c.HistoryDump(ctx) {
		if err != nil {
			t.Fatalf("%s: history dump: %v", label, err)
		}
		if e.Msg.Present && e.Msg.V == msg && e.Seq.V == rsp.Seq.V {
			found = true
		}
	}
	if !found {
		t.Fatalf("%s: history dump lacks the echo %q (seq %d)", label, msg, rsp.Seq.V)
	}
	// Empty the history, so the slab readings that follow do not count
	// what the module legitimately keeps.
	if err := c.Clear(ctx); err != nil {
		t.Fatalf("%s: clear: %v", label, err)
	}
}

// TestStorm sends two storms to doc_exmpl and checks the module after
// each: it still echoes, holds no reference once the sockets are closed,
// and the second storm leaves the slab no bigger than the first did,
// within slabTolerance. (The kernel log and the final rmmod are judged by
// the harness.)
func TestStorm(t *testing.T) {
	ctx := guest.Ctx(t, 10*time.Second)
	c, err := docexmpl.Dial(ctx)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	family := c.Conn().Family().ID
	c.Close()
	checkEcho(t, "loading")
	waitNoRefs(t, *moduleName)

	base := readSlab(t)
	t.Logf("before the storms: %v", base)
	var after [2]slab
	for i := range after {
		start := time.Now()
		tl := storm(t, family, uint64(i+1))
		t.Logf("storm %d (%v): %v", i+1, time.Since(start).Round(time.Millisecond), tl)
		if tl.messages < stormMessages {
			t.Fatalf("storm %d sent only %d messages", i+1, tl.messages)
		}
		// The kernel refuses a zero-length datagram in sendmsg itself
		// (ENODATA, "Zero length message leads to an empty skb"); any
		// other failure to send is not expected.
		if tl.sendErrs["ENODATA"] != tl.empty || len(tl.sendErrs) > min(tl.empty, 1) {
			t.Errorf("storm %d: send errors %s, want ENODATA for each of the %d empty datagrams only", i+1, counts(tl.sendErrs), tl.empty)
		}
		checkEcho(t, fmt.Sprintf("storm %d", i+1))
		waitNoRefs(t, *moduleName)
		after[i] = readSlab(t)
		t.Logf("after storm %d: %v", i+1, after[i])
	}
	growth := slab{meminfo: after[1].meminfo - after[0].meminfo, objects: after[1].objects - after[0].objects}
	t.Logf("slab growth across storm 2: Slab: %+d kB, slabinfo %+d kB (tolerance %d kB); storm 1 vs before: Slab: %+d kB, slabinfo %+d kB",
		growth.meminfo>>10, growth.objects>>10, slabTolerance>>10,
		(after[0].meminfo-base.meminfo)>>10, (after[0].objects-base.objects)>>10)
	if growth.meminfo > slabTolerance || growth.objects > slabTolerance {
		t.Errorf("slab grew beyond %d kB across the second storm: a leak", slabTolerance>>10)
	}
}
