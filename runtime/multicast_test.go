package runtime

import (
	"context"
	"errors"
	"os/exec"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestSubscribeNetdev creates a veth pair in a private network namespace and
// expects netdev's dev-add-ntf notifications on the mgmt group.
func TestSubscribeNetdev(t *testing.T) {
	dialT(t, "netdev") // skips without netlink
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("no ip(8) to create a device")
	}
	type result struct {
		cmds []uint8
		err  error
		skip string
	}
	done := make(chan result, 1)
	go func() {
		// The thread moves to a new network namespace and is never
		// unlocked, so it dies with this goroutine.
		goruntime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			done <- result{skip: "unshare(CLONE_NEWNET): " + err.Error()}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := Dial(ctx, "netdev")
		if err != nil {
			done <- result{err: err}
			return
		}
		defer c.Close()
		sub, err := c.Subscribe(ctx, "mgmt")
		if err != nil {
			done <- result{err: err}
			return
		}
		defer sub.Close()
		if out, err := exec.Command("ip", "link", "add", "gg1", "type", "veth", "peer", "name", "gg2").CombinedOutput(); err != nil {
			done <- result{skip: "ip link add: " + string(out)}
			return
		}
		var r result
		for m, err := range sub.Messages() {
			if err != nil {
				r.err = err
				break
			}
			r.cmds = append(r.cmds, m.Cmd)
			if len(r.cmds) == 2 {
				break
			}
		}
		done <- r
	}()
	r := <-done
	if r.skip != "" {
		t.Skip(r.skip)
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	const devAddNtf = 2
	if len(r.cmds) != 2 || r.cmds[0] != devAddNtf || r.cmds[1] != devAddNtf {
		t.Fatalf("notification commands = %v, want two dev-add-ntf (%d)", r.cmds, devAddNtf)
	}
}

func TestSubscribeEndsWithContext(t *testing.T) {
	c := dialT(t, "nlctrl", WithWakeInterval(10*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	sub, err := c.Subscribe(ctx, "notify")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	start := time.Now()
	for _, err := range sub.Messages() {
		if err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("iteration took %v after the deadline", d)
	}
	if _, err := c.Subscribe(ctx, "no-such-group"); err == nil {
		t.Fatal("subscribing to an unknown group succeeded")
	}
}

func TestSubscribeClose(t *testing.T) {
	c := dialT(t, "nlctrl", WithWakeInterval(10*time.Millisecond))
	sub, err := c.Subscribe(context.Background(), "notify")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(30 * time.Millisecond)
		sub.Close()
	}()
	for _, err := range sub.Messages() {
		if err != nil && !errors.Is(err, ErrClosed) {
			t.Fatal(err)
		}
	}
}

func TestEachNotificationOverrunAndMalformed(t *testing.T) {
	var got []uint8
	sub := &Subscription{s: &sock{}, family: 20, name: "thing"}
	dg := append(msg(20, 0, 0, 0, []byte{7, 1, 0, 0}), msg(99, 0, 0, 0, []byte{8, 1, 0, 0})...)
	more, err := sub.eachNotification(dg, func(m Message, err error) bool {
		got = append(got, m.Cmd)
		return true
	})
	if !more || err != nil || len(got) != 1 || got[0] != 7 {
		t.Fatalf("more=%v err=%v cmds=%v", more, err, got)
	}
	if _, err := sub.eachNotification(dg[:10], nil); !errors.Is(err, ErrMalformed) {
		t.Fatalf("truncated: err = %v", err)
	}
}

// TestEachNotificationFamilyRemoved: nlctrl's CTRL_CMD_DELFAMILY for the
// subscription's family ends it with ErrFamilyRemoved; the same for
// another family, nlctrl's other notifications and malformed ones do not.
func TestEachNotificationFamilyRemoved(t *testing.T) {
	ctrl := func(cmd uint8, id uint16) []byte {
		var e Encoder
		e.Begin(unix.GENL_ID_CTRL, 0, cmd, 2)
		e.PutU16(unix.CTRL_ATTR_FAMILY_ID, id)
		e.PutString(unix.CTRL_ATTR_FAMILY_NAME, "thing")
		return e.finish(0, 0)
	}
	sub := &Subscription{s: &sock{}, family: 30, name: "thing", watchCtrl: true}
	var got []uint8
	collect := func(m Message, err error) bool { got = append(got, m.Cmd); return true }
	quiet := [][]byte{
		ctrl(unix.CTRL_CMD_DELFAMILY, 31),
		ctrl(unix.CTRL_CMD_NEWFAMILY, 30),
		ctrl(unix.CTRL_CMD_DELMCAST_GRP, 30),
		msg(unix.GENL_ID_CTRL, 0, 0, 0, []byte{unix.CTRL_CMD_DELFAMILY, 2, 0, 0, 5, 0}), // malformed attribute
		msg(30, 0, 0, 0, []byte{4, 1, 0, 0}),
	}
	for _, dg := range quiet {
		if more, err := sub.eachNotification(dg, collect); !more || err != nil {
			t.Fatalf("%x: more=%v err=%v", dg, more, err)
		}
	}
	if len(got) != 1 || got[0] != 4 {
		t.Fatalf("yielded commands %v, want only the family's own [4]", got)
	}
	more, err := sub.eachNotification(ctrl(unix.CTRL_CMD_DELFAMILY, 30), collect)
	if more || !errors.Is(err, ErrFamilyRemoved) || !strings.Contains(err.Error(), `"thing"`) {
		t.Fatalf("family removed: more=%v err=%v", more, err)
	}
	// A subscription to nlctrl itself sees DELFAMILY as a notification.
	self := &Subscription{s: &sock{}, family: unix.GENL_ID_CTRL, name: "nlctrl"}
	got = nil
	if more, err := self.eachNotification(ctrl(unix.CTRL_CMD_DELFAMILY, 30), collect); !more || err != nil || len(got) != 1 {
		t.Fatalf("nlctrl subscriber: more=%v err=%v got=%v", more, err, got)
	}
}
