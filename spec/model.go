package spec

// Protocol is the YNL schema level a spec follows.
type Protocol string

// The protocols genlgen accepts.
const (
	ProtocolGenetlink       Protocol = "genetlink"
	ProtocolGenetlinkC      Protocol = "genetlink-c"
	ProtocolGenetlinkLegacy Protocol = "genetlink-legacy"
)

// KernelPolicy says how the kernel side lays out its input policies.
type KernelPolicy string

// The kernel policy layouts.
const (
	PolicySplit  KernelPolicy = "split"
	PolicyPerOp  KernelPolicy = "per-op"
	PolicyGlobal KernelPolicy = "global"
)

// Family is the resolved model of one spec: every reference is a pointer,
// every name and number is computed, so generators only print.
type Family struct {
	Pos      Pos
	Name     string
	Doc      string
	Protocol Protocol
	Version  uint64

	// IdentName is Name with dashes as underscores (the kernel's ident_name).
	IdentName string
	// CName is the lower-case C identifier stem (e.g. "netdev").
	CName string
	// UAPIHeader is the uAPI header path (default linux/<ident>.h).
	UAPIHeader string
	// CFamilyNameDefine and CVersionDefine are the uAPI define names.
	CFamilyNameDefine string
	CVersionDefine    string
	// MaxByDefine renders MAX values with #define rather than in the enum.
	MaxByDefine bool

	KernelPolicy KernelPolicy
	KernelFamily KernelFamily

	Definitions []*Definition
	AttrSets    []*AttrSet
	Ops         Operations
	McastGroups []*McastGroup

	// GoPackage is the Go package name for the generated client.
	GoPackage string

	// Warnings are legal-but-suspicious findings, with positions.
	Warnings []Diagnostic

	raw      familyRaw
	defs     map[string]*Definition
	sets     map[string]*AttrSet
	opByName map[string]*Op
	groups   map[string]*McastGroup
}

// KernelFamily holds kernel-only code generation settings.
type KernelFamily struct {
	Headers  []string
	SockPriv string
}

// Definition returns the definition with the given spec name, or nil.
func (f *Family) Definition(name string) *Definition { return f.defs[name] }

// AttrSet returns the attribute set with the given spec name, or nil.
func (f *Family) AttrSet(name string) *AttrSet { return f.sets[name] }

// Op returns the operation with the given spec name, or nil.
func (f *Family) Op(name string) *Op { return f.opByName[name] }

// McastGroup returns the multicast group with the given name, or nil.
func (f *Family) McastGroup(name string) *McastGroup { return f.groups[name] }

// DefKind is the kind of a definition.
type DefKind string

// The definition kinds.
const (
	DefConst  DefKind = "const"
	DefEnum   DefKind = "enum"
	DefFlags  DefKind = "flags"
	DefStruct DefKind = "struct"
)

// Definition is a const, enum, flags or struct from `definitions`.
type Definition struct {
	Pos  Pos
	Name string
	Kind DefKind
	Doc  string
	// Header names a C header that already defines it (not rendered).
	Header string
	// Scope is uapi (default), kernel or user.
	Scope string

	// CName is the C define name of a const (e.g. NETDEV_FOO).
	CName string
	// GoName is the exported Go identifier (type or constant name).
	GoName string

	// Const: the integer Value, or for a string constant (IsString) the
	// string in ValueExpr.
	Value     int64
	ValueExpr string
	IsString  bool

	// Enum and flags.
	Entries    []*EnumEntry
	ValueStart int64
	RenderMax  bool
	// EnumName is the C enum tag ("" for an anonymous enum).
	EnumName string
	// NamePrefix is the upper-case C prefix of the entries.
	NamePrefix string
	// EnumCntName and MaxName are the render-max names (MaskName for flags).
	EnumCntName string
	MaxName     string
	// Contiguous reports whether the values form one gap-free range.
	Contiguous bool

	// Struct.
	Members []*StructMember
	// Size is the wire size of a struct in bytes.
	Size int
	// align is the struct's alignment, for structs that hold it.
	align int

	raw definitionRaw
}

// IsEnumLike reports whether d is an enum or flags definition.
func (d *Definition) IsEnumLike() bool { return d.Kind == DefEnum || d.Kind == DefFlags }

// Mask is the OR of every entry's user value (1<<value for flags, or for
// an enum used as flags).
func (d *Definition) Mask() uint64 {
	var m uint64
	for _, e := range d.Entries {
		m |= uint64(1) << uint(e.Value)
	}
	return m
}

// EnumEntry is one value of an enum or flags definition.
type EnumEntry struct {
	Pos  Pos
	Name string
	Doc  string
	// Value is the raw value: the enum value, or the bit number for flags.
	Value int64
	// UserValue is the value as used: equal to Value for enums, 1<<Value
	// for flags.
	UserValue uint64
	// Explicit reports whether the value differs from the implied one
	// (previous + 1), so a C enum must spell it.
	Explicit bool
	CName    string
	GoName   string

	raw struct{ hasValue bool }
}

// StructMember is one field of a struct definition.
type StructMember struct {
	Pos         Pos
	Name        string
	Doc         string
	Type        AttrType
	BigEndian   bool
	Len         int
	LenExpr     string
	Enum        *Definition
	DisplayHint string
	// Offset is the byte offset in the wire struct.
	Offset int
	// Size is the member's wire size in bytes.
	Size   int
	CName  string
	GoName string

	// Struct is the struct a binary member holds (its Size is the
	// struct's), nil otherwise.
	Struct *Definition

	raw struct {
		enum       posString
		structName posString
		len        lenRaw
	}
}

// AttrSet is an attribute space.
type AttrSet struct {
	Pos  Pos
	Name string
	Doc  string
	// SubsetOf is the parent set of a subset, nil otherwise.
	SubsetOf *AttrSet
	// Header names a C header that already defines the set's enum (not
	// rendered; the uAPI header includes it instead).
	Header string
	Attrs  []*Attr

	// NamePrefix is the C prefix of attribute names (e.g. NETDEV_A_DEV_).
	NamePrefix string
	// EnumName is the C enum tag, "" for an anonymous enum.
	EnumName string
	// MaxName and CntName are the max and count constant names.
	MaxName string
	CntName string
	// MaxValue is the largest attribute value.
	MaxValue uint64
	// GoName is the Go type name of the set's struct.
	GoName string
	// CName is the lower-case C stem (e.g. netdev_dev) for policies.
	CName string

	// UsedInRequest and UsedInReply tell in which direction messages carry
	// the set (directly or nested).
	UsedInRequest bool
	UsedInReply   bool

	// Go holds Go renderer names and facts.
	Go AttrSetGo

	byName map[string]*Attr
	raw    attrSetRaw
}

// Attr returns the attribute with the given name, or nil.
func (s *AttrSet) Attr(name string) *Attr { return s.byName[name] }

// Root is the set itself, or for a subset, the set it is a subset of.
func (s *AttrSet) Root() *AttrSet {
	if s.SubsetOf != nil {
		return s.SubsetOf
	}
	return s
}

// Attr is one attribute of a set, fully resolved.
type Attr struct {
	Pos  Pos
	Set  *AttrSet
	Name string
	Doc  string
	Type AttrType
	// Value is the numeric attribute type on the wire.
	Value uint64

	Checks Checks

	Enum        *Definition
	EnumAsFlags bool
	// Nested is the set carried by nest, indexed-array (of nests) and
	// nest-type-value attributes.
	Nested      *AttrSet
	MultiAttr   bool
	BigEndian   bool
	DisplayHint string
	// SubType is the element type of indexed-array and binary arrays.
	SubType AttrType
	// Struct is the struct carried by a binary attribute.
	Struct *Definition
	// TypeValue names the values carried in the types of a
	// nest-type-value attribute's nests.
	TypeValue []string
	// Len is the fixed byte length of a binary attribute (0 if unset).
	Len     int
	LenExpr string

	// CName is the C enum entry name (e.g. NETDEV_A_DEV_IFINDEX).
	CName string
	// GoName is the Go field name.
	GoName string
	// Parent is the attribute of the parent set a subset's entry mirrors.
	Parent *Attr

	// Go holds Go renderer names (nest-type-value entries).
	Go AttrGo

	raw attrRaw
}

// Limit is a numeric limit from checks: its value and, when the spec
// named it, the expression (a const name, "NAME - 1", "u32-max").
type Limit struct {
	Pos Pos
	// Neg is true when the value is negative; Abs is its magnitude.
	Neg bool
	Abs uint64
	// Expr is the spec's text when not a literal number.
	Expr string
	// Const is the const definition the limit names, if any.
	Const *Definition
	// Minus1 is true for the "NAME - 1" form.
	Minus1 bool
	// FromEnum is true when the limit is implied by the attribute's enum.
	FromEnum bool
}

// Int64 returns the value as int64 (exact for every value a check can hold
// except those above MaxInt64, which report ok=false).
func (l *Limit) Int64() (v int64, ok bool) {
	if l.Neg {
		return -int64(l.Abs), true
	}
	if l.Abs > 1<<63-1 {
		return 0, false
	}
	return int64(l.Abs), true
}

// Less reports whether l < m.
func (l *Limit) Less(m *Limit) bool {
	switch {
	case l.Neg && !m.Neg:
		return true
	case !l.Neg && m.Neg:
		return false
	case l.Neg:
		return l.Abs > m.Abs
	}
	return l.Abs < m.Abs
}

// Checks are an attribute's input validation, resolved to numbers.
type Checks struct {
	// Min and Max are value limits, explicit or implied by an enum.
	Min, Max *Limit
	// MinLen, MaxLen, ExactLen are byte length limits.
	MinLen, MaxLen, ExactLen *Limit
	UnterminatedOK           bool
	// FlagsMask is the flags definition named by flags-mask.
	FlagsMask *Definition
	// Mask is the allowed bit mask when HasMask (from flags-mask, an
	// enum-as-flags enum or a flags enum).
	Mask    uint64
	HasMask bool
	// Sparse is set when the value must be one of a non-contiguous enum's
	// values (Attr.Enum lists them).
	Sparse bool
}

// Operations holds the op list and how its values are assigned.
type Operations struct {
	Pos Pos
	// EnumModel is "unified" or "directional".
	EnumModel   string
	NamePrefix  string
	AsyncPrefix string
	// HasAsyncEnum is true when notifications get their own C enum.
	HasAsyncEnum bool
	// EnumName and AsyncEnumName are the C enum tags ("" = anonymous).
	EnumName      string
	AsyncEnumName string
	FixedHeader   *Definition
	List          []*Op
	// CmdMaxName and CmdCntName are the C names of the max and count of
	// the command enum (in the directional model: of the requests).
	CmdMaxName string
	CmdCntName string
	// The directional model's other names, as the kernel's generator
	// spells them: the zero entries of both enums (ETHTOOL_MSG_USER_NONE,
	// ETHTOOL_MSG_KERNEL_NONE) and the replies' max and count.
	CmdNoneName, ReplyNoneName string
	ReplyMaxName, ReplyCntName string

	raw opsRaw
}

// Directional reports whether requests and replies are numbered apart.
func (o *Operations) Directional() bool { return o.EnumModel == "directional" }

// Op is one operation (command, notification or event).
type Op struct {
	Pos  Pos
	Name string
	Doc  string
	// Value is the command number in a unified model; for directional
	// models RequestValue and ReplyValue differ and Value is the request's.
	Value uint64
	// RequestValue / ReplyValue are the numbers of the messages in each
	// direction; HasRequestValue / HasReplyValue tell whether the op has
	// that direction at all.
	RequestValue    uint64
	ReplyValue      uint64
	HasRequestValue bool
	HasReplyValue   bool

	AttrSet      *AttrSet
	AdminPerm    bool
	UnsAdmin     bool
	Flags        []string
	DontValidate []string
	ConfigCond   string
	FixedHeader  *Definition

	Do   *OpMode
	Dump *OpMode

	// NotifySource is the op whose reply a notification mirrors.
	NotifySource *Op
	// Event lists an event's attributes (IsEvent).
	Event      []*Attr
	IsEvent    bool
	McastGroup *McastGroup

	// CName is the C enum entry (e.g. NETDEV_CMD_DEV_GET); ReplyCName the
	// reply enum entry in directional models.
	CName      string
	ReplyCName string
	// CIdent is the lower-case C stem (e.g. dev_get).
	CIdent string
	// GoName is the Go method name stem (e.g. DevGet).
	GoName string
	// GoNtfName is the Go type of a notification or event (async ops),
	// its name unless a type has it already (goExtras).
	GoNtfName string
	// GoCmd and GoReplyCmd are the Go constants of the op's command in
	// each direction, the C enum entries' names in Go form; GoReplyCmd is
	// GoCmd where both directions use one number.
	GoCmd, GoReplyCmd string

	raw opRaw
}

// IsAsync reports whether the op is a notification or an event.
func (o *Op) IsAsync() bool { return o.NotifySource != nil || o.IsEvent }

// IsReserved reports whether the op has no modes (only takes an id).
func (o *Op) IsReserved() bool { return o.Do == nil && o.Dump == nil && !o.IsAsync() }

// OpMode is the do or dump half of an op.
type OpMode struct {
	Pos     Pos
	Request *Message
	Reply   *Message
	Pre     string
	Post    string
}

// Message is the list of attributes of a request or a reply.
type Message struct {
	Pos   Pos
	Attrs []*Attr
	// Value is an explicit message id (directional models), 0 if unset.
	Value uint64

	raw messageRaw
}

// McastGroup is a multicast group.
type McastGroup struct {
	Pos  Pos
	Name string
	// CDefine is the C define of its name (e.g. NETDEV_MCGRP_MGMT).
	CDefine string
	Flags   []string
	GoName  string
}

type familyRaw struct {
	cmdMaxName string
	cmdCntName string
}

// Go client extras, filled in by goExtras (resolve_goextras.go).

// AttrSetGo holds what the Go renderer needs beyond GoName.
type AttrSetGo struct {
	// FixedHeader is the fixed header of the messages whose top level is
	// this set (from the ops that use it), nil if none.
	FixedHeader *Definition
	// HeaderField is the Go field that holds FixedHeader in the set's
	// struct ("Header", or another name if an attribute took it).
	HeaderField string
}

// AttrGo holds what the Go renderer needs beyond GoName.
type AttrGo struct {
	// EntryName is the Go type of one entry of a nest-type-value
	// attribute: the type values followed by the nested set.
	EntryName string
	// TypeValueFields are the entry's Go fields for TypeValue, in order.
	TypeValueFields []string
	// AttrsField is the entry's Go field holding the nested set.
	AttrsField string
	// Const is the Go constant of the attribute's type, the C enum
	// entry's name in Go form (CtrlAttrFamilyID); a subset's attribute
	// has its root attribute's.
	Const string
}
