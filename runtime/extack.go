package runtime

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// PolicyType is the kernel's description of an attribute type in a policy
// (enum netlink_attribute_type).
type PolicyType uint32

var policyTypeNames = [...]string{
	unix.NL_ATTR_TYPE_INVALID:      "invalid",
	unix.NL_ATTR_TYPE_FLAG:         "flag",
	unix.NL_ATTR_TYPE_U8:           "u8",
	unix.NL_ATTR_TYPE_U16:          "u16",
	unix.NL_ATTR_TYPE_U32:          "u32",
	unix.NL_ATTR_TYPE_U64:          "u64",
	unix.NL_ATTR_TYPE_S8:           "s8",
	unix.NL_ATTR_TYPE_S16:          "s16",
	unix.NL_ATTR_TYPE_S32:          "s32",
	unix.NL_ATTR_TYPE_S64:          "s64",
	unix.NL_ATTR_TYPE_BINARY:       "binary",
	unix.NL_ATTR_TYPE_STRING:       "string",
	unix.NL_ATTR_TYPE_NUL_STRING:   "nul-string",
	unix.NL_ATTR_TYPE_NESTED:       "nest",
	unix.NL_ATTR_TYPE_NESTED_ARRAY: "indexed-array",
	unix.NL_ATTR_TYPE_BITFIELD32:   "bitfield32",
	16:                             "sint",
	17:                             "uint",
}

// String returns the YNL-style name of t.
func (t PolicyType) String() string {
	if int(t) < len(policyTypeNames) {
		return policyTypeNames[t]
	}
	return fmt.Sprintf("type-%d", uint32(t))
}

// PolicyInfo is the policy of a rejected attribute, from the extended ACK's
// NLMSGERR_ATTR_POLICY. Only the fields whose Has flag is set were sent.
type PolicyInfo struct {
	Type PolicyType

	HasSignedRange bool
	MinSigned      int64
	MaxSigned      int64

	HasUnsignedRange bool
	MinUnsigned      uint64
	MaxUnsigned      uint64

	HasLength bool
	MinLength uint32
	MaxLength uint32

	HasMask bool
	Mask    uint64 // allowed bits, from NL_POLICY_TYPE_ATTR_MASK or _BITFIELD32_MASK

	HasPolicyIndex bool
	PolicyIndex    uint32
	PolicyMaxType  uint32
}

// String summarises p, for example "u32 range [1, 2147483647]".
func (p *PolicyInfo) String() string {
	var parts []string
	if p.Type != unix.NL_ATTR_TYPE_INVALID {
		parts = append(parts, p.Type.String())
	}
	if p.HasSignedRange {
		parts = append(parts, fmt.Sprintf("range [%d, %d]", p.MinSigned, p.MaxSigned))
	}
	if p.HasUnsignedRange {
		parts = append(parts, fmt.Sprintf("range [%d, %d]", p.MinUnsigned, p.MaxUnsigned))
	}
	if p.HasLength {
		parts = append(parts, fmt.Sprintf("length [%d, %d]", p.MinLength, p.MaxLength))
	}
	if p.HasMask {
		parts = append(parts, fmt.Sprintf("mask %#x", p.Mask))
	}
	return strings.Join(parts, " ")
}

// extAck is what the TLVs after an NLMSG_ERROR or NLMSG_DONE said.
type extAck struct {
	msg      string
	offset   int // -1 if absent
	cookie   []byte
	policy   *PolicyInfo
	missType int // -1 if absent
	missNest int // -1 if absent
}

// noExtAck is the extended ACK of a message that carried none.
var noExtAck = extAck{offset: -1, missType: -1, missNest: -1}

// parseExtAck decodes extended ACK TLVs. It is best effort: a malformed TLV
// ends the parse, keeping what was decoded so far, because the errno alone
// is still worth reporting.
func parseExtAck(b []byte) extAck {
	ea := noExtAck
	it := Attrs(b)
	for it.Next() {
		d := it.Data()
		switch it.Type() {
		case nlmsgerrAttrMsg:
			ea.msg, _ = ReadString("msg", d)
		case nlmsgerrAttrOffs:
			if v, err := ReadU32("offs", d); err == nil {
				ea.offset = int(v)
			}
		case nlmsgerrAttrCookie:
			ea.cookie = ReadBytes(d)
		case nlmsgerrAttrPolicy:
			ea.policy = parsePolicy(d)
		case nlmsgerrAttrMissType:
			if v, err := ReadU32("miss-type", d); err == nil {
				ea.missType = int(v)
			}
		case nlmsgerrAttrMissNest:
			if v, err := ReadU32("miss-nest", d); err == nil {
				ea.missNest = int(v)
			}
		}
	}
	return ea
}

// parsePolicy decodes the nested NL_POLICY_TYPE_ATTR_* attributes.
func parsePolicy(b []byte) *PolicyInfo {
	p := &PolicyInfo{}
	it := Attrs(b)
	for it.Next() {
		d := it.Data()
		switch it.Type() {
		case unix.NL_POLICY_TYPE_ATTR_TYPE:
			v, _ := ReadU32("type", d)
			p.Type = PolicyType(v)
		case unix.NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
			p.MinSigned, _ = ReadS64("min-value-s", d)
			p.HasSignedRange = true
		case unix.NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
			p.MaxSigned, _ = ReadS64("max-value-s", d)
			p.HasSignedRange = true
		case unix.NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
			p.MinUnsigned, _ = ReadU64("min-value-u", d)
			p.HasUnsignedRange = true
		case unix.NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
			p.MaxUnsigned, _ = ReadU64("max-value-u", d)
			p.HasUnsignedRange = true
		case unix.NL_POLICY_TYPE_ATTR_MIN_LENGTH:
			p.MinLength, _ = ReadU32("min-length", d)
			p.HasLength = true
		case unix.NL_POLICY_TYPE_ATTR_MAX_LENGTH:
			p.MaxLength, _ = ReadU32("max-length", d)
			p.HasLength = true
		case unix.NL_POLICY_TYPE_ATTR_POLICY_IDX:
			p.PolicyIndex, _ = ReadU32("policy-idx", d)
			p.HasPolicyIndex = true
		case unix.NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE:
			p.PolicyMaxType, _ = ReadU32("policy-maxtype", d)
		case unix.NL_POLICY_TYPE_ATTR_BITFIELD32_MASK:
			v, _ := ReadU32("bitfield32-mask", d)
			p.Mask, p.HasMask = uint64(v), true
		case unix.NL_POLICY_TYPE_ATTR_MASK:
			p.Mask, _ = ReadU64("mask", d)
			p.HasMask = true
		}
	}
	return p
}

// kernelError builds the *Error for errno and the extended ACK, mapping
// offsets in the request back to spec names with op's attribute set.
// sent is the request as sent and attrStart the offset of its first
// attribute.
func kernelError(op *Op, errno unix.Errno, ea extAck, sent []byte, attrStart int) *Error {
	e := &Error{
		Op:      op.Name,
		Errno:   errno,
		Message: ea.msg,
		Offset:  ea.offset,
		Policy:  ea.policy,
		Cookie:  ea.cookie,
	}
	if attrStart > len(sent) {
		attrStart = len(sent)
	}
	attrs := sent[attrStart:]
	if ea.offset >= 0 {
		if path, _, ok := pathAt(op.Attrs, attrs, attrStart, ea.offset); ok {
			e.AttrPath = path
		} else {
			e.AttrPath = fmt.Sprintf("at offset %d", ea.offset)
		}
	}
	if ea.missType >= 0 {
		set, prefix := op.Attrs, ""
		if ea.missNest >= 0 {
			path, nested, ok := pathAt(op.Attrs, attrs, attrStart, ea.missNest)
			if ok {
				set, prefix = nested, path+"."
			} else {
				set, prefix = nil, fmt.Sprintf("(nest at offset %d).", ea.missNest)
			}
		}
		e.MissingAttr = prefix + set.name(uint16(ea.missType))
	}
	return e
}
