package bench

import (
	"context"
	"testing"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/internal/families/netdev"
	"github.com/genlgen/genlgen/runtime"
)

// BenchmarkDumpFamilies is goal 2 for nlctrl: a CTRL_CMD_GETFAMILY dump of
// every family the kernel has, reported per family (ns/family,
// cpu-ns/family).
//
//   - raw-go is the baseline: a prebuilt dump request, sendto, recvfrom
//     until NLMSG_DONE, counting messages.
//   - genlgen is the generated nlctrl client's GetfamilyDump, which
//     decodes every family into a CtrlAttrs the caller may keep;
//   - genlgen-reuse is GetfamilyDump with runtime.ReuseReplies: each
//     family is decoded into the memory of the one before.
//   - genlgen and genlgen-reuse send the request and take the first
//     datagram in one io_uring_enter where the kernel has io_uring;
//     genlgen-plain is genlgen with runtime.WithIOURing(false).
//   - mdlayher is genetlink.Conn.ListFamilies.
func BenchmarkDumpFamilies(b *testing.B) {
	b.Run("raw-go", func(b *testing.B) {
		fd := rawSock(b)
		req := rawRequest(unix.GENL_ID_CTRL, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, unix.CTRL_CMD_GETFAMILY, 2, nil)
		buf := make([]byte, 32<<10)
		n := 0
		cpu := startCPU()
		for b.Loop() {
			n += rawExchange(b, fd, req, buf, unix.GENL_ID_CTRL, unix.NLMSG_DONE)
		}
		cpu.report(b, n, "family")
	})
	b.Run("genlgen", func(b *testing.B) { dumpFamilies(b, false) })
	b.Run("genlgen-reuse", func(b *testing.B) { dumpFamilies(b, true) })
	b.Run("genlgen-plain", func(b *testing.B) { dumpFamilies(b, false, runtime.WithIOURing(false)) })
	b.Run("mdlayher", func(b *testing.B) {
		c, err := genetlink.Dial(nil)
		if err != nil {
			b.Skipf("no netlink: %v", err)
		}
		defer c.Close()
		n := 0
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			fs, err := c.ListFamilies()
			if err != nil || len(fs) == 0 {
				b.Fatal(err)
			}
			n += len(fs)
		}
		cpu.report(b, n, "family")
	})
}

// BenchmarkDumpDevices is goal 2 for netdev: a dev-get dump of every
// network device of the benchmark's network namespace, reported per device.
// genlgen-reuse passes runtime.ReuseReplies and genlgen-plain
// runtime.WithIOURing(false), as for families. The mdlayher
// variant is what a user of mdlayher/genetlink would write:
// Execute with NLM_F_DUMP and an AttributeDecoder per message.
func BenchmarkDumpDevices(b *testing.B) {
	c, err := netdev.Dial(context.Background())
	if err != nil {
		b.Skipf("no netdev family: %v", err)
	}
	b.Cleanup(func() { c.Close() })
	family := c.Conn().Family().ID
	b.Run("raw-go", func(b *testing.B) {
		fd := rawSock(b)
		req := rawRequest(family, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, cmdDevGet, netdev.FamilyVersion, nil)
		buf := make([]byte, 32<<10)
		n := 0
		cpu := startCPU()
		for b.Loop() {
			n += rawExchange(b, fd, req, buf, family, unix.NLMSG_DONE)
		}
		cpu.report(b, n, "device")
	})
	b.Run("genlgen", func(b *testing.B) { dumpDevices(b, c, false) })
	b.Run("genlgen-reuse", func(b *testing.B) { dumpDevices(b, c, true) })
	b.Run("genlgen-plain", func(b *testing.B) {
		plain, err := netdev.Dial(context.Background(), runtime.WithIOURing(false))
		if err != nil {
			b.Fatal(err)
		}
		defer plain.Close()
		dumpDevices(b, plain, false)
	})
	b.Run("mdlayher", func(b *testing.B) {
		conn, err := genetlink.Dial(nil)
		if err != nil {
			b.Skipf("no netlink: %v", err)
		}
		defer conn.Close()
		req := genetlink.Message{Header: genetlink.Header{Command: cmdDevGet, Version: netdev.FamilyVersion}}
		n := 0
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			msgs, err := conn.Execute(req, family, netlink.Request|netlink.Dump)
			if err != nil {
				b.Fatal(err)
			}
			for _, m := range msgs {
				var d mdDev
				if err := d.decode(m.Data); err != nil || d.Ifindex == 0 {
					b.Fatal(d, err)
				}
				n++
			}
		}
		cpu.report(b, n, "device")
	})
}

// cmdDevGet is netdev's dev-get command (the generated package keeps its ops unexported).
const cmdDevGet = 1

// dumpOptions is what the genlgen-reuse variants pass to the dump methods
// (runtime.ReuseReplies), and nothing for the genlgen ones.
func dumpOptions(reuse bool) []runtime.DumpOption {
	if reuse {
		return []runtime.DumpOption{runtime.ReuseReplies()}
	}
	return nil
}

// dumpFamilies is the genlgen variants of BenchmarkDumpFamilies.
func dumpFamilies(b *testing.B, reuse bool, dialOpts ...runtime.Option) {
	opts := dumpOptions(reuse)
	c := dialNlctrl(b, dialOpts...)
	ctx := context.Background()
	n := 0
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		for f, err := range c.GetfamilyDump(ctx, opts...) {
			if err != nil || !f.FamilyID.Present {
				b.Fatal(f, err)
			}
			n++
		}
	}
	cpu.report(b, n, "family")
}

// dumpDevices is the genlgen variants of BenchmarkDumpDevices.
func dumpDevices(b *testing.B, c *netdev.Client, reuse bool) {
	opts := dumpOptions(reuse)
	ctx := context.Background()
	n := 0
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		for d, err := range c.DevGetDump(ctx, opts...) {
			if err != nil || !d.Ifindex.Present {
				b.Fatal(d, err)
			}
			n++
		}
	}
	cpu.report(b, n, "device")
}
