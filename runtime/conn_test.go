package runtime

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// dialT dials family, skipping the test if netlink sockets are unavailable.
func dialT(t testing.TB, family string, opts ...Option) *Conn {
	t.Helper()
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		t.Skipf("cannot open a generic netlink socket: %v", err)
	}
	unix.Close(fd)
	c, err := Dial(context.Background(), family, opts...)
	if err != nil {
		t.Fatalf("Dial(%q): %v", family, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Test schema for nlctrl, as generated code would declare it.
var (
	testCtrlAttrs = AttrSet{Name: "ctrl-attrs", Attrs: []AttrSpec{
		1: {Name: "family-id"},
		2: {Name: "family-name"},
	}}
	testOpGetFamily = Op{Name: "getfamily", Cmd: unix.CTRL_CMD_GETFAMILY, Attrs: &testCtrlAttrs}

	testDevAttrs = AttrSet{Name: "dev", Attrs: []AttrSpec{
		1: {Name: "ifindex"},
	}}
	testOpDevGet = Op{Name: "dev-get", Cmd: 1, Attrs: &testDevAttrs}
)

// familyID decodes CTRL_ATTR_FAMILY_ID and _NAME from a getfamily reply.
func decodeFamily(m Message) (id uint16, name string, err error) {
	it := Attrs(m.Payload)
	for it.Next() {
		switch it.Type() {
		case unix.CTRL_ATTR_FAMILY_ID:
			if id, err = ReadU16("family-id", it.Data()); err != nil {
				return
			}
		case unix.CTRL_ATTR_FAMILY_NAME:
			if name, err = ReadString("family-name", it.Data()); err != nil {
				return
			}
		}
	}
	return id, name, it.Err()
}

func getFamilyID(ctx context.Context, c *Conn, name string) (uint16, error) {
	var id uint16
	err := c.Do(ctx, &testOpGetFamily,
		func(e *Encoder) { e.PutString(unix.CTRL_ATTR_FAMILY_NAME, name) },
		func(m Message) error {
			var err error
			id, _, err = decodeFamily(m)
			return err
		})
	return id, err
}

func TestDialNlctrl(t *testing.T) {
	c := dialT(t, "nlctrl")
	f := c.Family()
	if f.ID != unix.GENL_ID_CTRL || f.Name != "nlctrl" {
		t.Fatalf("family = %+v, want id %d name nlctrl", f, unix.GENL_ID_CTRL)
	}
	if _, ok := f.Groups["notify"]; !ok {
		t.Errorf("nlctrl groups %v lack notify", f.Groups)
	}
}

func TestDialNetdev(t *testing.T) {
	c := dialT(t, "netdev")
	f := c.Family()
	if f.ID == 0 || f.Name != "netdev" {
		t.Fatalf("family = %+v", f)
	}
	if _, ok := f.Groups["mgmt"]; !ok {
		t.Errorf("netdev groups %v lack mgmt", f.Groups)
	}
}

func TestDialMissingFamily(t *testing.T) {
	dialT(t, "nlctrl")
	_, err := Dial(context.Background(), "genlgen-nofam")
	if !errors.Is(err, ErrFamilyNotFound) || !errors.Is(err, unix.ENOENT) {
		t.Fatalf("err = %v, want ErrFamilyNotFound and ENOENT", err)
	}
	t.Log(err)
}

func TestDoGetFamily(t *testing.T) {
	c := dialT(t, "nlctrl")
	netdev := dialT(t, "netdev")
	id, err := getFamilyID(context.Background(), c, "netdev")
	if err != nil {
		t.Fatal(err)
	}
	if id != netdev.Family().ID {
		t.Fatalf("id = %d, want %d", id, netdev.Family().ID)
	}
}

func TestDoKernelError(t *testing.T) {
	c := dialT(t, "nlctrl")
	_, err := getFamilyID(context.Background(), c, "genlgen-nope")
	var ke *Error
	if !errors.As(err, &ke) || ke.Errno != unix.ENOENT || !errors.Is(err, unix.ENOENT) {
		t.Fatalf("err = %#v, want *Error with ENOENT", err)
	}
	// The socket must still be usable.
	if _, err := getFamilyID(context.Background(), c, "nlctrl"); err != nil {
		t.Fatal(err)
	}
}

func TestDumpFamilies(t *testing.T) {
	c := dialT(t, "nlctrl")
	names := map[string]bool{}
	for m, err := range c.Dump(context.Background(), &testOpGetFamily, nil) {
		if err != nil {
			t.Fatal(err)
		}
		_, name, err := decodeFamily(m)
		if err != nil {
			t.Fatal(err)
		}
		names[name] = true
	}
	for _, want := range []string{"nlctrl", "netdev"} {
		if !names[want] {
			t.Errorf("dump lacks %q: %v", want, names)
		}
	}
}

// TestDumpSmallBuffer makes the kernel split the family dump over many
// datagrams.
func TestDumpSmallBuffer(t *testing.T) {
	count := func(c *Conn) int {
		n := 0
		for m, err := range c.Dump(context.Background(), &testOpGetFamily, nil) {
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := decodeFamily(m); err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}
	small := dialT(t, "nlctrl", WithReceiveBuffer(4096), WithPoolSize(1))
	want := count(dialT(t, "nlctrl"))
	for range 3 {
		if got := count(small); got != want {
			t.Fatalf("dump with a 4 KiB buffer: %d families, want %d", got, want)
		}
		if _, err := getFamilyID(context.Background(), small, "nlctrl"); err != nil {
			t.Fatalf("after the dump: %v", err)
		}
	}
}

func TestDumpEarlyBreak(t *testing.T) {
	c := dialT(t, "nlctrl", WithPoolSize(1))
	for range 3 {
		n := 0
		for _, err := range c.Dump(context.Background(), &testOpGetFamily, nil) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if n == 2 {
				break
			}
		}
		if n != 2 {
			t.Fatalf("got %d messages before break", n)
		}
		if _, err := getFamilyID(context.Background(), c, "nlctrl"); err != nil {
			t.Fatalf("after early break: %v", err)
		}
	}
}

// TestDumpReader: the pull form of a dump reads every family, gives its
// socket back at the end, and leaves a socket it closed early out of the
// pool; on a closed Conn it reads nothing and says why.
func TestDumpReader(t *testing.T) {
	c := dialT(t, "nlctrl", WithPoolSize(1))
	d := c.StartDump(context.Background(), &testOpGetFamily, nil)
	n := 0
	for d.Next() {
		if _, _, err := decodeFamily(*d.Message()); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if d.Err() != nil || n < 2 {
		t.Fatalf("%d families, err %v", n, d.Err())
	}
	d.Close() // already closed by the end of the dump: a no-op
	idle := c.idleSockets()
	if len(idle) != 1 {
		t.Fatalf("%d idle sockets after a whole dump, want 1", len(idle))
	}
	pooled := idle[0]

	d = c.StartDump(context.Background(), &testOpGetFamily, nil)
	if !d.Next() {
		t.Fatal(d.Err())
	}
	d.Close()
	if len(c.idleSockets()) != 0 {
		t.Fatalf("a socket closed mid-dump went back to the pool")
	}
	if _, err := getFamilyID(context.Background(), c, "nlctrl"); err != nil {
		t.Fatalf("after an early close: %v", err)
	}
	if idle := c.idleSockets(); len(idle) != 1 || idle[0] == pooled {
		t.Fatalf("pool after an early close: %v", idle)
	}

	c.Close()
	d = c.StartDump(context.Background(), &testOpGetFamily, nil)
	if d.Next() || !errors.Is(d.Err(), ErrClosed) {
		t.Fatalf("dump on a closed Conn: err %v", d.Err())
	}
	d.Close()
}

func TestExtAckPolicy(t *testing.T) {
	c := dialT(t, "netdev")
	err := c.Do(context.Background(), &testOpDevGet,
		func(e *Encoder) { e.PutU32(1, 0) }, nil)
	var ke *Error
	if !errors.As(err, &ke) {
		t.Fatalf("err = %v, want *Error", err)
	}
	t.Log(err)
	if ke.Errno != unix.ERANGE || !errors.Is(err, unix.ERANGE) {
		t.Errorf("errno = %v, want ERANGE", ke.Errno)
	}
	if ke.Offset != nlmsgHdrLen+genlHdrLen {
		t.Errorf("offset = %d, want %d", ke.Offset, nlmsgHdrLen+genlHdrLen)
	}
	if ke.AttrPath != "ifindex" {
		t.Errorf("attr path = %q, want ifindex", ke.AttrPath)
	}
	if ke.Message == "" {
		t.Errorf("no extack message")
	}
	if p := ke.Policy; p == nil || p.Type != unix.NL_ATTR_TYPE_U32 || !p.HasUnsignedRange || p.MinUnsigned != 1 {
		t.Errorf("policy = %+v, want u32 with min 1", p)
	}
}

func TestMissingAttr(t *testing.T) {
	c := dialT(t, "netdev")
	err := c.Do(context.Background(), &testOpDevGet, nil, nil)
	var ke *Error
	if !errors.As(err, &ke) {
		t.Fatalf("err = %v, want *Error", err)
	}
	t.Log(err)
	if ke.MissingAttr != "ifindex" {
		t.Errorf("missing attr = %q, want ifindex", ke.MissingAttr)
	}
}

func TestDevGetNoDevice(t *testing.T) {
	c := dialT(t, "netdev")
	err := c.Do(context.Background(), &testOpDevGet,
		func(e *Encoder) { e.PutU32(1, 0x7ffffff0) }, nil)
	if !errors.Is(err, unix.ENODEV) {
		t.Fatalf("err = %v, want ENODEV", err)
	}
}

// idleSockets returns the pool's idle sockets, hot first.
func (c *Conn) idleSockets() []*sock {
	c.mu.Lock()
	defer c.mu.Unlock()
	var idle []*sock
	if s := c.hot.Load(); s != nil {
		idle = append(idle, s)
	}
	return append(idle, c.idle...)
}

// fdOpen reports whether fd is an open file descriptor.
func fdOpen(fd int) bool {
	_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil
}

// TestPool: one caller at a time keeps using one socket (the hot slot);
// sockets borrowed at once all come back, up to the pool's size, and the
// rest are closed; Close closes every idle socket, and a socket given back
// after Close is closed instead of pooled. A pool of size 0 keeps nothing.
func TestPool(t *testing.T) {
	c := dialT(t, "nlctrl", WithPoolSize(2))
	ctx := context.Background()
	first := c.idleSockets()
	if len(first) != 1 {
		t.Fatalf("after Dial: %d idle sockets, want the one it used", len(first))
	}
	for range 3 {
		if _, err := getFamilyID(ctx, c, "nlctrl"); err != nil {
			t.Fatal(err)
		}
		if idle := c.idleSockets(); len(idle) != 1 || idle[0] != first[0] || c.hot.Load() != first[0] {
			t.Fatalf("sequential requests: idle %v, want just %v in the hot slot", idle, first)
		}
	}

	var lent []*sock
	for range 3 {
		s, err := c.get()
		if err != nil {
			t.Fatal(err)
		}
		lent = append(lent, s)
	}
	if len(c.idleSockets()) != 0 {
		t.Fatal("sockets lent are still idle")
	}
	for _, s := range lent {
		c.put(s)
	}
	// Nothing opens a file between the puts and these checks, so a
	// closed socket's descriptor is not reused yet.
	idle := c.idleSockets()
	if len(idle) != 2 || idle[0] != lent[0] || idle[1] != lent[1] {
		t.Fatalf("after giving back 3 sockets to a pool of 2: idle %v, want %v", idle, lent[:2])
	}
	if !fdOpen(lent[0].fd) || !fdOpen(lent[1].fd) || fdOpen(lent[2].fd) {
		t.Fatal("want the two pooled sockets open and the third closed")
	}

	again, err := c.get()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if len(c.idleSockets()) != 0 {
		t.Fatal("idle sockets left after Close")
	}
	for _, s := range idle {
		if s != again && fdOpen(s.fd) {
			t.Errorf("Close left idle socket %d open", s.fd)
		}
	}
	c.put(again) // a request that was in flight during Close
	if c.hot.Load() != nil || fdOpen(again.fd) {
		t.Error("a socket given back after Close was pooled or left open")
	}
	if _, err := c.get(); !errors.Is(err, ErrClosed) {
		t.Errorf("get after Close: %v", err)
	}

	none := dialT(t, "nlctrl", WithPoolSize(0))
	s, err := none.get()
	if err != nil {
		t.Fatal(err)
	}
	none.put(s)
	if len(none.idleSockets()) != 0 || fdOpen(s.fd) {
		t.Error("a pool of size 0 kept a socket")
	}
}

func TestConcurrent(t *testing.T) {
	c := dialT(t, "nlctrl", WithPoolSize(4))
	netdev := dialT(t, "netdev").Family().ID
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				id, err := getFamilyID(context.Background(), c, "netdev")
				if err == nil && id != netdev {
					err = errors.New("wrong family id")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestContext(t *testing.T) {
	c := dialT(t, "nlctrl")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := getFamilyID(ctx, c, "nlctrl"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	if _, err := getFamilyID(ctx, c, "nlctrl"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	n := 0
	for _, err := range c.Dump(ctx, &testOpGetFamily, nil) {
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("dump err = %v, want DeadlineExceeded", err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("dump with an expired context yielded %d pairs, want 1 (the error)", n)
	}
	if _, err := getFamilyID(context.Background(), c, "nlctrl"); err != nil {
		t.Fatal(err)
	}
}

func TestTruncatedReceiveGrows(t *testing.T) {
	c := dialT(t, "nlctrl", WithReceiveBuffer(64)) // Dial itself retries
	c.Close()
	c = &Conn{cfg: c.cfg, family: c.family}
	c.cfg.recvBuf = 64
	_, err := getFamilyID(context.Background(), c, "nlctrl")
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
	if _, err := getFamilyID(context.Background(), c, "nlctrl"); err != nil {
		t.Fatalf("after growing: %v", err)
	}
}
