package bench

import (
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// Hand-written codecs with mdlayher/netlink's AttributeEncoder and
// AttributeDecoder, the baseline for goal 3, written as a competent user of
// that package would: plain structs, a switch over ad.Type(), Nested for
// nests, errors from ad.Err and ae.Encode.

// mdFamily is a CTRL_CMD_GETFAMILY reply.
type mdFamily struct {
	ID      uint16
	Name    string
	Version uint32
	HdrSize uint32
	MaxAttr uint32
	Ops     []mdOp
	Groups  []mdGroup
}

type mdOp struct{ ID, Flags uint32 }

type mdGroup struct {
	Name string
	ID   uint32
}

func (f *mdFamily) decode(b []byte) error {
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return err
	}
	for ad.Next() {
		switch ad.Type() {
		case unix.CTRL_ATTR_FAMILY_ID:
			f.ID = ad.Uint16()
		case unix.CTRL_ATTR_FAMILY_NAME:
			f.Name = ad.String()
		case unix.CTRL_ATTR_VERSION:
			f.Version = ad.Uint32()
		case unix.CTRL_ATTR_HDRSIZE:
			f.HdrSize = ad.Uint32()
		case unix.CTRL_ATTR_MAXATTR:
			f.MaxAttr = ad.Uint32()
		case unix.CTRL_ATTR_OPS:
			ad.Nested(func(nad *netlink.AttributeDecoder) error {
				for nad.Next() {
					var op mdOp
					nad.Nested(func(oad *netlink.AttributeDecoder) error {
						for oad.Next() {
							switch oad.Type() {
							case unix.CTRL_ATTR_OP_ID:
								op.ID = oad.Uint32()
							case unix.CTRL_ATTR_OP_FLAGS:
								op.Flags = oad.Uint32()
							}
						}
						return nil
					})
					f.Ops = append(f.Ops, op)
				}
				return nil
			})
		case unix.CTRL_ATTR_MCAST_GROUPS:
			ad.Nested(func(nad *netlink.AttributeDecoder) error {
				for nad.Next() {
					var g mdGroup
					nad.Nested(func(gad *netlink.AttributeDecoder) error {
						for gad.Next() {
							switch gad.Type() {
							case unix.CTRL_ATTR_MCAST_GRP_NAME:
								g.Name = gad.String()
							case unix.CTRL_ATTR_MCAST_GRP_ID:
								g.ID = gad.Uint32()
							}
						}
						return nil
					})
					f.Groups = append(f.Groups, g)
				}
				return nil
			})
		}
	}
	return ad.Err()
}

func (f *mdFamily) encode() ([]byte, error) {
	ae := netlink.NewAttributeEncoder()
	ae.Uint16(unix.CTRL_ATTR_FAMILY_ID, f.ID)
	ae.String(unix.CTRL_ATTR_FAMILY_NAME, f.Name)
	ae.Uint32(unix.CTRL_ATTR_VERSION, f.Version)
	ae.Uint32(unix.CTRL_ATTR_HDRSIZE, f.HdrSize)
	ae.Uint32(unix.CTRL_ATTR_MAXATTR, f.MaxAttr)
	ae.Nested(unix.CTRL_ATTR_OPS, func(nae *netlink.AttributeEncoder) error {
		for i, op := range f.Ops {
			nae.Nested(uint16(i+1), func(oae *netlink.AttributeEncoder) error {
				oae.Uint32(unix.CTRL_ATTR_OP_ID, op.ID)
				oae.Uint32(unix.CTRL_ATTR_OP_FLAGS, op.Flags)
				return nil
			})
		}
		return nil
	})
	ae.Nested(unix.CTRL_ATTR_MCAST_GROUPS, func(nae *netlink.AttributeEncoder) error {
		for i, g := range f.Groups {
			nae.Nested(uint16(i+1), func(gae *netlink.AttributeEncoder) error {
				gae.String(unix.CTRL_ATTR_MCAST_GRP_NAME, g.Name)
				gae.Uint32(unix.CTRL_ATTR_MCAST_GRP_ID, g.ID)
				return nil
			})
		}
		return nil
	})
	return ae.Encode()
}

// mdDev is a netdev dev-get reply.
type mdDev struct {
	Ifindex      uint32
	XDPFeatures  uint64
	XDPZCMaxSegs uint32
	RxMetadata   uint64
	XSKFeatures  uint64
}

// netdev's dev attributes (the uapi header's NETDEV_A_DEV_*).
const (
	netdevADevIfindex = iota + 1
	netdevADevPad
	netdevADevXDPFeatures
	netdevADevXDPZCMaxSegs
	netdevADevXDPRxMetadataFeatures
	netdevADevXSKFeatures
)

func (d *mdDev) decode(b []byte) error {
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return err
	}
	for ad.Next() {
		switch ad.Type() {
		case netdevADevIfindex:
			d.Ifindex = ad.Uint32()
		case netdevADevXDPFeatures:
			d.XDPFeatures = ad.Uint64()
		case netdevADevXDPZCMaxSegs:
			d.XDPZCMaxSegs = ad.Uint32()
		case netdevADevXDPRxMetadataFeatures:
			d.RxMetadata = ad.Uint64()
		case netdevADevXSKFeatures:
			d.XSKFeatures = ad.Uint64()
		}
	}
	return ad.Err()
}

func (d *mdDev) encode() ([]byte, error) {
	ae := netlink.NewAttributeEncoder()
	ae.Uint32(netdevADevIfindex, d.Ifindex)
	ae.Uint64(netdevADevXDPFeatures, d.XDPFeatures)
	ae.Uint32(netdevADevXDPZCMaxSegs, d.XDPZCMaxSegs)
	ae.Uint64(netdevADevXDPRxMetadataFeatures, d.RxMetadata)
	ae.Uint64(netdevADevXSKFeatures, d.XSKFeatures)
	return ae.Encode()
}

// mdEcho is a DOC_EXMPL echo reply.
type mdEcho struct {
	Msg       string
	Seq       uint64
	Timestamp uint64
}

const (
	docExmplAMsg = iota + 1
	docExmplASeq
	docExmplATimestamp
)

func (m *mdEcho) decode(b []byte) error {
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return err
	}
	for ad.Next() {
		switch ad.Type() {
		case docExmplAMsg:
			m.Msg = ad.String()
		case docExmplASeq:
			m.Seq = ad.Uint64()
		case docExmplATimestamp:
			m.Timestamp = ad.Uint64()
		}
	}
	return ad.Err()
}

func (m *mdEcho) encode() ([]byte, error) {
	ae := netlink.NewAttributeEncoder()
	ae.String(docExmplAMsg, m.Msg)
	ae.Uint64(docExmplASeq, m.Seq)
	ae.Uint64(docExmplATimestamp, m.Timestamp)
	return ae.Encode()
}
