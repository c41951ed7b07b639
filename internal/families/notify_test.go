package families_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/genlgen/genlgen/internal/families/netdev"
	"github.com/genlgen/genlgen/runtime"
)

// TestNetdevNotifications subscribes to netdev's mgmt group and sees the
// dev-add-ntf and dev-del-ntf of a veth pair it creates, by default and
// with runtime.ReuseReplies. It needs permission to create links (skipped
// otherwise).
func TestNetdevNotifications(t *testing.T) {
	ctx := needNetlink(t)
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("ip (iproute2) is not installed")
	}
	t.Run("kept", func(t *testing.T) { watchVethPair(t, ctx, ip) })
	t.Run("reuse", func(t *testing.T) { watchVethPair(t, ctx, ip, runtime.ReuseReplies()) })
}

// watchVethPair creates and deletes a veth pair and checks that its
// notifications arrive, read with opts; each notification's ifindex is
// checked before the next one is read, since with reuse it is overwritten
// then. The pair's two devices give two notifications of each kind.
func watchVethPair(t *testing.T, ctx context.Context, ip string, opts ...runtime.DumpOption) {
	c, err := netdev.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	subCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	sub, err := c.Subscribe(subCtx, netdev.GroupMgmt)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	const name = "genlgen0"
	if out, err := exec.Command(ip, "link", "add", name, "type", "veth", "peer", "name", name+"p").CombinedOutput(); err != nil {
		t.Skipf("cannot create a veth pair: %v: %s", err, out)
	}
	added := true
	defer func() {
		if added {
			exec.Command(ip, "link", "del", name).Run()
		}
	}()

	seen := map[string]int{}
	devs := map[*netdev.Dev]bool{} // where the notifications were decoded
	for n, err := range sub.All(opts...) {
		if err != nil {
			t.Fatal(err)
		}
		var dev *netdev.Dev
		switch n := n.(type) {
		case netdev.DevAddNtf:
			dev = n.Dev
		case netdev.DevDelNtf:
			dev = n.Dev
		case netdev.DevChangeNtf:
			dev = n.Dev
		}
		if dev == nil || !dev.Ifindex.Present {
			t.Fatalf("notification %+v", n)
		}
		devs[dev] = true
		seen[n.Op()]++
		if n.Op() == "dev-add-ntf" && seen["dev-add-ntf"] == 2 && added {
			if out, err := exec.Command(ip, "link", "del", name).CombinedOutput(); err != nil {
				t.Fatalf("ip link del: %v: %s", err, out)
			}
			added = false
		}
		if seen["dev-del-ntf"] == 2 {
			break
		}
	}
	if seen["dev-add-ntf"] < 2 || seen["dev-del-ntf"] < 2 {
		t.Errorf("notifications seen: %v, want two dev-add-ntf and two dev-del-ntf", seen)
	}
	total := 0
	for _, n := range seen {
		total += n
	}
	if reuse := runtime.ReusesReplies(opts); reuse && len(devs) != 1 {
		t.Errorf("with ReuseReplies, %d notifications were decoded at %d places, want one", total, len(devs))
	} else if !reuse && len(devs) != total {
		t.Errorf("%d notifications a caller may keep were decoded at %d places, want %d", total, len(devs), total)
	}
}
