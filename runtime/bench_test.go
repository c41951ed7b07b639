package runtime

import (
	"context"
	"testing"
	"unsafe"

	"github.com/mdlayher/genetlink"
	"golang.org/x/sys/unix"
)

// rawSock opens a plain generic netlink socket for the baseline benchmarks.
func rawSock(b *testing.B) int {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		b.Skipf("no netlink: %v", err)
	}
	if err := unix.Connect(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { unix.Close(fd) })
	return fd
}

// rawRequest prebuilds a CTRL_CMD_GETFAMILY request.
func rawRequest(flags uint16, name string) []byte {
	var e Encoder
	e.Begin(unix.GENL_ID_CTRL, flags, unix.CTRL_CMD_GETFAMILY, 2)
	if name != "" {
		e.PutString(unix.CTRL_ATTR_FAMILY_NAME, name)
	}
	return e.finish(1, 0)
}

// rawExchange sends req and receives datagrams until one holds a message of
// type end (NLMSG_ERROR for an ACK, NLMSG_DONE for a dump), like a C loop
// of send(2) and recv(2) would.
func rawExchange(b *testing.B, fd int, req, buf []byte, end uint16) {
	if _, _, e := unix.Syscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(&req[0])), uintptr(len(req)), 0, 0, 0); e != 0 {
		b.Fatal(e)
	}
	for {
		n, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
		if e != 0 {
			b.Fatal(e)
		}
		for p := buf[:n]; len(p) >= nlmsgHdrLen; {
			if ne.Uint16(p[4:]) == end {
				return
			}
			p = p[min(align4(int(ne.Uint32(p))), len(p)):]
		}
	}
}

// BenchmarkRawSyscallGetFamily is the baseline: the same request Do sends
// (NLM_F_ACK, so a reply and an ACK come back), from a prebuilt buffer.
func BenchmarkRawSyscallGetFamily(b *testing.B) {
	fd := rawSock(b)
	req := rawRequest(unix.NLM_F_REQUEST|unix.NLM_F_ACK, "nlctrl")
	buf := make([]byte, 32<<10)
	for b.Loop() {
		rawExchange(b, fd, req, buf, unix.NLMSG_ERROR)
	}
}

// BenchmarkRawSyscallGetFamilyNoAck is one send and one receive: the
// request without NLM_F_ACK, answered by the reply alone.
func BenchmarkRawSyscallGetFamilyNoAck(b *testing.B) {
	fd := rawSock(b)
	req := rawRequest(unix.NLM_F_REQUEST, "nlctrl")
	buf := make([]byte, 32<<10)
	for b.Loop() {
		rawExchange(b, fd, req, buf, unix.GENL_ID_CTRL)
	}
}

var benchOp = Op{Name: "getfamily", Cmd: unix.CTRL_CMD_GETFAMILY, Attrs: &testCtrlAttrs}

func BenchmarkDoGetFamily(b *testing.B) {
	c := dialT(b, "nlctrl", WithVersion(2))
	ctx := context.Background()
	name := "nlctrl"
	var id uint16
	b.ReportAllocs()
	for b.Loop() {
		err := c.Do(ctx, &benchOp,
			func(e *Encoder) { e.PutString(unix.CTRL_ATTR_FAMILY_NAME, name) },
			func(m Message) error {
				it := Attrs(m.Payload)
				for it.Next() {
					if it.Type() == unix.CTRL_ATTR_FAMILY_ID {
						var err error
						if id, err = ReadU16("family-id", it.Data()); err != nil {
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
}

func BenchmarkMdlayherGetFamily(b *testing.B) {
	c, err := genetlink.Dial(nil)
	if err != nil {
		b.Skipf("no netlink: %v", err)
	}
	defer c.Close()
	b.ReportAllocs()
	for b.Loop() {
		f, err := c.GetFamily("nlctrl")
		if err != nil || f.ID != unix.GENL_ID_CTRL {
			b.Fatal(f, err)
		}
	}
}

func BenchmarkRawSyscallDumpFamilies(b *testing.B) {
	fd := rawSock(b)
	req := rawRequest(unix.NLM_F_REQUEST|unix.NLM_F_DUMP, "")
	buf := make([]byte, 32<<10)
	for b.Loop() {
		rawExchange(b, fd, req, buf, unix.NLMSG_DONE)
	}
}

func BenchmarkDumpFamilies(b *testing.B) {
	c := dialT(b, "nlctrl", WithVersion(2))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for m, err := range c.Dump(ctx, &benchOp, nil) {
			if err != nil {
				b.Fatal(err)
			}
			it := Attrs(m.Payload)
			for it.Next() {
				if it.Type() == unix.CTRL_ATTR_FAMILY_ID {
					n++
				}
			}
		}
		if n == 0 {
			b.Fatal("empty dump")
		}
	}
}

func BenchmarkMdlayherDumpFamilies(b *testing.B) {
	c, err := genetlink.Dial(nil)
	if err != nil {
		b.Skipf("no netlink: %v", err)
	}
	defer c.Close()
	b.ReportAllocs()
	for b.Loop() {
		fs, err := c.ListFamilies()
		if err != nil || len(fs) == 0 {
			b.Fatal(err)
		}
	}
}
