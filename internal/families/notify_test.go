package families_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/genlgen/genlgen/internal/families/netdev"
)

// TestNetdevNotifications subscribes to netdev's mgmt group and sees the
// dev-add-ntf and dev-del-ntf of a veth pair it creates. It needs
// permission to create links (skipped otherwise).
func TestNetdevNotifications(t *testing.T) {
	ctx := needNetlink(t)
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("ip (iproute2) is not installed")
	}
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
	for n, err := range sub.All() {
		if err != nil {
			t.Fatal(err)
		}
		dev, ok := n.Value.(*netdev.Dev)
		if !ok || !dev.Ifindex.Present {
			t.Fatalf("notification %+v", n)
		}
		seen[n.Op]++
		if n.Op == "dev-add-ntf" && seen["dev-add-ntf"] == 2 && added {
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
}
