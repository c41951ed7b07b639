package runtime

import "encoding/binary"

// Sizes and constants of the netlink wire format that golang.org/x/sys/unix
// does not name (or names for a different purpose).
const (
	nlmsgHdrLen = 16 // struct nlmsghdr
	genlHdrLen  = 4  // struct genlmsghdr
	attrHdrLen  = 4  // struct nlattr
	nlmsgerrLen = 20 // struct nlmsgerr: int error + struct nlmsghdr

	// attrTypeMask strips NLA_F_NESTED and NLA_F_NET_BYTEORDER.
	attrTypeMask = 0x3fff

	// maxAttrPayload is the largest payload an nla_len of 16 bits can
	// describe.
	maxAttrPayload = 0xffff - attrHdrLen

	nlmsgerrAttrMsg      = 1
	nlmsgerrAttrOffs     = 2
	nlmsgerrAttrCookie   = 3
	nlmsgerrAttrPolicy   = 4
	nlmsgerrAttrMissType = 5
	nlmsgerrAttrMissNest = 6
)

// ne is the host byte order, which netlink uses for headers and attributes.
var ne = binary.NativeEndian

// align4 rounds n up to the netlink alignment of 4 bytes.
func align4(n int) int { return (n + 3) &^ 3 }
