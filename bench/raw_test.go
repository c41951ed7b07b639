package bench

import (
	"encoding/binary"
	goruntime "runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/runtime"
)

// The raw baselines: what a hand-written Go program that knows the wire
// format by heart would do. One socket, a request built once, one send and
// receives into one reused buffer until the end of the answer. No decoding
// beyond finding the end, no sequence checks, no contexts.

var ne = binary.NativeEndian

// rawSock opens a generic netlink socket connected to the kernel.
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

// rawRequest builds a request with the runtime's encoder (the bytes are what
// matter) and fills in the netlink header's length and sequence number.
func rawRequest(family, flags uint16, cmd, version uint8, put func(*runtime.Encoder)) []byte {
	var e runtime.Encoder
	e.Begin(family, flags, cmd, version)
	if put != nil {
		put(&e)
	}
	req := append([]byte(nil), e.Bytes()...)
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint32(req[8:], 1)
	return req
}

// rawSends counts the raw loops' requests, for the yield in rawExchange.
var rawSends uint32

// rawExchange sends req and receives datagrams until a message of type end
// (NLMSG_DONE for a dump, the family id for a do without ACK); it returns
// how many messages of type family came back.
//
// Like the runtime (see its sock.yield), it lets the Go scheduler
// reschedule it every 64 requests: a loop of system calls that never is
// makes Go's sysmon hand its P to another thread during system calls,
// which costs 10-15% here, and the baseline is meant to be the best a Go
// loop making these system calls can do.
func rawExchange(b *testing.B, fd int, req, buf []byte, family, end uint16) int {
	if rawSends++; rawSends%64 == 0 {
		goruntime.Gosched()
	}
	if _, _, e := unix.Syscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(&req[0])), uintptr(len(req)), 0, 0, 0); e != 0 {
		b.Fatal(e)
	}
	msgs := 0
	for {
		n, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
		if e != 0 {
			b.Fatal(e)
		}
		for p := buf[:n]; len(p) >= 16; {
			typ := ne.Uint16(p[4:])
			if typ == family {
				msgs++
			}
			if typ == end {
				return msgs
			}
			if typ == unix.NLMSG_ERROR {
				b.Fatalf("kernel error %d", int32(ne.Uint32(p[16:])))
			}
			p = p[min((int(ne.Uint32(p))+3)&^3, len(p)):]
		}
	}
}
