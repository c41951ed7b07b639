package runtime

import (
	"errors"
	"strings"

	"golang.org/x/sys/unix"
)

var (
	// ErrFamilyNotFound means the kernel has no generic netlink family of
	// the requested name, usually because its module is not loaded. Errors
	// that wrap it also wrap unix.ENOENT.
	ErrFamilyNotFound = errors.New("generic netlink family not found")

	// ErrDumpInterrupted means the kernel flagged a dump with
	// NLM_F_DUMP_INTR: the data changed while it was being dumped, so
	// what was received may be inconsistent. Retrying usually helps.
	ErrDumpInterrupted = errors.New("dump interrupted by a concurrent change; results may be inconsistent")

	// ErrOverrun means the socket's receive queue overflowed (ENOBUFS) and
	// messages were lost. For a subscription, receiving can continue.
	ErrOverrun = errors.New("receive queue overrun, messages were lost")

	// ErrMalformed marks input that does not follow the netlink wire format.
	ErrMalformed = errors.New("malformed netlink data")

	// ErrTruncated means a datagram did not fit in the receive buffer and
	// its tail was lost. The buffer has been grown for the next request.
	ErrTruncated = errors.New("datagram truncated by a short receive buffer")

	// ErrFamilyRemoved ends a subscription whose family the kernel
	// unregistered (nlctrl announced CTRL_CMD_DELFAMILY for its id),
	// usually because its module was unloaded. Dial again once it is back:
	// the family may get another id.
	ErrFamilyRemoved = errors.New("generic netlink family removed from the kernel")

	// ErrClosed is returned when a closed Conn or Subscription is used.
	ErrClosed = errors.New("use of closed connection")
)

// Error is an error reported by the kernel in an NLMSG_ERROR or NLMSG_DONE
// message, together with what its extended ACK said. errors.Is(err,
// unix.ENODEV) and the like work on it.
type Error struct {
	// Op is the spec name of the operation that failed.
	Op string
	// Errno is the kernel's error number.
	Errno unix.Errno
	// Message is the extended ACK's message, if any.
	Message string
	// Offset is the offset of the offending attribute in the request, as
	// reported by the kernel, or -1.
	Offset int
	// AttrPath names the offending attribute by spec names, such as
	// "header.dev-index" or "queues[2].id"; empty if the kernel named none.
	AttrPath string
	// MissingAttr names a required attribute that the request lacked.
	MissingAttr string
	// Policy describes the policy the offending attribute violated.
	Policy *PolicyInfo
	// Cookie is the extended ACK's cookie, if any.
	Cookie []byte
}

// Error renders e as, for example,
// "genlgen: dev-get: attribute ifindex: integer out of range (policy: u32
// range [1, 2147483647]): invalid argument".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("genlgen: ")
	b.WriteString(e.Op)
	if e.AttrPath != "" {
		b.WriteString(": attribute ")
		b.WriteString(e.AttrPath)
	}
	if e.MissingAttr != "" {
		b.WriteString(": missing attribute ")
		b.WriteString(e.MissingAttr)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Policy != nil {
		if p := e.Policy.String(); p != "" {
			b.WriteString(" (policy: ")
			b.WriteString(p)
			b.WriteString(")")
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Errno.Error())
	return b.String()
}

// Unwrap returns the errno.
func (e *Error) Unwrap() error { return e.Errno }
