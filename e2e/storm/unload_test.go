//go:build e2e_guest

package storm

import (
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	at "github.com/genlgen/genlgen/internal/gogen/alltypes"
	"github.com/genlgen/genlgen/runtime"
)

// rmmod asks the kernel to unload the all-types module, as rmmod does,
// and names the outcome: "OK" or the errno.
func rmmod() string {
	err := unix.DeleteModule(*alltypesModule, unix.O_NONBLOCK)
	var errno unix.Errno
	switch {
	case err == nil:
		return "OK"
	case errors.As(err, &errno):
		return errnoName(errno)
	}
	return err.Error()
}

// dumpLoop dumps 1,000 echo entries again and again on one socket, read
// to their end, 10 ms apart, until stop, and counts how each dump ended:
// "complete" or the errno it ended with.
func dumpLoop(fd int, g *gen, stop <-chan struct{}, ends map[string]int, mu *sync.Mutex) {
	kernel := &unix.SockaddrNetlink{Family: unix.AF_NETLINK}
	buf := make([]byte, recvBufLen)
	for {
		select {
		case <-stop:
			return
		default:
		}
		v := g.all(2)
		v.Count = runtime.Some(uint32(atCountMax))
		m := g.atMessage(unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_DUMP, atCmdEcho, g.hdr(), v.Encode)
		seq := ne.Uint32(m[8:])
		end := "no answer"
		if err := unix.Sendto(fd, m, 0, kernel); err != nil {
			end = "send " + err.Error()
		} else {
			end = readDumpEnd(fd, buf, seq, stop)
		}
		mu.Lock()
		ends[end]++
		mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
}

// readDumpEnd reads a dump's messages up to its end: "complete" for
// NLMSG_DONE with 0, else the errno of the error or the DONE.
func readDumpEnd(fd int, buf []byte, seq uint32, stop <-chan struct{}) string {
	for idle := 0; idle < 25; {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		switch {
		case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
			idle++
			continue
		case err != nil:
			var errno unix.Errno
			errors.As(err, &errno)
			return "receive " + errnoName(errno)
		}
		for b := buf[:n]; len(b) >= nlmsgHdrLen; {
			l := int(ne.Uint32(b))
			if l < nlmsgHdrLen || l > len(b) {
				return "malformed answer"
			}
			if typ := ne.Uint16(b[4:]); ne.Uint32(b[8:]) == seq && (typ == unix.NLMSG_DONE || typ == unix.NLMSG_ERROR) {
				code := 0
				if l >= nlmsgHdrLen+4 {
					code = -int(int32(ne.Uint32(b[nlmsgHdrLen:])))
				}
				if code == 0 && typ == unix.NLMSG_DONE {
					return "complete"
				}
				return errnoName(unix.Errno(code))
			}
			b = b[min(align4(l), len(b)):]
		}
	}
	return "no answer"
}

// TestUnloadUnderLoad unloads the all-types module while requests and
// dumps are in flight. Four sockets send the storm's kinds without pause
// (NLM_F_DUMP cleared: a dump holds the module, these must not), two run
// echo dumps of 1,000 entries one after the other, 16 hold dumps read
// half-way, and one subscribes to the things group. With the half-read
// dumps holding the module, rmmod must fail cleanly (EAGAIN, "in use",
// or EBUSY) and the module must go on answering. Once they are closed,
// rmmod is tried every 2 ms until it lands between two dumps and
// succeeds, while the rest of the load goes on: the family's
// unregistration waits for the requests in the module's handlers, a dump
// that starts while the module is going gets EPROTONOSUPPORT, a request
// after it ENOENT. Then insmod, and the module must answer again. The
// kernel log must stay clean throughout.
func TestUnloadUnderLoad(t *testing.T) {
	klog := watchKernelLog(t)
	fam := atFamily(t)
	newGen := func(i int) *gen {
		return &gen{r: rand.New(rand.NewPCG(200, uint64(i))), family: fam.ID, s: atShape, noDump: true}
	}
	var fds []int
	socket := func() int {
		fd, err := stormSocket()
		if err != nil {
			t.Fatal(err)
		}
		fds = append(fds, fd)
		return fd
	}
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()

	stop, stopDumps := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	var stopLoad, stopDumping sync.Once
	endDumps := func() { stopDumping.Do(func() { close(stopDumps) }) }
	endLoad := func() {
		stopLoad.Do(func() { close(stop) })
		endDumps()
		wg.Wait()
	}
	defer endLoad() // before the sockets close, on failures too
	load := newTally()
	for i := range 4 {
		fd, g := socket(), newGen(i)
		done := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer close(done)
			send(fd, g, load, func(int) bool {
				select {
				case <-stop:
					return false
				default:
					return true
				}
			})
		}()
		go func() { defer wg.Done(); receive(fd, done, load) }()
	}
	var mu sync.Mutex
	dumpEnds := map[string]int{}
	for i := range 2 {
		fd, g := socket(), newGen(10+i)
		wg.Add(1)
		go func() { defer wg.Done(); dumpLoop(fd, g, stopDumps, dumpEnds, &mu) }()
	}
	sub, err := subscribe(fam.ID, fam.Groups[at.GroupThings], 0, "fast")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.close()
	g := newGen(20)
	var held []int
	kernel := &unix.SockaddrNetlink{Family: unix.AF_NETLINK}
	buf := make([]byte, recvBufLen)
	defer func() {
		for _, fd := range held {
			unix.Close(fd)
		}
	}()
	for range 16 {
		fd, err := stormSocket()
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, fd)
		v := g.all(2)
		v.Str, v.Count = runtime.Some(g.word(200)), runtime.Some(uint32(atCountMax))
		if err := unix.Sendto(fd, g.atMessage(unix.NLM_F_REQUEST|unix.NLM_F_DUMP, atCmdEcho, g.hdr(), v.Encode), 0, kernel); err != nil {
			t.Fatalf("held dump: send: %v", err)
		}
		if _, _, err := unix.Recvfrom(fd, buf, 0); err != nil {
			t.Fatalf("held dump: first receive: %v", err)
		}
	}
	time.Sleep(500 * time.Millisecond)

	refused := map[string]int{}
	for range 3 {
		refused[rmmod()]++
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("rmmod with %d dumps held, under load: %s; module references %d", len(held), counts(refused), moduleRefs(t, *alltypesModule))
	if refused["OK"] > 0 {
		t.Fatalf("rmmod succeeded while %d dumps held the module", len(held))
	}
	if refs := moduleRefs(t, *alltypesModule); refs < len(held) {
		t.Errorf("%d held dumps, but the module has %d references", len(held), refs)
	}
	for k := range refused {
		if k != "EAGAIN" && k != "EBUSY" {
			t.Errorf("rmmod with dumps held: %s, want EAGAIN (in use) or EBUSY", counts(refused))
		}
	}
	if !guest.ModuleLoaded(*alltypesModule) {
		t.Fatalf("%s is gone after refused rmmods", *alltypesModule)
	}
	checkAlltypes(t, "refused rmmod", 7, true)

	for _, fd := range held {
		unix.Close(fd)
	}
	n := len(held)
	held = nil
	attempts := map[string]int{}
	dumpsStopped := false
	var took time.Duration
	start := time.Now()
	for deadline := start.Add(10 * time.Second); ; {
		if time.Since(start) > 5*time.Second && !dumpsStopped {
			endDumps() // a moment with no dump running, for sure
			dumpsStopped = true
			t.Logf("rmmod: no moment without a dump in 5 s; dumps stopped")
		}
		t0 := time.Now()
		o := rmmod()
		attempts[o]++
		if o == "OK" {
			took = time.Since(t0)
			break
		}
		if o != "EAGAIN" && o != "EBUSY" {
			t.Errorf("rmmod: %s, want OK, EAGAIN or EBUSY", o)
		}
		if time.Now().After(deadline) {
			t.Fatalf("rmmod: still refused after %v: %s", time.Since(start), counts(attempts))
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Logf("rmmod under load, the %d held dumps closed: %s in %v; the successful one took %v", n, counts(attempts), time.Since(start).Round(time.Millisecond), took.Round(time.Microsecond))
	if guest.ModuleLoaded(*alltypesModule) {
		t.Errorf("rmmod succeeded but /sys/module still lists %s", *alltypesModule)
	}
	time.Sleep(300 * time.Millisecond) // requests to the gone family
	endLoad()
	t.Logf("notifications before the unload: %v", sub.close())
	t.Logf("load across the unload: %v", load)
	t.Logf("back-to-back dumps across the unload: %s", counts(dumpEnds))
	if _, err := at.Dial(guest.Ctx(t, 10*time.Second)); !errors.Is(err, runtime.ErrFamilyNotFound) {
		t.Errorf("dial after rmmod: %v, want ErrFamilyNotFound", err)
	}
	for k := range dumpEnds {
		switch k {
		case "complete", "ENOENT", "EPROTONOSUPPORT":
		default:
			t.Errorf("dumps across the unload ended %s, want complete, ENOENT or EPROTONOSUPPORT", counts(dumpEnds))
		}
	}
	for _, fd := range fds {
		unix.Close(fd)
	}
	fds = nil

	ctx := guest.Ctx(t, 30*time.Second)
	guest.Run(t, ctx, "insmod", *alltypesKo)
	checkAlltypes(t, "insmod after the unload", 8, false)
	waitNoRefs(t, *alltypesModule)
	t.Logf("insmod: %s answers again", *alltypesModule)
	klog.check(t)
}
