package bench

import (
	"context"
	"testing"

	"github.com/mdlayher/genetlink"
	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/internal/families/nlctrl"
	"github.com/genlgen/genlgen/runtime"
)

// lookup is the family every latency benchmark asks nlctrl about.
const lookup = "nlctrl"

// BenchmarkGetFamily is goal 1, request latency: one CTRL_CMD_GETFAMILY
// "do" for one family.
//
//   - raw-go is the baseline: a prebuilt request without NLM_F_ACK, one
//     sendto and one recvfrom.
//   - raw-go-ack is the same with NLM_F_ACK: reply and ACK arrive as two
//     datagrams, received with two recvfrom calls.
//   - genlgen is the generated nlctrl client: it encodes the request
//     (without NLM_F_ACK: getfamily has a reply, which ends the exchange),
//     sends it and receives without waiting in one io_uring_enter where
//     the kernel has io_uring (runtime.WithIOURing), checks sequence
//     numbers and port ids and decodes the whole reply.
//   - genlgen-reuse is genlgen decoding every reply into the same
//     runtime.ReplyArena (runtime.ReuseReply).
//   - genlgen-plain is genlgen with runtime.WithIOURing(false): a sendto
//     and a non-blocking recvfrom, the runtime's transport before the
//     ring (raw-go's receive waits instead; it has nothing to wait for).
//   - ynlbench's raw-c-uring (bench/c) is raw C's send and recv linked
//     in one io_uring_enter.
//   - runtime-do is the runtime's transport alone (what genlgen does
//     minus decoding the reply into structs).
//   - runtime-do-ack is runtime-do asking for an ACK, as requests without
//     a reply do; compare raw-go-ack.
//   - mdlayher is genetlink.Conn.GetFamily.
func BenchmarkGetFamily(b *testing.B) {
	b.Run("raw-go", func(b *testing.B) {
		fd := rawSock(b)
		req := rawRequest(unix.GENL_ID_CTRL, unix.NLM_F_REQUEST, unix.CTRL_CMD_GETFAMILY, 2,
			func(e *runtime.Encoder) { e.PutString(unix.CTRL_ATTR_FAMILY_NAME, lookup) })
		buf := make([]byte, 32<<10)
		cpu := startCPU()
		for b.Loop() {
			rawExchange(b, fd, req, buf, unix.GENL_ID_CTRL, unix.GENL_ID_CTRL)
		}
		cpu.report(b, 0, "")
	})
	b.Run("raw-go-ack", func(b *testing.B) {
		fd := rawSock(b)
		req := rawRequest(unix.GENL_ID_CTRL, unix.NLM_F_REQUEST|unix.NLM_F_ACK, unix.CTRL_CMD_GETFAMILY, 2,
			func(e *runtime.Encoder) { e.PutString(unix.CTRL_ATTR_FAMILY_NAME, lookup) })
		buf := make([]byte, 32<<10)
		cpu := startCPU()
		for b.Loop() {
			rawExchange(b, fd, req, buf, unix.GENL_ID_CTRL, unix.NLMSG_ERROR)
		}
		cpu.report(b, 0, "")
	})
	b.Run("genlgen", func(b *testing.B) { getFamily(b, nil) })
	b.Run("genlgen-reuse", func(b *testing.B) { getFamily(b, new(runtime.ReplyArena)) })
	b.Run("genlgen-plain", func(b *testing.B) { getFamily(b, nil, runtime.WithIOURing(false)) })
	b.Run("runtime-do", func(b *testing.B) {
		// The transport alone: runtime.Conn.Do as genlgen uses it (no
		// ACK, one recvfrom, sequence checks), reading only the family id.
		runtimeDo(b, &runtime.Op{Name: "getfamily", Cmd: unix.CTRL_CMD_GETFAMILY, DoReply: true})
	})
	b.Run("runtime-do-ack", func(b *testing.B) {
		// runtime-do asking for an ACK, as requests without a reply do:
		// reply and ACK come as two datagrams (compare raw-go-ack).
		runtimeDo(b, &runtime.Op{Name: "getfamily", Cmd: unix.CTRL_CMD_GETFAMILY})
	})
	b.Run("mdlayher", func(b *testing.B) {
		c, err := genetlink.Dial(nil)
		if err != nil {
			b.Skipf("no netlink: %v", err)
		}
		defer c.Close()
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			f, err := c.GetFamily(lookup)
			if err != nil || f.ID != unix.GENL_ID_CTRL {
				b.Fatal(f, err)
			}
		}
		cpu.report(b, 0, "")
	})
}

func dialNlctrl(b *testing.B, opts ...runtime.Option) *nlctrl.Client {
	c, err := nlctrl.Dial(context.Background(), opts...)
	if err != nil {
		b.Skipf("no nlctrl: %v", err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

// runtimeDo runs op (nlctrl getfamily about nlctrl) through runtime.Conn.Do
// and reads only the family id from the reply.
func runtimeDo(b *testing.B, op *runtime.Op) {
	c := dialNlctrl(b)
	ctx := context.Background()
	var id uint16
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		err := c.Conn().Do(ctx, op,
			func(e *runtime.Encoder) { e.PutString(unix.CTRL_ATTR_FAMILY_NAME, lookup) },
			func(m runtime.Message) error {
				it := runtime.Attrs(m.Payload)
				for it.Next() {
					if it.Type() == unix.CTRL_ATTR_FAMILY_ID {
						var err error
						if id, err = runtime.ReadU16("family-id", it.Data()); err != nil {
							return err
						}
					}
				}
				return it.Err()
			})
		if err != nil || id != unix.GENL_ID_CTRL {
			b.Fatal(id, err)
		}
	}
	cpu.report(b, 0, "")
}

// getFamily is the genlgen variants of BenchmarkGetFamily: without an
// arena each reply is carved from fresh chunk memory, with one each reply
// reuses the memory of the one before.
func getFamily(b *testing.B, arena *runtime.ReplyArena, opts ...runtime.Option) {
	c := dialNlctrl(b, opts...)
	ctx := context.Background()
	req := &nlctrl.CtrlAttrs{FamilyName: runtime.Some(lookup)}
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		f, err := c.Getfamily(ctx, req, runtime.ReuseReply(arena))
		if err != nil || f == nil || !f.FamilyID.Present || f.FamilyID.V != unix.GENL_ID_CTRL {
			b.Fatal(f, err)
		}
	}
	cpu.report(b, 0, "")
}
