package parity

import (
	"context"
	"fmt"

	"github.com/genlgen/genlgen/internal/families/nlctrl"
	"github.com/genlgen/genlgen/runtime"
)

// Snapshot is what nlctrl reports about one registered family: its
// getfamily reply and every message of its getpolicy dump, merged. It is
// the unit the guest test prints and the parity command reads.
type Snapshot struct {
	// Name is the name the family is registered under.
	Name string `json:"name"`
	// Err is set when the family could not be read (not registered, or
	// the dump failed); the other fields are then partial.
	Err      string                          `json:"error,omitempty"`
	Family   *nlctrl.CtrlAttrs               `json:"family,omitempty"`
	OpPolicy []nlctrl.CtrlAttrsOpPolicyEntry `json:"op-policy,omitempty"`
	Policy   []nlctrl.CtrlAttrsPolicyEntry   `json:"policy,omitempty"`
}

// Take reads family name's getfamily reply and getpolicy dump through c.
// Failures are recorded in the snapshot's Err, so that one missing family
// does not hide the others.
func Take(ctx context.Context, c *nlctrl.Client, name string) *Snapshot {
	s := &Snapshot{Name: name}
	fam, err := c.Getfamily(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some(name)})
	if err != nil {
		s.Err = fmt.Sprintf("getfamily: %v", err)
		return s
	}
	s.Family = fam
	for msg, err := range c.GetpolicyDump(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some(name)}) {
		if err != nil {
			s.Err = fmt.Sprintf("getpolicy: %v", err)
			return s
		}
		if len(msg.Unknown) > 0 {
			s.Err = fmt.Sprintf("getpolicy: %d attributes the nlctrl spec does not know", len(msg.Unknown))
			return s
		}
		s.OpPolicy = append(s.OpPolicy, msg.OpPolicy...)
		s.Policy = append(s.Policy, msg.Policy...)
	}
	return s
}

// SnapshotMarker starts each console line of the guest test that carries a
// snapshot as JSON.
const SnapshotMarker = "GENLGEN-PARITY-SNAPSHOT "
