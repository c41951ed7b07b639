//go:build e2e_guest

package storm

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	at "github.com/genlgen/genlgen/internal/gogen/alltypes"
	"github.com/genlgen/genlgen/runtime"
)

// recursionMsg is the extended ACK of a nest past the kernel's limit.
const recursionMsg = "allowed policy recursion depth exceeded"

// TestAlltypesStorm attacks the all-types module (nested sets, every
// attribute type) in two rounds, and checks it after each: it still
// echoes, dumps and notifies correctly, holds no reference once the
// sockets are closed, and the second round leaves the slab no bigger than
// the first did, within slabTolerance; the kernel logs no problem, only
// the policy's rate-limited notices. A round is:
//
//   - a storm of stormMessages random and mutated messages, like
//     doc_exmpl's, with the all-types module's own kinds among them:
//     depth bombs, attributes of edge lengths, datagrams past 8 KiB;
//   - depth bombs on every nest path, up to the kernel's limit (the
//     echo must return the whole chain), past it (EINVAL, naming the
//     limit) and up to 16,381 levels (the most an attribute holds);
//   - every attribute type, at the top and in both nested sets, at
//     lengths 0 to 3, both sides of each fixed and checked size and
//     nla_len 0xffff: answered OK (and echoed as sent), EINVAL or ERANGE;
//   - datagrams at the socket's limits (see oversize);
//   - dumps left half-read on many sockets (see abandonedDumps);
//   - requests from nobody and from new network (and user) namespaces
//     under a notification flood (see notificationFlood).
func TestAlltypesStorm(t *testing.T) {
	klog := watchKernelLog(t)
	fam := atFamily(t)
	checkAlltypes(t, "loading", 1, false)
	waitNoRefs(t, *alltypesModule)

	base := readSlab(t)
	t.Logf("before the rounds: %v", base)
	var after [2]slab
	var caches [2]map[string]int
	for i := range after {
		start := time.Now()
		seed := uint64(100 + i)
		t.Run(fmt.Sprintf("round%d", i+1), func(t *testing.T) { alltypesRound(t, fam, seed) })
		checkAlltypes(t, fmt.Sprintf("round %d", i+1), seed, false)
		waitNoRefs(t, *alltypesModule)
		after[i] = readSlab(t)
		_, caches[i] = guest.Slabinfo(t)
		t.Logf("after round %d (%v): %v", i+1, time.Since(start).Round(time.Millisecond), after[i])
	}
	t.Logf("largest changes of active objects by cache across round 2: %s", cacheGrowth(caches[0], caches[1], 5))
	growth := slab{meminfo: after[1].meminfo - after[0].meminfo, objects: after[1].objects - after[0].objects}
	t.Logf("slab growth across round 2: Slab: %+d kB, slabinfo %+d kB (tolerance %d kB); round 1 vs before: Slab: %+d kB, slabinfo %+d kB",
		growth.meminfo>>10, growth.objects>>10, slabTolerance>>10,
		(after[0].meminfo-base.meminfo)>>10, (after[0].objects-base.objects)>>10)
	if growth.meminfo > slabTolerance || growth.objects > slabTolerance {
		t.Errorf("slab grew beyond %d kB across the second round: a leak", slabTolerance>>10)
	}
	klog.check(t)
}

// alltypesRound runs one round of attacks on the all-types family.
func alltypesRound(t *testing.T, fam runtime.Family, seed uint64) {
	newGen := func(i int) *gen {
		return &gen{r: rand.New(rand.NewPCG(seed, uint64(i))), family: fam.ID, s: atShape}
	}
	t.Run("storm", func(t *testing.T) {
		start := time.Now()
		tl, err := runStorm(stormMessages, stormSenders, newGen)
		if err != nil {
			t.Fatalf("storm: %v", err)
		}
		t.Logf("storm (%v): %v", time.Since(start).Round(time.Millisecond), tl)
		if tl.messages < stormMessages {
			t.Fatalf("sent only %d messages", tl.messages)
		}
		if tl.sendErrs["ENODATA"] != tl.empty || len(tl.sendErrs) > min(tl.empty, 1) {
			t.Errorf("send errors %s, want ENODATA for each of the %d empty datagrams only", counts(tl.sendErrs), tl.empty)
		}
	})
	t.Run("depth-bombs", func(t *testing.T) {
		ctx := guest.Ctx(t, 60*time.Second)
		t.Logf("depth bombs: %s", counts(depthBombs(t, ctx, atDial(t, ctx))))
	})
	t.Run("edge-lengths", func(t *testing.T) {
		ctx := guest.Ctx(t, 60*time.Second)
		t.Logf("edge lengths: %s", counts(edgeLengths(t, ctx, atDial(t, ctx))))
	})
	t.Run("oversize", func(t *testing.T) { oversize(t, newGen(10)) })
	t.Run("abandoned-dumps", func(t *testing.T) { abandonedDumps(t, newGen(11)) })
	t.Run("notification-flood", func(t *testing.T) { notificationFlood(t, fam, seed) })
}

// cacheGrowth lists the n slab caches whose active objects changed most
// from before to after.
func cacheGrowth(before, after map[string]int, n int) string {
	type change struct {
		name string
		d    int
	}
	var cs []change
	for name, v := range after {
		if d := v - before[name]; d != 0 {
			cs = append(cs, change{name, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		return abs(cs[i].d) > abs(cs[j].d) || abs(cs[i].d) == abs(cs[j].d) && cs[i].name < cs[j].name
	})
	var parts []string
	for i, c := range cs {
		if i == n {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %+d", c.name, c.d))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func abs(n int) int { return max(n, -n) }

// atFamily resolves the all-types family.
func atFamily(t *testing.T) runtime.Family {
	t.Helper()
	c := atDial(t, guest.Ctx(t, 10*time.Second))
	f := *c.Family()
	c.Close()
	if _, ok := f.Groups[at.GroupThings]; !ok {
		t.Fatalf("family %s has no group %q: %v", at.FamilyName, at.GroupThings, f.Groups)
	}
	return f
}

// atDial dials the all-types family with a receive buffer for its
// largest answers; the connection is closed when the test ends.
func atDial(t *testing.T, ctx context.Context) *runtime.Conn {
	t.Helper()
	c, err := runtime.Dial(ctx, at.FamilyName, runtime.WithVersion(at.FamilyVersion), runtime.WithReceiveBuffer(recvBufLen))
	if err != nil {
		t.Fatalf("dial %s: %v", at.FamilyName, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// probeHdr is the fixed header of the probes' requests.
var probeHdr = hdrBytes(at.Hdr{ID: 0x5eed})

func putAll(attrs []runtime.RawAttr) func(*runtime.Encoder) {
	return func(e *runtime.Encoder) {
		e.FixedHeader(probeHdr)
		for _, a := range attrs {
			e.PutRaw(a)
		}
	}
}

// request sends cmd with attrs and returns the attributes of the reply.
func request(ctx context.Context, c *runtime.Conn, cmd uint8, attrs ...runtime.RawAttr) ([]byte, error) {
	op := runtime.Op{Name: "cmd " + strconv.Itoa(int(cmd)), Cmd: cmd, DoReply: true}
	var reply []byte
	err := c.Do(ctx, &op, putAll(attrs), func(m runtime.Message) error {
		if len(m.Payload) < atHdrLen {
			return fmt.Errorf("reply of %d bytes, shorter than the fixed header", len(m.Payload))
		}
		reply = append([]byte(nil), m.Payload[atHdrLen:]...)
		return nil
	})
	return reply, err
}

// dump dumps cmd with attrs and returns the entries' attributes.
func dump(ctx context.Context, c *runtime.Conn, cmd uint8, attrs ...runtime.RawAttr) ([][]byte, error) {
	op := runtime.Op{Name: "cmd " + strconv.Itoa(int(cmd)) + " dump", Cmd: cmd}
	var out [][]byte
	for m, err := range c.Dump(ctx, &op, putAll(attrs)) {
		if err != nil {
			return out, err
		}
		if len(m.Payload) < atHdrLen {
			return out, fmt.Errorf("dump entry of %d bytes, shorter than the fixed header", len(m.Payload))
		}
		out = append(out, append([]byte(nil), m.Payload[atHdrLen:]...))
	}
	return out, nil
}

func countAttr(n uint32) runtime.RawAttr {
	b := make([]byte, 4)
	ne.PutUint32(b, n)
	return runtime.RawAttr{Type: atAllCount, Data: b}
}

// outcome names how a request ended: "OK", the kernel's errno, or the
// error of another kind.
func outcome(err error) string {
	var ke *runtime.Error
	switch {
	case err == nil:
		return "OK"
	case errors.As(err, &ke):
		return errnoName(ke.Errno)
	}
	return "error: " + err.Error()
}

func isRecursionErr(err error) bool {
	var ke *runtime.Error
	return errors.As(err, &ke) && ke.Errno == unix.EINVAL && ke.Message == recursionMsg
}

// attrOf returns the payload of the first attribute of type typ in b
// (any type if typ < 0).
func attrOf(b []byte, typ int) ([]byte, bool) {
	it := runtime.Attrs(b)
	for it.Next() {
		if typ < 0 || int(it.Type()) == typ {
			return it.Data(), true
		}
	}
	return nil, false
}

// depth follows the path in an echo's reply to the chain and counts it.
func (p bombPath) depth(reply []byte) (levels int, a uint32) {
	b, ok := attrOf(reply, int(p.around[0]))
	for range p.around[1:] {
		if ok {
			b, ok = attrOf(b, -1)
		}
	}
	if !ok {
		return 0, 0
	}
	return chainDepth(b)
}

// depthBombs sends chains of inner nests on every path, of every depth
// up to three past the path's limit, then 100, 1000 and the most an
// attribute holds: up to the limit the echo must return the chain whole,
// past it the kernel must refuse it with EINVAL and its message. The nest
// path is dumped too (a dump validates its request when it starts).
func depthBombs(t *testing.T, ctx context.Context, c *runtime.Conn) map[string]int {
	got := map[string]int{}
	for _, p := range bombPaths {
		levels := []int{}
		for l := 1; l <= p.limit+3; l++ {
			levels = append(levels, l)
		}
		for _, l := range append(levels, 100, 1000, p.maxLevels()) {
			reply, err := request(ctx, c, p.cmd, p.bomb(l))
			got[outcome(err)]++
			name := fmt.Sprintf("%s: a chain of %d nests", p.name, l)
			switch {
			case l <= p.limit && err != nil:
				t.Errorf("%s: %v, want an echo", name, err)
			case l <= p.limit:
				if d, a := p.depth(reply); d != l || a != uint32(l) {
					t.Errorf("%s: echoed %d nests (innermost a %d), want %d", name, d, a, l)
				}
			case !isRecursionErr(err):
				t.Errorf("%s: %v, want EINVAL %q", name, err, recursionMsg)
			}
		}
	}
	p := bombPaths[0]
	for _, l := range []int{p.limit, p.limit + 1, p.maxLevels()} {
		entries, err := dump(ctx, c, atCmdEcho, p.bomb(l), countAttr(2))
		got["dump "+outcome(err)]++
		name := fmt.Sprintf("dump of %s: a chain of %d nests", p.name, l)
		switch {
		case l <= p.limit && (err != nil || len(entries) != 2):
			t.Errorf("%s: %d entries, %v; want 2", name, len(entries), err)
		case l <= p.limit:
			for i, e := range entries {
				if d, _ := p.depth(e); d != l {
					t.Errorf("%s: entry %d has %d nests", name, i, d)
				}
			}
		case !isRecursionErr(err):
			t.Errorf("%s: %v, want EINVAL %q", name, err, recursionMsg)
		}
	}
	return got
}

// edgeSet is a set whose attributes the edge-length attack sends, and
// the attribute of "all" that holds it (none for "all" itself).
type edgeSet struct {
	name  string
	outer uint16
	kinds []attrKind
	lens  []int
}

// edgeLengths sends every attribute type of "all", and of the inner set
// (in nest, copied whole by the echo, and in multi-nest, rebuilt) and the
// leaf set inside their nests, one at a time, at each edge length, and
// the types of "all" at the largest length as dumps: the kernel must
// answer OK, EINVAL or ERANGE (a dump whose entry outgrows the dump's
// message EMSGSIZE too), and an accepted attribute must come back as
// sent. The largest lengths are sent unterminated as well.
func edgeLengths(t *testing.T, ctx context.Context, c *runtime.Conn) map[string]int {
	nestedLens := append(append([]int(nil), edgeLens[:len(edgeLens)-1]...), 0xffff-2*attrHdrLen)
	sets := []edgeSet{
		{"all", 0, atAllKinds[:], edgeLens},
		{"inner in nest", atAllNest, atInnerKinds[:], nestedLens},
		{"inner in multi-nest", atAllMultiNest, atInnerKinds[:], nestedLens},
		{"leaf", atAllLeaf, atLeafKinds[:], nestedLens},
	}
	allowed := map[string]bool{"OK": true, "EINVAL": true, "ERANGE": true}
	got := map[string]int{}
	for _, set := range sets {
		for typ := range uint16(len(set.kinds) + 1) {
			kind := kindOf(set.kinds, typ)
			for i, n := range set.lens {
				for _, nul := range []bool{true, false} {
					if !nul && i < len(set.lens)-1 {
						continue
					}
					a := edgeAttr(set.kinds, typ, n, nul)
					sent := a
					if set.outer != 0 {
						// The attribute unpadded, so the largest
						// fills the nest's nla_len to 0xffff.
						b := make([]byte, attrHdrLen+n)
						ne.PutUint16(b, uint16(attrHdrLen+n))
						ne.PutUint16(b[2:], typ|a.Flags)
						copy(b[attrHdrLen:], a.Data)
						sent = runtime.RawAttr{Type: set.outer, Flags: unix.NLA_F_NESTED, Data: b}
					}
					reply, err := request(ctx, c, atCmdEcho, sent)
					o := outcome(err)
					name := fmt.Sprintf("%s type %d, %d bytes (NUL %v)", set.name, typ, n, nul)
					// A nest the echo rebuilds padded past 0xffff
					// bytes cannot be sent: its put fails whole
					// (the generated nest closer refuses a length
					// nla_len cannot hold).
					if o == "EMSGSIZE" && set.outer != 0 && attrHdrLen+align4(attrHdrLen+n) > 0xffff {
						got["EMSGSIZE (rebuilt nest past 0xffff)"]++
						continue
					}
					got[o]++
					if !allowed[o] {
						t.Errorf("%s: %v, want OK, EINVAL or ERANGE", name, err)
						continue
					}
					if err != nil || kind == kindOther || kind == kindNest {
						continue
					}
					back, ok := reply, true
					if set.outer != 0 {
						back, ok = attrOf(back, int(set.outer))
					}
					if ok {
						back, ok = attrOf(back, int(typ))
					}
					if set.outer != 0 && wrappedNest(reply, set.outer) {
						t.Errorf("%s: the echo's nest came back with a wrapped nla_len (a nest past 0xffff bytes closed anyway)", name)
						continue
					}
					if !ok || !echoed(kind, a.Data, back) {
						t.Errorf("%s: accepted, but echoed as %d bytes %q (found %v)", name, len(back), shorten(back), ok)
					}
				}
			}
		}
	}
	allowed["EMSGSIZE"] = true
	for typ := range uint16(atAllMax + 2) {
		_, err := dump(ctx, c, atCmdEcho, edgeAttr(atAllKinds[:], typ, edgeLens[len(edgeLens)-1], true), countAttr(1))
		o := outcome(err)
		got["dump "+o]++
		if !allowed[o] {
			t.Errorf("dump of all type %d, %d bytes: %v, want OK, EINVAL, ERANGE or EMSGSIZE", typ, edgeLens[len(edgeLens)-1], err)
		}
	}
	return got
}

// wrappedNest reports whether reply holds an attribute of type typ
// whose nla_len is shorter than its header: the mark of a nest that
// nla_nest_end closed past 0xffff bytes (its length wraps, here to 0).
func wrappedNest(reply []byte, typ uint16) bool {
	for b := reply; len(b) >= attrHdrLen; {
		l := int(ne.Uint16(b))
		if ne.Uint16(b[2:])&^(unix.NLA_F_NESTED|unix.NLA_F_NET_BYTEORDER) == typ && l < attrHdrLen {
			return true
		}
		if l < attrHdrLen {
			return false
		}
		b = b[min(align4(l), len(b)):]
	}
	return false
}

func shorten(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

// echoOfSize returns an echo request of exactly size bytes (a multiple
// of four, at least 28): multi-bin attributes of up to 0xffff bytes.
func (g *gen) echoOfSize(size int) []byte {
	b := g.header(unix.NLM_F_REQUEST|unix.NLM_F_ACK, atCmdEcho, at.FamilyVersion)
	b = append(b, hdrBytes(g.hdr())...)
	for rem := size - len(b); rem > 0; {
		c := min(rem, 0xffff&^3)
		b = putAttr(b, atAllMultiBin, g.bytes(c-attrHdrLen))
		rem -= c
	}
	return finish(b)
}

// datagramOfSize returns whole messages of g's making filling exactly
// size bytes (a multiple of four, at least 28): the last an echo made
// to measure.
func (g *gen) datagramOfSize(size int) []byte {
	b := make([]byte, 0, size)
	for size-len(b) >= 4096 {
		if m := g.message(); whole(m) && len(m) <= size-len(b)-28 {
			b = append(b, m...)
		}
	}
	return append(b, g.echoOfSize(size-len(b))...)
}

// oversize sends, from one socket, the largest datagram its default send
// buffer takes (sk_sndbuf - 32 bytes: one echo of 208 KiB, which must be
// echoed whole) and one 4 bytes longer (EMSGSIZE); the same two at the
// largest buffer an unprivileged process may set (wmem_max), as many
// messages of the storm's kinds in one datagram; and, with
// SO_SNDBUFFORCE, one 4 MiB datagram of them. The kernel answers every
// message it can: the socket's queue overflows (receive overruns).
func oversize(t *testing.T, g *gen) {
	fd, err := stormSocket()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	// Room for the largest echo's reply and its ACK; the floods that
	// follow overflow it still.
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 1<<20); err != nil {
		t.Fatalf("SO_RCVBUFFORCE: %v", err)
	}
	kernel := &unix.SockaddrNetlink{Family: unix.AF_NETLINK}
	sndbuf := func() int {
		n, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF)
		if err != nil {
			t.Fatalf("SO_SNDBUF: %v", err)
		}
		return n
	}
	largest := sndbuf() - 32

	// One echo of the largest size, answered before anything else.
	m := g.echoOfSize(largest)
	if err := unix.Sendto(fd, m, 0, kernel); err != nil {
		t.Fatalf("send of a %d-byte echo (SO_SNDBUF %d): %v", len(m), largest+32, err)
	}
	reply, ack := readAnswer(t, fd, ne.Uint32(m[8:]))
	t.Logf("a %d-byte echo, the largest datagram of the default send buffer: a %d-byte reply, then %s", len(m), reply, ack)
	if ack != "OK" || reply < len(m) {
		t.Errorf("the %d-byte echo: a %d-byte reply, then %s; want its echo and OK", len(m), reply, ack)
	}
	if err := unix.Sendto(fd, g.echoOfSize(largest+4), 0, kernel); !errors.Is(err, unix.EMSGSIZE) {
		t.Errorf("send of %d bytes, past the send buffer: %v, want EMSGSIZE", largest+4, err)
	}

	tl := newTally()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() { receive(fd, done, tl); close(finished) }()
	sendSized := func(what string, size int) {
		b := g.datagramOfSize(size)
		start := time.Now()
		if err := unix.Sendto(fd, b, 0, kernel); err != nil {
			t.Errorf("send of %s (%d bytes, %d messages): %v", what, len(b), countMessages(b), err)
			return
		}
		tl.mu.Lock()
		tl.datagrams++
		tl.messages += countMessages(b)
		tl.mu.Unlock()
		t.Logf("%s: %d bytes, %d messages, taken in %v", what, len(b), countMessages(b), time.Since(start).Round(time.Millisecond))
		if err := unix.Sendto(fd, g.echoOfSize(size+4), 0, kernel); !errors.Is(err, unix.EMSGSIZE) {
			t.Errorf("send of %d bytes, past the send buffer: %v, want EMSGSIZE", size+4, err)
		}
	}
	b, err := os.ReadFile("/proc/sys/net/core/wmem_max")
	if err != nil {
		t.Fatal(err)
	}
	wmemMax, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("wmem_max %q: %v", b, err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, wmemMax); err != nil {
		t.Fatalf("SO_SNDBUF %d: %v", wmemMax, err)
	}
	sendSized(fmt.Sprintf("the largest datagram of an unprivileged send buffer (SO_SNDBUF %d)", sndbuf()), sndbuf()-32)
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUFFORCE, 2<<20); err != nil {
		t.Fatalf("SO_SNDBUFFORCE: %v", err)
	}
	sendSized(fmt.Sprintf("a datagram as large as SO_SNDBUFFORCE allows (SO_SNDBUF %d)", sndbuf()), sndbuf()-32)
	close(done)
	<-finished
	t.Logf("their answers: %v", tl)
}

// readAnswer reads the answers to the request seq: the bytes of its
// reply, and its ACK's errno.
func readAnswer(t *testing.T, fd int, seq uint32) (reply int, ack string) {
	t.Helper()
	buf := make([]byte, recvBufLen)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return reply, "receive error " + err.Error()
		}
		for b := buf[:n]; len(b) >= nlmsgHdrLen; {
			l := int(ne.Uint32(b))
			if l < nlmsgHdrLen || l > len(b) {
				return reply, "malformed answer"
			}
			if ne.Uint32(b[8:]) == seq {
				switch ne.Uint16(b[4:]) {
				case unix.NLMSG_ERROR:
					code := 0
					if l >= nlmsgHdrLen+4 {
						code = -int(int32(ne.Uint32(b[nlmsgHdrLen:])))
					}
					return reply, errnoName(unix.Errno(code))
				default:
					reply += l
				}
			}
			b = b[min(align4(l), len(b)):]
		}
	}
	return reply, "no answer"
}

// abandonedDumps starts an echo dump of 1,000 entries of about 500 bytes
// (some 15 dump messages) on each of dumpSockets sockets and reads its
// first message only; a third of the sockets are closed at once, a third
// also try a second dump meanwhile (EBUSY), and the rest just wait. Each
// dump left open must hold one reference to the module, and none once
// every socket is closed.
func abandonedDumps(t *testing.T, g *gen) {
	const dumpSockets = 120
	kernel := &unix.SockaddrNetlink{Family: unix.AF_NETLINK}
	buf := make([]byte, recvBufLen)
	firsts, seconds := map[string]int{}, map[string]int{}
	var open []int
	defer func() {
		for _, fd := range open {
			unix.Close(fd)
		}
	}()
	start := time.Now()
	for i := range dumpSockets {
		fd, err := stormSocket()
		if err != nil {
			t.Fatal(err)
		}
		v := g.all(2)
		v.Str, v.Bin, v.Count = runtime.Some(g.word(200)), g.bytes(200), runtime.Some(uint32(atCountMax))
		m := g.atMessage(unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_DUMP, atCmdEcho, g.hdr(), v.Encode)
		if err := unix.Sendto(fd, m, 0, kernel); err != nil {
			unix.Close(fd)
			t.Fatalf("dump %d: send: %v", i, err)
		}
		n, _, err := unix.Recvfrom(fd, buf, 0)
		first := "receive error"
		if err == nil && n >= nlmsgHdrLen {
			switch typ := ne.Uint16(buf[4:]); typ {
			case g.family:
				first = "dump message"
			case unix.NLMSG_ERROR, unix.NLMSG_DONE:
				first = "answer " + errnoName(unix.Errno(-int(int32(ne.Uint32(buf[nlmsgHdrLen:])))))
			default:
				first = "type " + strconv.Itoa(int(typ))
			}
		}
		firsts[first]++
		if i%3 == 0 {
			unix.Close(fd)
			continue
		}
		open = append(open, fd)
		if i%3 == 2 {
			second := append([]byte(nil), m...)
			ne.PutUint32(second[8:], ne.Uint32(m[8:])+1)
			if err := unix.Sendto(fd, second, 0, kernel); err != nil {
				t.Fatalf("dump %d: second send: %v", i, err)
			}
			_, ack := readAnswer(t, fd, ne.Uint32(second[8:]))
			seconds[ack]++
		}
	}
	refs := moduleRefs(t, *alltypesModule)
	t.Logf("%d dumps of 1000 entries started (%v): first read %s; a second dump on %d of them: %s; %d left open, holding %d module references",
		dumpSockets, time.Since(start).Round(time.Millisecond), counts(firsts), dumpSockets/3, counts(seconds), len(open), refs)
	if firsts["dump message"] != dumpSockets {
		t.Errorf("first reads: %s, want a dump message on each of %d sockets", counts(firsts), dumpSockets)
	}
	if seconds["EBUSY"] != dumpSockets/3 {
		t.Errorf("second dumps: %s, want EBUSY on each of %d sockets", counts(seconds), dumpSockets/3)
	}
	if refs != len(open) {
		t.Errorf("%d dumps in progress hold %d references to %s, want one each", len(open), refs, *alltypesModule)
	}
	for _, fd := range open {
		unix.Close(fd)
	}
	open = nil
	waitNoRefs(t, *alltypesModule)
}

// checkAlltypes checks that the module still echoes a request of every
// attribute correctly, announces it to a subscriber (unless other
// requests are announced meanwhile: under load) and dumps it.
func checkAlltypes(t *testing.T, label string, seed uint64, underLoad bool) {
	t.Helper()
	ctx := guest.Ctx(t, 30*time.Second)
	c, err := at.Dial(ctx)
	if err != nil {
		t.Fatalf("%s: dial: %v", label, err)
	}
	defer c.Close()
	lc, err := at.Dial(ctx)
	if err != nil {
		t.Fatalf("%s: dial: %v", label, err)
	}
	defer lc.Close()
	sub, err := lc.Subscribe(ctx, at.GroupThings)
	if err != nil {
		t.Fatalf("%s: subscribe: %v", label, err)
	}
	defer sub.Close()
	next, stop := iter.Pull2(sub.All())
	defer stop()

	g := &gen{r: rand.New(rand.NewPCG(seed, 99)), s: atShape}
	req := g.all(len(allSetters))
	req.Header = g.hdr()
	rsp, err := c.Echo(ctx, req)
	if err != nil {
		t.Fatalf("%s: echo: %v", label, err)
	}
	if !reflect.DeepEqual(rsp, req) {
		t.Fatalf("%s: the echo of every attribute differs:\n got %+v\nwant %+v", label, rsp, req)
	}
	if !underLoad {
		n, err, _ := next()
		if e, ok := n.(at.EchoNtf); err != nil || !ok || !reflect.DeepEqual(e.All, req) {
			t.Fatalf("%s: notification %+v, %v; want the echo's", label, n, err)
		}
	}
	req.Count = runtime.Some(uint32(5))
	i := 0
	for e, err := range c.EchoDump(ctx, req) {
		if err != nil {
			t.Fatalf("%s: dump: %v", label, err)
		}
		w := *req
		w.Count = runtime.Some(uint32(i))
		if !reflect.DeepEqual(e, &w) {
			t.Fatalf("%s: dump entry %d differs", label, i)
		}
		i++
	}
	if i != 5 {
		t.Fatalf("%s: dump of 5 entries gave %d", label, i)
	}
}
