//go:build e2e_guest

package storm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	at "github.com/genlgen/genlgen/internal/gogen/alltypes"
	"github.com/genlgen/genlgen/runtime"
)

const (
	// floodMessages is the least the initial namespace's flood sends;
	// it goes on until every other party is done.
	floodMessages = 6_000
	// partyMessages is what each other party sends: half of them a
	// flood of valid tagged echoes, half the storm's kinds.
	partyMessages = 3_000
)

// tallyFigures are a tally's figures, as a helper process reports them.
type tallyFigures struct {
	Datagrams, Messages, Empty, Replies, Overruns int
	SendErrs, RecvErrs, Acks                      map[string]int
}

func (t *tally) figures() tallyFigures {
	t.mu.Lock()
	defer t.mu.Unlock()
	cp := func(m map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	return tallyFigures{t.datagrams, t.messages, t.empty, t.replies, t.overruns, cp(t.sendErrs), cp(t.recvErrs), cp(t.acks)}
}

func (t *tally) add(f tallyFigures) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.datagrams += f.Datagrams
	t.messages += f.Messages
	t.empty += f.Empty
	t.replies += f.Replies
	t.overruns += f.Overruns
	for dst, src := range map[*map[string]int]map[string]int{&t.sendErrs: f.SendErrs, &t.recvErrs: f.RecvErrs, &t.acks: f.Acks} {
		for k, v := range src {
			(*dst)[k] += v
		}
	}
}

func (f tallyFigures) String() string {
	t := newTally()
	t.add(f)
	return t.String()
}

// A subscriber listens to the things group on a raw socket and counts
// the echo notifications it gets by the party whose tag they carry.
type subscriber struct {
	fd     int
	rcvbuf int    // SO_RCVBUF asked for (0: the default)
	read   string // "never", "slow" (a pause after each datagram) or "fast"
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
	family uint16

	Figures subFigures
}

// subFigures are what a subscriber saw.
type subFigures struct {
	Read     string
	Rcvbuf   int            // SO_RCVBUF as the kernel set it
	Ntfs     map[string]int // echo notifications by party ("untagged": the storm's), other notifications as "other"
	Overruns int            // ENOBUFS: notifications the kernel dropped
}

func (f subFigures) String() string {
	return fmt.Sprintf("%s reader, SO_RCVBUF %d: notifications %s, %d overruns", f.Read, f.Rcvbuf, counts(f.Ntfs), f.Overruns)
}

func subscribe(family uint16, group uint32, rcvbuf int, read string) (*subscriber, error) {
	fd, err := stormSocket()
	if err != nil {
		return nil, err
	}
	if rcvbuf > 0 {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, rcvbuf); err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("SO_RCVBUF: %w", err)
		}
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, int(group)); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("join group %d: %w", group, err)
	}
	got, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("SO_RCVBUF: %w", err)
	}
	s := &subscriber{fd: fd, rcvbuf: rcvbuf, read: read, stop: make(chan struct{}), done: make(chan struct{}), family: family,
		Figures: subFigures{Read: read, Rcvbuf: got, Ntfs: map[string]int{}}}
	go s.loop()
	return s, nil
}

// loop reads (unless the subscriber never reads) until stopped, then
// drains what is queued; a "never" subscriber reads only then, and its
// first receive reports the overrun.
func (s *subscriber) loop() {
	defer close(s.done)
	if s.read == "never" {
		<-s.stop
	}
	buf := make([]byte, 64<<10)
	for {
		flags := 0
		select {
		case <-s.stop:
			flags = unix.MSG_DONTWAIT
		default:
		}
		n, _, err := unix.Recvfrom(s.fd, buf, flags)
		switch {
		case errors.Is(err, unix.ENOBUFS):
			s.Figures.Overruns++
			continue
		case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
			if flags != 0 {
				return
			}
			continue
		case err != nil:
			panic(fmt.Sprintf("storm: subscriber: recv: %v", err))
		}
		for b := buf[:n]; len(b) >= nlmsgHdrLen; {
			l := int(ne.Uint32(b))
			if l < nlmsgHdrLen || l > len(b) {
				break
			}
			if ne.Uint16(b[4:]) == s.family && l >= nlmsgHdrLen+genlHdrLen+atHdrLen && b[nlmsgHdrLen] == atCmdEchoNtf {
				party := partyTags[ne.Uint32(b[nlmsgHdrLen+genlHdrLen:])]
				if party == "" {
					party = "untagged"
				}
				s.Figures.Ntfs[party]++
			} else {
				s.Figures.Ntfs["other"]++
			}
			b = b[min(align4(l), len(b)):]
		}
		if s.read == "slow" {
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// close stops the subscriber (once) and returns what it saw.
func (s *subscriber) close() subFigures {
	s.once.Do(func() {
		close(s.stop)
		<-s.done
		unix.Close(s.fd)
	})
	return s.Figures
}

// floodReport is what a party's helper prints.
type floodReport struct {
	Party       string
	Storm       tallyFigures
	Subscribers []subFigures
}

// floodParties are the parties the helper runs as, and how.
var floodParties = []struct {
	name string
	tag  uint32
	attr *syscall.SysProcAttr
}{
	{"nobody", tagNobody, &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}},
	{"netns", tagNetns, &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNET}},
	{"userns+netns", tagUserns, &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWUSER | unix.CLONE_NEWNET,
		UidMappings: rootMap, GidMappings: rootMap}},
}

// floodHelper is the "flood PARTY SEED" helper: with two subscribers of
// its own (one with the smallest receive buffer, read slowly; one with the
// default, read at once), it sends partyMessages from two sockets, one a
// flood of valid echoes tagged with the party's tag, one the storm's
// kinds, and prints a floodReport.
func floodHelper(arg string) int {
	fields := strings.Fields(arg)
	var tag uint32
	for _, p := range floodParties {
		if len(fields) == 2 && p.name == fields[0] {
			tag = p.tag
		}
	}
	seed, err := strconv.ParseUint(fields[len(fields)-1], 10, 64)
	if tag == 0 || err != nil {
		fmt.Fprintf(os.Stderr, "flood helper: want PARTY SEED, got %q\n", arg)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := runtime.Dial(ctx, at.FamilyName)
	if err != nil {
		fmt.Fprintf(os.Stderr, "flood helper: dial: %v\n", err)
		return 1
	}
	fam := *c.Family()
	c.Close()
	var subs []*subscriber
	for _, s := range []struct {
		rcvbuf int
		read   string
	}{{1, "slow"}, {0, "fast"}} {
		sub, err := subscribe(fam.ID, fam.Groups[at.GroupThings], s.rcvbuf, s.read)
		if err != nil {
			fmt.Fprintf(os.Stderr, "flood helper: %v\n", err)
			return 1
		}
		subs = append(subs, sub)
	}
	tl, err := runStorm(partyMessages, 2, func(i int) *gen {
		g := &gen{r: rand.New(rand.NewPCG(seed, uint64(i))), family: fam.ID, s: atShape}
		if i == 0 {
			g.tag, g.validOnly = tag, true
		}
		return g
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "flood helper: %v\n", err)
		return 1
	}
	time.Sleep(100 * time.Millisecond) // the last notifications
	rep := floodReport{Party: fields[0], Storm: tl.figures()}
	for _, s := range subs {
		rep.Subscribers = append(rep.Subscribers, s.close())
	}
	if err := json.NewEncoder(os.Stdout).Encode(rep); err != nil {
		fmt.Fprintf(os.Stderr, "flood helper: %v\n", err)
		return 1
	}
	return 0
}

// notificationFlood floods the things group from the initial network
// namespace with valid echoes (each one notifies the group) while three
// other parties storm the module at once: nobody, in the initial
// namespaces; root in a new network namespace; root of a new user
// namespace in a new network namespace (see floodHelper). Eight
// subscribers listen in the initial namespace: three with the smallest
// receive buffer that never read, three read slowly, two with the
// default buffer read at once. Every party's requests must be answered,
// no notification may cross a network namespace, and the subscribers
// that never read must see their overrun.
func notificationFlood(t *testing.T, fam runtime.Family, seed uint64) {
	ctx := guest.Ctx(t, 90*time.Second)
	group := fam.Groups[at.GroupThings]
	var subs []*subscriber
	for i := range 8 {
		rcvbuf, read := 1, "never"
		switch {
		case i >= 6:
			rcvbuf, read = 0, "fast"
		case i >= 3:
			read = "slow"
		}
		s, err := subscribe(fam.ID, group, rcvbuf, read)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, s)
	}
	defer func() {
		for _, s := range subs {
			s.close()
		}
	}()

	type result struct {
		rep    floodReport
		err    error
		stderr string
	}
	results := make([]result, len(floodParties))
	var wg sync.WaitGroup
	for i, p := range floodParties {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, stderr, err := guest.Reexec(ctx, fmt.Sprintf("flood %s %d", p.name, seed+uint64(i)), p.attr)
			r := result{err: err, stderr: string(stderr)}
			if err == nil {
				r.err = json.Unmarshal(out, &r.rep)
			}
			results[i] = r
		}()
	}
	partiesDone := make(chan struct{})
	go func() { wg.Wait(); close(partiesDone) }()

	start := time.Now()
	flood := newTally()
	for round := uint64(0); ; round++ {
		tl, err := runStorm(floodMessages/4, 4, func(i int) *gen {
			return &gen{r: rand.New(rand.NewPCG(seed^round<<8, uint64(i))), family: fam.ID, s: atShape, tag: tagInit, validOnly: true}
		})
		if err != nil {
			t.Fatalf("flood: %v", err)
		}
		flood.add(tl.figures())
		if flood.messages < floodMessages {
			continue
		}
		select {
		case <-partiesDone:
		default:
			continue
		}
		break
	}
	elapsed := time.Since(start)
	time.Sleep(100 * time.Millisecond) // the last notifications
	t.Logf("flood of valid echoes from the initial namespaces (%v): %v", elapsed.Round(time.Millisecond), flood)
	// A reply that finds the sender's own queue full is dropped, and
	// the request fails with EAGAIN.
	for k := range flood.acks {
		if k != "OK" && k != "EAGAIN" {
			t.Errorf("flood: answers %s, want OK (EAGAIN when the sender's queue was full)", counts(flood.acks))
		}
	}
	if flood.acks["OK"] == 0 {
		t.Errorf("flood: answers %s, none OK", counts(flood.acks))
	}

	foreign := func(who string, own []string, f subFigures) {
		for party, n := range f.Ntfs {
			if party == "untagged" || party == "other" || contains(own, party) {
				continue
			}
			t.Errorf("%s: a subscriber (%s) got %d notifications of party %s, from another network namespace", who, f.Read, n, party)
		}
	}
	for i, s := range subs {
		f := s.close()
		t.Logf("initial namespace's subscriber %d: %v", i, f)
		foreign("initial namespace", []string{"init", "nobody"}, f)
		switch f.Read {
		case "never":
			if f.Overruns == 0 {
				t.Errorf("a subscriber that never read (SO_RCVBUF %d) saw no overrun under the flood", f.Rcvbuf)
			}
		case "fast":
			if f.Ntfs["init"] == 0 {
				t.Errorf("a subscriber that read at once got none of the flood's notifications")
			}
		}
	}
	for i, r := range results {
		p := floodParties[i]
		if r.err != nil {
			t.Errorf("party %s: %v\nstderr: %s", p.name, r.err, r.stderr)
			continue
		}
		t.Logf("party %s: %v", p.name, r.rep.Storm)
		own := []string{p.name}
		if p.name == "nobody" {
			own = append(own, "init")
		}
		for _, f := range r.rep.Subscribers {
			t.Logf("party %s's subscriber: %v", p.name, f)
			foreign("party "+p.name, own, f)
		}
		if r.rep.Storm.Acks["OK"] == 0 {
			t.Errorf("party %s: no request answered OK: %s", p.name, counts(r.rep.Storm.Acks))
		}
		if fast := r.rep.Subscribers[len(r.rep.Subscribers)-1]; fast.Ntfs[p.name] == 0 {
			t.Errorf("party %s: its subscriber got none of its own notifications", p.name)
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
