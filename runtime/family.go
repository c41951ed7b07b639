package runtime

import (
	"context"
	"fmt"

	"golang.org/x/sys/unix"
)

// Family is what nlctrl reports about a generic netlink family.
type Family struct {
	Name       string
	ID         uint16
	Version    uint32
	HeaderSize uint32
	MaxAttr    uint32
	// Groups maps multicast group names to their ids. It must not be
	// modified.
	Groups map[string]uint32
}

// ctrlAttrs names nlctrl's request attributes for error messages.
var ctrlAttrs = AttrSet{Name: "ctrl-attrs", Attrs: []AttrSpec{
	unix.CTRL_ATTR_FAMILY_ID:   {Name: "family-id"},
	unix.CTRL_ATTR_FAMILY_NAME: {Name: "family-name"},
}}

var opGetFamily = Op{Name: "getfamily", Cmd: unix.CTRL_CMD_GETFAMILY, Attrs: &ctrlAttrs, DoReply: true}

// ctrlVersion is the genl version nlctrl speaks.
const ctrlVersion = 2

// getFamily asks nlctrl about the family called name.
func getFamily(ctx context.Context, s *sock, name string) (Family, error) {
	var f Family
	var found bool
	err := s.exchange(ctx, unix.GENL_ID_CTRL, ctrlVersion, &opGetFamily,
		func(e *Encoder) { e.PutString(unix.CTRL_ATTR_FAMILY_NAME, name) },
		func(m Message) error {
			found = true
			return f.decode(m.Payload)
		})
	if err != nil {
		return Family{}, err
	}
	if !found || f.ID == 0 {
		return Family{}, fmt.Errorf("genlgen: getfamily: nlctrl sent no family id for %q", name)
	}
	return f, nil
}

// decode fills f from a CTRL_CMD_NEWFAMILY payload.
func (f *Family) decode(b []byte) error {
	var err error
	it := Attrs(b)
	for it.Next() && err == nil {
		d := it.Data()
		switch it.Type() {
		case unix.CTRL_ATTR_FAMILY_ID:
			f.ID, err = ReadU16("family-id", d)
		case unix.CTRL_ATTR_FAMILY_NAME:
			f.Name, err = ReadString("family-name", d)
		case unix.CTRL_ATTR_VERSION:
			f.Version, err = ReadU32("version", d)
		case unix.CTRL_ATTR_HDRSIZE:
			f.HeaderSize, err = ReadU32("hdrsize", d)
		case unix.CTRL_ATTR_MAXATTR:
			f.MaxAttr, err = ReadU32("maxattr", d)
		case unix.CTRL_ATTR_MCAST_GROUPS:
			err = f.decodeGroups(d)
		}
	}
	if err != nil {
		return err
	}
	return it.Err()
}

// decodeGroups reads the indexed array of multicast groups.
func (f *Family) decodeGroups(b []byte) error {
	groups := Attrs(b)
	for groups.Next() {
		var name string
		var id uint32
		var err error
		it := Attrs(groups.Data())
		for it.Next() && err == nil {
			switch it.Type() {
			case unix.CTRL_ATTR_MCAST_GRP_NAME:
				name, err = ReadString("mcast-grp-name", it.Data())
			case unix.CTRL_ATTR_MCAST_GRP_ID:
				id, err = ReadU32("mcast-grp-id", it.Data())
			}
		}
		if err == nil {
			err = it.Err()
		}
		if err != nil {
			return err
		}
		if f.Groups == nil {
			f.Groups = make(map[string]uint32)
		}
		f.Groups[name] = id
	}
	return groups.Err()
}
