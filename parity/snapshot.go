package parity

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/sys/unix"

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
		if errors.Is(err, unix.ENODATA) && s.OpPolicy == nil {
			// No op has a policy (a family of events only,
			// binder's): the kernel has nothing to dump.
			return s
		}
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

// opPolicyStride spaces the policy indexes of TakeOps' per-op dumps.
const opPolicyStride = 512

// TakeOps is Take with the policies dumped op by op (getpolicy with an op
// filter), leaving out those of the commands of skip: for families one of
// whose policies the kernel cannot dump. Each op's policy indexes are moved
// to a range of their own, so that the merged snapshot reads as one dump.
func TakeOps(ctx context.Context, c *nlctrl.Client, name string, skip []uint32) *Snapshot {
	s := &Snapshot{Name: name}
	fam, err := c.Getfamily(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some(name)})
	if err != nil {
		s.Err = fmt.Sprintf("getfamily: %v", err)
		return s
	}
	s.Family = fam
	k := 0
	for _, op := range fam.Ops {
		if !op.ID.Present || slices.Contains(skip, op.ID.V) {
			continue
		}
		k++
		base := uint32(k * opPolicyStride)
		if base+opPolicyStride > 1<<16 {
			s.Err = "getpolicy: too many ops to dump one by one"
			return s
		}
		for msg, err := range c.GetpolicyDump(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some(name), Op: runtime.Some(op.ID.V)}) {
			if errors.Is(err, unix.ENODATA) {
				break // the op has no policy
			}
			if err != nil {
				s.Err = fmt.Sprintf("getpolicy of op %d: %v", op.ID.V, err)
				return s
			}
			if len(msg.Unknown) > 0 {
				s.Err = fmt.Sprintf("getpolicy: %d attributes the nlctrl spec does not know", len(msg.Unknown))
				return s
			}
			for _, e := range msg.OpPolicy {
				for _, idx := range []*runtime.Opt[uint32]{&e.Attrs.Do, &e.Attrs.Dump} {
					if idx.Present {
						idx.V += base
					}
				}
				s.OpPolicy = append(s.OpPolicy, e)
			}
			for _, e := range msg.Policy {
				if uint32(e.PolicyID) >= opPolicyStride {
					s.Err = fmt.Sprintf("getpolicy of op %d: policy index %d past %d", op.ID.V, e.PolicyID, opPolicyStride)
					return s
				}
				e.PolicyID += uint16(base)
				if e.Attrs.PolicyIdx.Present {
					e.Attrs.PolicyIdx.V += base
				}
				s.Policy = append(s.Policy, e)
			}
		}
	}
	return s
}

// SnapshotMarker starts each console line of the guest test that carries a
// snapshot as JSON.
const SnapshotMarker = "GENLGEN-PARITY-SNAPSHOT "
