package spec

// keySets lists the keys each kind of YAML object may hold, per protocol.
// genetlink-c adds C naming keys to genetlink; genetlink-legacy adds
// legacy layout keys to genetlink-c. A few keys the issue tracker asked
// for beyond the 6.12 schemas (enum-cnt-name, sparse, attribute len, s8 and
// s16) are accepted by every protocol.
type keySets struct {
	top, definition, entry, member, attrSet, attr, checks, ops, op, mode, msg, event, groups, group, kernelFamily []string
	attrTypes, opFlags                                                                                            []string
	directional                                                                                                   bool
}

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
		attrTypes: []string{"unused", "pad", "flag", "binary", "uint", "sint", "u8", "u16", "u32", "u64",
			"s8", "s16", "s32", "s64", "string", "nest", "indexed-array", "nest-type-value"},
		opFlags: []string{"admin-perm"},
	}
	cKeys = keySets{
		top:          join(baseKeys.top, []string{"c-family-name", "c-version-name", "max-by-define", "cmd-max-name", "cmd-cnt-name"}),
		definition:   join(baseKeys.definition, []string{"enum-name", "name-prefix"}),
		entry:        baseKeys.entry,
		attrSet:      join(baseKeys.attrSet, []string{"attr-cnt-name", "attr-max-name"}),
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
		attrTypes:    baseKeys.attrTypes,
		opFlags:      baseKeys.opFlags,
	}
	legacyKeys = keySets{
		top:          join(cKeys.top, []string{"kernel-policy", "version"}),
		definition:   join(cKeys.definition, []string{"members"}),
		entry:        cKeys.entry,
		member:       []string{"name", "type", "len", "byte-order", "doc", "enum", "display-hint"},
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
		attrTypes:    join(cKeys.attrTypes, []string{"bitfield32"}),
		opFlags:      []string{"admin-perm", "uns-admin-perm"},
		directional:  true,
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

var (
	protocols        = []string{"genetlink", "genetlink-c", "genetlink-legacy", "netlink-raw"}
	defKinds         = []string{"const", "enum", "flags", "struct"}
	memberTypes      = []string{"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "string", "binary"}
	byteOrders       = []string{"little-endian", "big-endian"}
	displayHints     = []string{"hex", "mac", "fddi", "ipv4", "ipv6", "uuid"}
	scopes           = []string{"uapi", "kernel", "user"}
	kernelPolicies   = []string{"split", "per-op", "global"}
	dontValidateOpts = []string{"strict", "dump", "dump-strict"}
)
