package spec

// AttrType is the netlink type of an attribute, as YNL names it.
type AttrType string

// The attribute types of the genetlink protocols.
const (
	TypeUnused        AttrType = "unused"
	TypePad           AttrType = "pad"
	TypeFlag          AttrType = "flag"
	TypeBinary        AttrType = "binary"
	TypeBitfield32    AttrType = "bitfield32"
	TypeU8            AttrType = "u8"
	TypeU16           AttrType = "u16"
	TypeU32           AttrType = "u32"
	TypeU64           AttrType = "u64"
	TypeS8            AttrType = "s8"
	TypeS16           AttrType = "s16"
	TypeS32           AttrType = "s32"
	TypeS64           AttrType = "s64"
	TypeUint          AttrType = "uint"
	TypeSint          AttrType = "sint"
	TypeString        AttrType = "string"
	TypeNest          AttrType = "nest"
	TypeIndexedArray  AttrType = "indexed-array"
	TypeNestTypeValue AttrType = "nest-type-value"
)

// typeInfo is what the model knows about each attribute type: the wire
// facts every renderer shares. Renderers keep their own per-type tables
// (Go type, C policy) keyed by AttrType.
type typeInfo struct {
	// Width is the size in bytes of a fixed-width scalar, 0 otherwise.
	Width int
	// Signed is true for signed integers.
	Signed bool
	// Integer is true for every integer type, uint and sint included.
	Integer bool
	// Checks lists the checks the type accepts.
	Checks []string
}

var (
	intChecks    = []string{"min", "max", "flags-mask"}
	sintChecks   = []string{"min", "max"}
	stringChecks = []string{"min-len", "max-len", "exact-len", "unterminated-ok"}
	binaryChecks = []string{"min-len", "max-len", "exact-len"}
)

var typeInfos = map[AttrType]typeInfo{
	TypeUnused:        {},
	TypePad:           {},
	TypeFlag:          {},
	TypeBinary:        {Checks: binaryChecks},
	TypeBitfield32:    {Width: 8},
	TypeU8:            {Width: 1, Integer: true, Checks: intChecks},
	TypeU16:           {Width: 2, Integer: true, Checks: intChecks},
	TypeU32:           {Width: 4, Integer: true, Checks: intChecks},
	TypeU64:           {Width: 8, Integer: true, Checks: intChecks},
	TypeS8:            {Width: 1, Signed: true, Integer: true, Checks: sintChecks},
	TypeS16:           {Width: 2, Signed: true, Integer: true, Checks: sintChecks},
	TypeS32:           {Width: 4, Signed: true, Integer: true, Checks: sintChecks},
	TypeS64:           {Width: 8, Signed: true, Integer: true, Checks: sintChecks},
	TypeUint:          {Integer: true, Checks: intChecks},
	TypeSint:          {Signed: true, Integer: true, Checks: sintChecks},
	TypeString:        {Checks: stringChecks},
	TypeNest:          {},
	TypeIndexedArray:  {},
	TypeNestTypeValue: {},
}

// IsInteger reports whether t is an integer type (u8..s64, uint, sint).
func (t AttrType) IsInteger() bool { return typeInfos[t].Integer }

// IsSigned reports whether t is a signed integer type.
func (t AttrType) IsSigned() bool { return typeInfos[t].Signed }

// Width is the wire size in bytes of a fixed-width type, 0 for variable.
func (t AttrType) Width() int { return typeInfos[t].Width }

// IsVariableInt reports whether t is uint or sint (4 or 8 bytes on the wire).
func (t AttrType) IsVariableInt() bool { return t == TypeUint || t == TypeSint }

// IsNested reports whether t carries attributes of another set.
func (t AttrType) IsNested() bool {
	return t == TypeNest || t == TypeIndexedArray || t == TypeNestTypeValue
}

// Bits is the number of value bits of an integer type (uint/sint: 64).
func (t AttrType) Bits() int {
	if t.IsVariableInt() {
		return 64
	}
	return t.Width() * 8
}
