package kgen

import (
	"fmt"

	"github.com/genlgen/genlgen/spec"
)

// cType is everything the kernel side needs to know about one attribute
// type. It is the only place that maps spec types to C: the policy
// builder, the validate functions and the uAPI structs all ask it.
type cType struct {
	// nla is the policy type; "" means the type gets no policy entry.
	nla string
	// nlaBE is the policy type when the attribute is big-endian.
	nlaBE string
	// policy renders the entry; nil means "{ .type = NLA_x, }".
	policy func(b *policyBuilder, a *spec.Attr, nla string) string
	// get reads the value (integers only); getBE / fromBE for big-endian.
	get, getBE, fromBE string
	// uapi is the uAPI C type of a struct member of this type.
	uapi, uapiBE string
	// max is the kernel macro of the type's largest value (integers).
	max, min string
}

// cTypes is filled in init: the policy functions it names look types
// up in it again.
var cTypes map[spec.AttrType]cType

func init() {
	cTypes = map[spec.AttrType]cType{
		spec.TypeUnused:     {},
		spec.TypePad:        {uapi: "__u8"},
		spec.TypeFlag:       {nla: "NLA_FLAG"},
		spec.TypeBinary:     {nla: "NLA_BINARY", policy: binaryPolicy, uapi: "__u8"},
		spec.TypeBitfield32: {nla: "NLA_BITFIELD32", policy: bitfield32Policy, uapi: "struct nla_bitfield32"},
		spec.TypeU8:         {nla: "NLA_U8", nlaBE: "NLA_U8", policy: intPolicy, get: "nla_get_u8", uapi: "__u8", uapiBE: "__u8", max: "U8_MAX", min: "0"},
		spec.TypeU16: {nla: "NLA_U16", nlaBE: "NLA_BE16", policy: intPolicy, get: "nla_get_u16",
			getBE: "nla_get_be16", fromBE: "be16_to_cpu", uapi: "__u16", uapiBE: "__be16", max: "U16_MAX", min: "0"},
		spec.TypeU32: {nla: "NLA_U32", nlaBE: "NLA_BE32", policy: intPolicy, get: "nla_get_u32",
			getBE: "nla_get_be32", fromBE: "be32_to_cpu", uapi: "__u32", uapiBE: "__be32", max: "U32_MAX", min: "0"},
		// There is no NLA_BE64: a big-endian u64 is length-checked as NLA_U64
		// and its value checks run in a validate function.
		spec.TypeU64: {nla: "NLA_U64", nlaBE: "NLA_U64", policy: intPolicy, get: "nla_get_u64",
			getBE: "nla_get_be64", fromBE: "be64_to_cpu", uapi: "__u64", uapiBE: "__be64", max: "U64_MAX", min: "0"},
		spec.TypeS8:            {nla: "NLA_S8", policy: intPolicy, get: "nla_get_s8", uapi: "__s8", max: "S8_MAX", min: "S8_MIN"},
		spec.TypeS16:           {nla: "NLA_S16", policy: intPolicy, get: "nla_get_s16", uapi: "__s16", max: "S16_MAX", min: "S16_MIN"},
		spec.TypeS32:           {nla: "NLA_S32", policy: intPolicy, get: "nla_get_s32", uapi: "__s32", max: "S32_MAX", min: "S32_MIN"},
		spec.TypeS64:           {nla: "NLA_S64", policy: intPolicy, get: "nla_get_s64", uapi: "__s64", max: "S64_MAX", min: "S64_MIN"},
		spec.TypeUint:          {nla: "NLA_UINT", policy: intPolicy, get: "nla_get_uint", uapi: "__u64", max: "U64_MAX", min: "0"},
		spec.TypeSint:          {nla: "NLA_SINT", policy: intPolicy, get: "nla_get_sint", uapi: "__s64", max: "S64_MAX", min: "S64_MIN"},
		spec.TypeString:        {nla: "NLA_NUL_STRING", policy: stringPolicy, uapi: "char"},
		spec.TypeNest:          {nla: "NLA_NESTED", policy: nestPolicy},
		spec.TypeIndexedArray:  {nla: "NLA_NESTED_ARRAY", policy: indexedArrayPolicy},
		spec.TypeNestTypeValue: {nla: "NLA_NESTED"},
	}
}

// nlaType is the policy type of a, honouring its byte order. Like the
// kernel's own generator, a big-endian integer without value checks is
// NLA_U16/NLA_U32 (same length check, and nlctrl's getpolicy can report
// it: the policy dump skips NLA_BE*); only value checks, which must compare
// the swapped value, need NLA_BE16/NLA_BE32.
// A big-endian u16 or u32 is NLA_BE16 or NLA_BE32, checks or not, as the
// 7.3 generator writes it (6.12's wrote NLA_U16 without checks).
func nlaType(a *spec.Attr) string {
	ct := cTypes[a.Type]
	if a.BigEndian && ct.nlaBE != "" {
		return ct.nlaBE
	}
	return ct.nla
}

// policyExpr is the right-hand side of a's policy entry, "" if none.
func (b *policyBuilder) policyExpr(a *spec.Attr) string {
	ct, ok := cTypes[a.Type]
	if !ok || ct.nla == "" {
		return ""
	}
	nla := nlaType(a)
	if ct.policy == nil {
		return plain(nla)
	}
	return ct.policy(b, a, nla)
}

func plain(nla string) string { return "{ .type = " + nla + ", }" }

// s16 reports whether a limit fits the s16 min/max of struct nla_policy.
func s16(l *spec.Limit) bool {
	v, ok := l.Int64()
	return ok && v >= -32768 && v <= 32767
}

func intPolicy(b *policyBuilder, a *spec.Attr, nla string) string {
	ch := &a.Checks
	signed := a.Type.IsSigned()
	// A big-endian u64 has no policy type the kernel can range-check.
	valueChecks := ch.HasMask || ch.Sparse || ch.Min != nil || ch.Max != nil
	if a.BigEndian && a.Type == spec.TypeU64 && valueChecks {
		return fmt.Sprintf("NLA_POLICY_VALIDATE_FN(%s, &%s)", nla, b.validateFn(a))
	}
	switch {
	case ch.HasMask && !signed && ch.Mask <= 0xffffffff:
		return fmt.Sprintf("NLA_POLICY_MASK(%s, 0x%x)", nla, ch.Mask)
	case ch.HasMask || ch.Sparse:
		return fmt.Sprintf("NLA_POLICY_VALIDATE_FN(%s, &%s)", nla, b.validateFn(a))
	case ch.Min == nil && ch.Max == nil:
		return plain(nla)
	}
	small := (ch.Min == nil || s16(ch.Min)) && (ch.Max == nil || s16(ch.Max))
	if !signed && ch.Min != nil && ch.Min.Neg {
		small = false
	}
	switch {
	case !small && signed:
		return fmt.Sprintf("NLA_POLICY_FULL_RANGE_SIGNED(%s, &%s)", nla, b.rangeStruct(a))
	case !small:
		return fmt.Sprintf("NLA_POLICY_FULL_RANGE(%s, &%s)", nla, b.rangeStruct(a))
	case ch.Min != nil && ch.Max != nil:
		return fmt.Sprintf("NLA_POLICY_RANGE(%s, %s, %s)", nla, b.limit(ch.Min), b.limit(ch.Max))
	case ch.Min != nil:
		return fmt.Sprintf("NLA_POLICY_MIN(%s, %s)", nla, b.limit(ch.Min))
	default:
		return fmt.Sprintf("NLA_POLICY_MAX(%s, %s)", nla, b.limit(ch.Max))
	}
}

func stringPolicy(b *policyBuilder, a *spec.Attr, nla string) string {
	ch := &a.Checks
	if ch.UnterminatedOK {
		nla = "NLA_STRING"
	}
	switch {
	case ch.ExactLen != nil || ch.MinLen != nil:
		// struct nla_policy has no minimum for strings: check in code.
		return fmt.Sprintf("NLA_POLICY_VALIDATE_FN(%s, &%s)", nla, b.validateFn(a))
	case ch.MaxLen != nil:
		return "{ .type = " + nla + ", .len = " + b.limit(ch.MaxLen) + ", }"
	case a.Len > 0:
		return "{ .type = " + nla + ", .len = " + fmt.Sprint(a.Len) + ", }"
	}
	return plain(nla)
}

func binaryPolicy(b *policyBuilder, a *spec.Attr, nla string) string {
	ch := &a.Checks
	switch {
	case ch.ExactLen != nil:
		return "NLA_POLICY_EXACT_LEN(" + b.limit(ch.ExactLen) + ")"
	case ch.MinLen != nil && ch.MaxLen != nil && s16(ch.MinLen) && s16(ch.MaxLen):
		return "NLA_POLICY_RANGE(NLA_BINARY, " + b.limit(ch.MinLen) + ", " + b.limit(ch.MaxLen) + ")"
	case ch.MinLen != nil && ch.MaxLen != nil:
		return "NLA_POLICY_FULL_RANGE(NLA_BINARY, &" + b.rangeStruct(a) + ")"
	case ch.MinLen != nil:
		// Not the untyped "{ .len = N, }" of 6.12's generator: strict
		// validation rejects an NLA_UNSPEC attribute outright, so an op
		// that validates strictly could never receive it.
		return "NLA_POLICY_MIN_LEN(" + b.limit(ch.MinLen) + ")"
	case ch.MaxLen != nil:
		return "{ .type = NLA_BINARY, .len = " + b.limit(ch.MaxLen) + ", }"
	case a.Len > 0:
		return "NLA_POLICY_EXACT_LEN(" + fmt.Sprint(a.Len) + ")"
	case a.Struct != nil && a.Struct.Size > 0:
		// A struct may grow at its end: accept longer, never shorter.
		return "NLA_POLICY_MIN_LEN(" + fmt.Sprint(a.Struct.Size) + ")"
	}
	return plain(nla)
}

func bitfield32Policy(b *policyBuilder, a *spec.Attr, nla string) string {
	if a.Enum == nil {
		return plain(nla)
	}
	return fmt.Sprintf("NLA_POLICY_BITFIELD32(0x%x)", a.Enum.Mask())
}

func nestPolicy(b *policyBuilder, a *spec.Attr, nla string) string {
	if p := b.nested(a.Nested); p != nil {
		return "NLA_POLICY_NESTED(" + p.Name + ")"
	}
	return plain(nla)
}

func indexedArrayPolicy(b *policyBuilder, a *spec.Attr, nla string) string {
	if a.SubType == spec.TypeNest {
		if p := b.nested(a.Nested); p != nil {
			return "NLA_POLICY_NESTED_ARRAY(" + p.Name + ")"
		}
	}
	return plain(nla)
}
