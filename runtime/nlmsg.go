package runtime

import "fmt"

// nlmsg is one whole netlink message of a datagram, header first, as
// msgAt found it.
type nlmsg []byte

func (m nlmsg) typ() uint16    { return ne.Uint16(m[4:]) }
func (m nlmsg) flags() uint16  { return ne.Uint16(m[6:]) }
func (m nlmsg) seq() uint32    { return ne.Uint32(m[8:]) }
func (m nlmsg) portID() uint32 { return ne.Uint32(m[12:]) }

// body returns what follows the header.
func (m nlmsg) body() []byte { return m[nlmsgHdrLen:] }

// msgLen returns the length of the netlink message at the start of
// datagram b, or 0 if no whole message starts there; msgError then says
// why. It is the one check of the netlink header, for replies and
// notifications.
func msgLen(b []byte) int {
	if len(b) < nlmsgHdrLen {
		return 0
	}
	if l := int(ne.Uint32(b)); l >= nlmsgHdrLen && l <= len(b) {
		return l
	}
	return 0
}

// msgAt reads the netlink message at the start of datagram b and returns
// it with the offset of the next one (its length, padding included). next
// is -1 if no whole message starts there.
func msgAt(b []byte) (m nlmsg, next int) {
	l := msgLen(b)
	if l == 0 {
		return nil, -1
	}
	return nlmsg(b[:l]), min(align4(l), len(b))
}

// msgError describes why msgLen found no whole message at the start of b.
func msgError(b []byte) string {
	if len(b) < nlmsgHdrLen {
		return fmt.Sprintf("truncated netlink header: %d bytes", len(b))
	}
	return fmt.Sprintf("netlink message length %d with %d bytes left", ne.Uint32(b), len(b))
}

// setGenl fills dst's header fields and payload from a family message's
// body (genl header first), leaving Scratch alone; false if the body is
// too short for the genl header. A reader fills the one Message it keeps
// in place, so that each message writes one pointer (the payload), not a
// whole Message.
func (dst *Message) setGenl(m nlmsg) bool {
	body := m.body()
	if len(body) < genlHdrLen {
		return false
	}
	dst.Cmd, dst.Version, dst.Flags, dst.Payload = body[0], body[1], m.flags(), body[genlHdrLen:]
	return true
}
