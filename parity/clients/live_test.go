package clients_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os/exec"
	goruntime "runtime"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/parity/clients/mptcppm"
	"github.com/genlgen/genlgen/parity/clients/tcpmetrics"
	"github.com/genlgen/genlgen/runtime"
)

// inNetns runs f on a thread of its own in a new network namespace, which
// goes away with the thread when f returns (the thread stays locked, so
// Go retires it). Sockets f opens, and commands it runs, live there.
func inNetns(t *testing.T, f func() error) {
	t.Helper()
	done := make(chan error, 1)
	skip := make(chan string, 1)
	go func() {
		goruntime.LockOSThread() // never unlocked: the thread dies with the namespace
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			skip <- "unshare(CLONE_NEWNET): " + err.Error()
			return
		}
		if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
			done <- fmt.Errorf("ip link set lo up: %v: %s", err, out)
			return
		}
		done <- f()
	}()
	select {
	case s := <-skip:
		t.Skip(s)
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	}
}

// loopbackConnection opens a TCP connection to a listener on addr, sends
// some bytes both ways and closes it, which leaves tcp_metrics an entry
// for addr.
func loopbackConnection(addr string) error {
	l, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
	if err != nil {
		return err
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		io.Copy(c, c)
		c.Close()
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return err
	}
	buf := make([]byte, 64<<10)
	for range 8 {
		if _, err := c.Write(buf); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			return err
		}
	}
	return c.Close()
}

// TestTCPMetricsAddresses: after loopback connections over IPv4 and IPv6
// in a namespace of the test's own, tcp_metrics lists their destinations,
// decoded from the spec's display hints into netip.Addr values.
func TestTCPMetricsAddresses(t *testing.T) {
	inNetns(t, func() error {
		for _, a := range []string{"127.0.0.1", "::1"} {
			if err := loopbackConnection(a); err != nil {
				return fmt.Errorf("connection to %s: %w", a, err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := tcpmetrics.Dial(ctx)
		if err != nil {
			return err
		}
		defer c.Close()
		want := []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}
		// The kernel saves a connection's metrics as it closes: poll.
		var got []netip.Addr
		for try := 0; try < 50; try++ {
			got = got[:0]
			for m, err := range c.GetDump(ctx) {
				if err != nil {
					return err
				}
				if m.AddrIPv4.Present {
					got = append(got, m.AddrIPv4.V)
				}
				if m.AddrIPv6.Present {
					got = append(got, m.AddrIPv6.V)
				}
			}
			if slices.Contains(got, want[0]) && slices.Contains(got, want[1]) {
				t.Logf("tcp_metrics destinations: %v", got)
				return nil
			}
			time.Sleep(20 * time.Millisecond)
		}
		return fmt.Errorf("tcp_metrics destinations %v, want %v among them", got, want)
	})
}

// TestMPTCPEndpoints adds endpoints of both families in a namespace of the
// test's own and reads them back. mptcp_pm's spec gives its addresses no
// display hint (addr4 is a big-endian u32, addr6 a 16-byte binary), so
// the generated types are those; runtime.IPv4FromUint32 and
// netip.AddrFrom16 make addresses of them.
func TestMPTCPEndpoints(t *testing.T) {
	inNetns(t, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := mptcppm.Dial(ctx)
		if err != nil {
			return err
		}
		defer c.Close()
		v4, v6 := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("fd00::7")
		for i, a := range []*mptcppm.Address{
			{Family: runtime.Some(uint16(unix.AF_INET)), ID: runtime.Some(uint8(3)), Addr4: runtime.Some(runtime.Uint32FromIPv4(v4)), Flags: runtime.Some(uint32(1))},
			{Family: runtime.Some(uint16(unix.AF_INET6)), ID: runtime.Some(uint8(4)), Addr6: runtime.Some(v6.As16()), Flags: runtime.Some(uint32(1))},
		} {
			if err := c.AddAddr(ctx, &mptcppm.Endpoint{Addr: a}); err != nil {
				return fmt.Errorf("add-addr %d: %w", i, err)
			}
		}
		var got []netip.Addr
		for m, err := range c.GetAddrDump(ctx) {
			if err != nil {
				return err
			}
			switch a := m.Addr; {
			case a == nil:
			case a.Addr4.Present:
				got = append(got, runtime.IPv4FromUint32(a.Addr4.V))
			case a.Addr6.Present:
				got = append(got, netip.AddrFrom16(a.Addr6.V))
			}
		}
		if !slices.Equal(got, []netip.Addr{v4, v6}) {
			return fmt.Errorf("endpoints %v, want %v", got, []netip.Addr{v4, v6})
		}
		t.Logf("mptcp endpoints: %v", got)
		return nil
	})
}
