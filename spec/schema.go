package spec

// keySets is the loader's copy of one protocol's JSON schema
// (Documentation/netlink/<protocol>.yaml): the keys each kind of YAML
// object may hold, the values each enumerated key may take, and which
// names must match namePattern. genetlink-c adds C naming keys to
// genetlink; genetlink-legacy adds legacy layout keys to genetlink-c.
//
// A few keys go beyond the kernel's schemas, asked for by genlgen's users
// and accepted by every protocol: enum-cnt-name on every enum, the check
// "sparse" and an attribute's "len". Everything else is the 7.3 schemas'
// (a superset of 6.12's); spec/schemadrift_test.go walks the kernel's
// schema files and fails naming whatever a new kernel adds that these
// tables lack.
type keySets struct {
	// Keys, per object kind.
	top, definition, entry, member, attrSet, attr, checks, ops, op, mode, msg, event, groups, group, kernelFamily []string

	// Values, per enumerated key.
	defTypes, memberTypes, attrTypes, byteOrders, displayHints, scopes []string
	kernelPolicies, enumModels, opFlags, dontValidate                  []string

	// patternNames lists the object kinds (as named in diagnostics:
	// "spec", "definition", ...) whose "name" must match namePattern.
	patternNames []string
}

// The schemas' patterns ($defs), as the loader applies them.
const (
	// namePattern is $defs/name: the names a spec gives its elements.
	namePattern = `^[0-9a-z-]+$`
	// lenOrDefinePattern is $defs/len-or-define: a length given by name.
	lenOrDefinePattern = `^[0-9A-Za-z_-]+( - 1)?$`
	// lenOrLimitPattern is $defs/len-or-limit: a min or max given by name.
	lenOrLimitPattern = `^[0-9A-Za-z_-]+$`
)

func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

var (
	baseKeys = keySets{
		top:        []string{"name", "doc", "protocol", "uapi-header", "definitions", "attribute-sets", "operations", "mcast-groups", "kernel-family"},
		definition: []string{"name", "header", "scope", "type", "doc", "value", "value-start", "entries", "render-max", "enum-cnt-name"},
		entry:      []string{"name", "value", "doc"},
		attrSet:    []string{"name", "name-prefix", "enum-name", "doc", "subset-of", "attributes"},
		attr: []string{"name", "type", "doc", "value", "type-value", "byte-order", "multi-attr", "nested-attributes",
			"enum", "enum-as-flags", "checks", "sub-type", "display-hint", "len"},
		checks:       []string{"flags-mask", "min", "max", "min-len", "max-len", "exact-len", "sparse"},
		ops:          []string{"enum-model", "name-prefix", "enum-name", "async-prefix", "async-enum", "list"},
		op:           []string{"name", "doc", "value", "attribute-set", "flags", "dont-validate", "config-cond", "do", "dump", "notify", "event", "mcgrp"},
		mode:         []string{"request", "reply", "pre", "post"},
		msg:          []string{"attributes"},
		event:        []string{"attributes"},
		groups:       []string{"list"},
		group:        []string{"name", "flags"},
		kernelFamily: []string{"headers", "sock-priv"},

		defTypes:    []string{"const", "enum", "flags"},
		memberTypes: []string{"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "string", "binary"},
		attrTypes: []string{"unused", "pad", "flag", "binary", "uint", "sint", "u8", "u16", "u32", "u64",
			"s8", "s16", "s32", "s64", "string", "nest", "indexed-array", "nest-type-value"},
		byteOrders:     []string{"little-endian", "big-endian"},
		displayHints:   []string{"hex", "mac", "fddi", "ipv4", "ipv6", "ipv4-or-v6", "uuid"},
		scopes:         []string{"uapi", "kernel", "user"},
		kernelPolicies: []string{"split", "per-op", "global"},
		enumModels:     []string{"unified"},
		opFlags:        []string{"admin-perm", "uns-admin-perm"},
		dontValidate:   []string{"strict", "dump", "dump-strict"},

		patternNames: []string{"spec", "definition", "entry", "attribute set", "attribute", "operation", "multicast group"},
	}
	cKeys = keySets{
		top:          join(baseKeys.top, []string{"c-family-name", "c-version-name", "max-by-define", "cmd-max-name", "cmd-cnt-name"}),
		definition:   join(baseKeys.definition, []string{"enum-name", "name-prefix"}),
		entry:        baseKeys.entry,
		attrSet:      join(baseKeys.attrSet, []string{"attr-cnt-name", "attr-max-name", "header"}),
		attr:         join(baseKeys.attr, []string{"name-prefix"}),
		checks:       join(baseKeys.checks, []string{"unterminated-ok"}),
		ops:          baseKeys.ops,
		op:           baseKeys.op,
		mode:         baseKeys.mode,
		msg:          baseKeys.msg,
		event:        baseKeys.event,
		groups:       baseKeys.groups,
		group:        join(baseKeys.group, []string{"c-define-name"}),
		kernelFamily: baseKeys.kernelFamily,

		defTypes:       baseKeys.defTypes,
		memberTypes:    baseKeys.memberTypes,
		attrTypes:      baseKeys.attrTypes,
		byteOrders:     baseKeys.byteOrders,
		displayHints:   baseKeys.displayHints,
		scopes:         baseKeys.scopes,
		kernelPolicies: baseKeys.kernelPolicies,
		enumModels:     baseKeys.enumModels,
		// genetlink-c never took uns-admin-perm (7.3 neither).
		opFlags:      []string{"admin-perm"},
		dontValidate: baseKeys.dontValidate,
		// genetlink-c names are free-form (C names such as DOC_EXMPL).
		patternNames: nil,
	}
	legacyKeys = keySets{
		top:          join(cKeys.top, []string{"kernel-policy", "version"}),
		definition:   join(cKeys.definition, []string{"members"}),
		entry:        cKeys.entry,
		member:       []string{"name", "type", "len", "byte-order", "doc", "enum", "display-hint", "struct"},
		attrSet:      cKeys.attrSet,
		attr:         join(cKeys.attr, []string{"struct"}),
		checks:       cKeys.checks,
		ops:          join(cKeys.ops, []string{"fixed-header"}),
		op:           join(cKeys.op, []string{"fixed-header"}),
		mode:         cKeys.mode,
		msg:          join(cKeys.msg, []string{"value"}),
		event:        cKeys.event,
		groups:       cKeys.groups,
		group:        cKeys.group,
		kernelFamily: cKeys.kernelFamily,

		defTypes:       join(cKeys.defTypes, []string{"struct"}),
		memberTypes:    cKeys.memberTypes,
		attrTypes:      join(cKeys.attrTypes, []string{"bitfield32"}),
		byteOrders:     cKeys.byteOrders,
		displayHints:   cKeys.displayHints,
		scopes:         cKeys.scopes,
		kernelPolicies: cKeys.kernelPolicies,
		enumModels:     join(cKeys.enumModels, []string{"directional"}),
		opFlags:        []string{"admin-perm", "uns-admin-perm"},
		dontValidate:   cKeys.dontValidate,
		// The family name is free-form here (mptcp_pm, tcp_metrics).
		patternNames: []string{"definition", "entry", "member", "attribute set", "attribute", "operation"},
	}
)

func keysFor(p Protocol) *keySets {
	switch p {
	case ProtocolGenetlinkC:
		return &cKeys
	case ProtocolGenetlinkLegacy:
		return &legacyKeys
	}
	return &baseKeys
}

// protocols are the values of the top-level "protocol" key.
var protocols = []string{"genetlink", "genetlink-c", "genetlink-legacy", "netlink-raw"}
