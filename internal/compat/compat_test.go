package compat

import (
	"strings"
	"testing"

	"github.com/genlgen/genlgen/spec"
)

// base is the spec every synthetic change starts from: one of each thing
// the comparison knows. Names are unique, so a marker finds its node.
const base = `name: cmp
protocol: genetlink-legacy
doc: Base family of the compatibility tests.
c-family-name: cmp-family-name
definitions:
  - name: max-name-len
    type: const
    value: 16
  - name: color
    type: enum
    entries: [red, green, blue]
  - name: mode
    type: enum
    entries:
      - name: off
      - name: on
      - name: auto
        value: 5
  - name: opts
    type: flags
    entries: [fast, safe, loud]
  - name: hdr
    type: struct
    doc: The header.
    members:
      - name: ifindex
        type: u32
      - name: hflags
        type: u16
      - name: hpad
        type: binary
        len: 2
attribute-sets:
  - name: main
    attributes:
      - name: id
        type: u32
        checks:
          min: 1
          max: 100
      - name: label
        type: string
        checks:
          max-len: max-name-len
      - name: color
        type: u8
        enum: color
      - name: mode
        type: u8
        enum: mode
      - name: opts
        type: u32
        enum: opts
      - name: big
        type: u64
      - name: port
        type: u16
        byte-order: big-endian
      - name: addr
        type: binary
        checks:
          exact-len: 4
      - name: item
        type: nest
        nested-attributes: item
        multi-attr: true
      - name: counter
        type: uint
      - name: width
        type: u16
      - name: enabled
        type: flag
      - name: pad
        type: pad
  - name: item
    attributes:
      - name: key
        type: u16
      - name: val
        type: u32
  - name: other
    attributes:
      - name: thing
        type: u32
operations:
  list:
    - name: get
      doc: Get an object.
      attribute-set: main
      do:
        request:
          attributes: [id, counter, mode, opts, addr, width]
        reply:
          attributes: [id, label, item, big]
      dump:
        reply:
          attributes: [id, color]
    - name: set
      doc: Set an object.
      attribute-set: main
      dont-validate: [strict]
      flags: [admin-perm]
      do:
        request:
          attributes: [id, color, port, enabled]
    - name: reset
      doc: Reset everything.
      attribute-set: main
      do:
        request:
          attributes: [label]
    - name: get-ntf
      doc: Sent when an object changes.
      notify: get
      mcgrp: events
mcast-groups:
  list:
    - name: events
      c-define-name: cmp-mcgrp-events
    - name: admin
`

// directionalBase numbers requests and replies apart, as ethtool does.
const directionalBase = `name: dir
protocol: genetlink-legacy
doc: Directional family of the compatibility tests.
attribute-sets:
  - name: main
    attributes:
      - name: id
        type: u32
operations:
  enum-model: directional
  list:
    - name: a-get
      doc: Get a.
      attribute-set: main
      do:
        request:
          attributes: [id]
        reply:
          attributes: [id]
    - name: b-set
      doc: Set b.
      attribute-set: main
      do:
        request:
          attributes: [id]
    - name: c-get
      doc: Get c.
      attribute-set: main
      do:
        request:
          attributes: [id]
        reply:
          attributes: [id]
    - name: c-ntf
      doc: c changed.
      notify: c-get
`

// edit is one replacement of from (which must occur once) by to.
type edit struct{ from, to string }

// compatCase is one synthetic change and the finding it must produce.
type compatCase struct {
	name  string
	base  string // "" is base
	edits []edit
	// reverse compares the edited spec (as old) with the base (as new).
	reverse bool
	code    string
	class   Class
	breaks  Breaks
	// oldAt and newAt are markers: the finding's positions are where they
	// start in the old and the new spec.
	oldAt, newAt string
}

var cases = []compatCase{
	// The family.
	{name: "family renamed", edits: []edit{{"name: cmp\n", "name: cmp2\n"}}, code: "family-name", class: Breaking, breaks: Both, oldAt: "name: cmp", newAt: "name: cmp2"},
	{name: "version bumped", edits: []edit{{"doc: Base family", "version: 2\ndoc: Base family"}}, code: "family-version", class: Compatible, oldAt: "name: cmp", newAt: "name: cmp"},
	{name: "family doc", edits: []edit{{"doc: Base family of", "doc: The base family of"}}, code: "doc", class: DocOnly, oldAt: "name: cmp", newAt: "name: cmp"},
	{name: "global policy", edits: []edit{{"doc: Base family", "kernel-policy: global\ndoc: Base family"}}, code: "kernel-policy", class: Compatible, oldAt: "name: cmp", newAt: "name: cmp"},
	{name: "split policy again", reverse: true, edits: []edit{{"doc: Base family", "kernel-policy: global\ndoc: Base family"}}, code: "kernel-policy", class: Breaking, breaks: UserSpace, oldAt: "name: cmp", newAt: "name: cmp"},
	{name: "family name define renamed", edits: []edit{{"c-family-name: cmp-family-name", "c-family-name: cmp-genl-name"}}, code: "c-name", class: SourceBreaking, breaks: Both, oldAt: "name: cmp", newAt: "name: cmp"},

	// Definitions.
	{name: "const value", edits: []edit{{"value: 16", "value: 32"}}, code: "const-value", class: Breaking, breaks: Both, oldAt: "name: max-name-len", newAt: "name: max-name-len"},
	{name: "enum entry inserted", edits: []edit{{"[red, green, blue]", "[red, yellow, green, blue]"}}, code: "enum-value", class: Breaking, breaks: Both, oldAt: "green", newAt: "green"},
	{name: "enum entry appended", edits: []edit{{"[red, green, blue]", "[red, green, blue, black]"}}, code: "enum-added", class: Compatible, oldAt: "name: color", newAt: "black"},
	{name: "enum entry removed", edits: []edit{{"[red, green, blue]", "[red, green]"}}, code: "enum-removed", class: Breaking, breaks: Both, oldAt: "blue", newAt: "name: color"},
	{name: "enum entry renamed", edits: []edit{{"[red, green, blue]", "[red, green, navy]"}}, code: "renamed", class: SourceBreaking, breaks: Both, oldAt: "blue", newAt: "navy"},
	{name: "enum value-start", edits: []edit{{"    type: enum\n    entries: [red", "    type: enum\n    value-start: 1\n    entries: [red"}}, code: "enum-value", class: Breaking, breaks: Both, oldAt: "red", newAt: "red"},
	{name: "flags reordered", edits: []edit{{"[fast, safe, loud]", "[safe, fast, loud]"}}, code: "enum-value", class: Breaking, breaks: Both, oldAt: "fast", newAt: "fast"},
	{name: "enum C name prefix", edits: []edit{{"  - name: color\n    type: enum\n", "  - name: color\n    type: enum\n    name-prefix: cmp-colour-\n"}}, code: "c-name", class: SourceBreaking, breaks: Both, oldAt: "red", newAt: "red"},
	{name: "struct member widened", edits: []edit{{"      - name: hflags\n        type: u16\n      - name: hpad\n        type: binary\n        len: 2", "      - name: hflags\n        type: u32"}}, code: "member-layout", class: Breaking, breaks: Both, oldAt: "name: hflags", newAt: "name: hflags"},
	{name: "struct member signedness", edits: []edit{{"      - name: ifindex\n        type: u32", "      - name: ifindex\n        type: s32"}}, code: "member-type", class: Breaking, breaks: Both, oldAt: "name: ifindex", newAt: "name: ifindex"},
	{name: "struct member byte order", edits: []edit{{"      - name: ifindex\n        type: u32", "      - name: ifindex\n        type: u32\n        byte-order: big-endian"}}, code: "member-byte-order", class: Breaking, breaks: Both, oldAt: "name: ifindex", newAt: "name: ifindex"},
	{name: "struct grown", edits: []edit{{"        len: 2\nattribute-sets", "        len: 2\n      - name: extra\n        type: u32\nattribute-sets"}}, code: "struct-size", class: Breaking, breaks: Both, oldAt: "name: hdr", newAt: "name: hdr"},
	{name: "struct doc", edits: []edit{{"doc: The header.", "doc: The fixed header."}}, code: "doc", class: DocOnly, oldAt: "name: hdr", newAt: "name: hdr"},
	{name: "const leaves the uAPI", edits: []edit{{"    type: const\n", "    type: const\n    scope: kernel\n"}}, code: "def-scope", class: SourceBreaking, breaks: Both, oldAt: "name: max-name-len", newAt: "name: max-name-len"},
	{name: "const removed", edits: []edit{{"  - name: max-name-len\n    type: const\n    value: 16\n", ""}, {"max-len: max-name-len", "max-len: 16"}}, code: "def-removed", class: Breaking, breaks: Both, oldAt: "name: max-name-len", newAt: "name: color"},

	// Attributes.
	{name: "attribute inserted", edits: []edit{{"      - name: label\n", "      - name: extra\n        type: u8\n      - name: label\n"}}, code: "attr-value", class: Breaking, breaks: Both, oldAt: "name: label", newAt: "name: label"},
	{name: "attribute appended", edits: []edit{{"      - name: pad\n        type: pad\n", "      - name: pad\n        type: pad\n      - name: extra\n        type: u8\n"}}, code: "attr-added", class: Compatible, oldAt: "name: main", newAt: "name: extra"},
	{name: "attribute removed", edits: []edit{{"      - name: width\n        type: u16\n", "      - name: width\n        type: unused\n"}}, code: "attr-type", class: Breaking, breaks: UserSpace, oldAt: "name: width", newAt: "name: width"},
	{name: "attribute renamed", edits: []edit{{"name: port\n", "name: dport\n"}, {"color, port, enabled", "color, dport, enabled"}}, code: "renamed", class: SourceBreaking, breaks: Both, oldAt: "name: port", newAt: "name: dport"},
	{name: "u32 to u64", edits: []edit{{"      - name: id\n        type: u32", "      - name: id\n        type: u64"}}, code: "attr-type", class: Breaking, breaks: Both, oldAt: "name: id", newAt: "name: id"},
	{name: "u32 to uint", edits: []edit{{"      - name: id\n        type: u32", "      - name: id\n        type: uint"}}, code: "attr-type", class: Compatible, oldAt: "name: id", newAt: "name: id"},
	{name: "uint to u32 in a request", edits: []edit{{"      - name: counter\n        type: uint", "      - name: counter\n        type: u32"}}, code: "attr-type", class: Breaking, breaks: UserSpace, oldAt: "name: counter", newAt: "name: counter"},
	{name: "u64 to uint in a reply", edits: []edit{{"      - name: big\n        type: u64", "      - name: big\n        type: uint"}}, code: "attr-type", class: Breaking, breaks: UserSpace, oldAt: "name: big", newAt: "name: big"},
	{name: "u16 to s16", edits: []edit{{"      - name: width\n        type: u16", "      - name: width\n        type: s16"}}, code: "attr-type", class: Breaking, breaks: Both, oldAt: "name: width", newAt: "name: width"},
	{name: "flag to u8", edits: []edit{{"      - name: enabled\n        type: flag", "      - name: enabled\n        type: u8"}}, code: "attr-type", class: Breaking, breaks: Both, oldAt: "name: enabled", newAt: "name: enabled"},
	{name: "byte order", edits: []edit{{"        byte-order: big-endian\n", ""}}, code: "attr-byte-order", class: Breaking, breaks: Both, oldAt: "name: port", newAt: "name: port"},
	{name: "nest target", edits: []edit{{"nested-attributes: item", "nested-attributes: other"}}, code: "attr-nest", class: Breaking, breaks: Both, oldAt: "name: item\n        type: nest", newAt: "name: item\n        type: nest"},
	{name: "multi-attr dropped in a reply", edits: []edit{{"        multi-attr: true\n", ""}}, code: "attr-multi-attr", class: Breaking, breaks: Kernel, oldAt: "name: item\n        type: nest", newAt: "name: item\n        type: nest"},
	{name: "multi-attr gained in a reply", edits: []edit{{"      - name: big\n        type: u64\n", "      - name: big\n        type: u64\n        multi-attr: true\n"}}, code: "attr-multi-attr", class: Breaking, breaks: UserSpace, oldAt: "name: big", newAt: "name: big"},
	{name: "max lowered", edits: []edit{{"max: 100", "max: 50"}}, code: "check-tightened", class: Breaking, breaks: UserSpace, oldAt: "name: id", newAt: "name: id"},
	{name: "max raised", edits: []edit{{"max: 100", "max: 500"}}, code: "check-loosened", class: Compatible, oldAt: "name: id", newAt: "name: id"},
	{name: "min raised", edits: []edit{{"min: 1", "min: 2"}}, code: "check-tightened", class: Breaking, breaks: UserSpace, oldAt: "name: id", newAt: "name: id"},
	{name: "max-len shortened", edits: []edit{{"max-len: max-name-len", "max-len: 8"}}, code: "check-tightened", class: Breaking, breaks: UserSpace, oldAt: "name: label", newAt: "name: label"},
	{name: "exact-len to min-len", edits: []edit{{"exact-len: 4", "min-len: 4"}}, code: "check-loosened", class: Compatible, oldAt: "name: addr", newAt: "name: addr"},
	{name: "sparse enum entry dropped", edits: []edit{{"      - name: auto\n        value: 5\n", ""}}, code: "check-tightened", class: Breaking, breaks: UserSpace, oldAt: "name: mode\n        type: u8", newAt: "name: mode\n        type: u8"},
	{name: "enum range shrunk", edits: []edit{{"[red, green, blue]", "[red, green]"}}, code: "check-tightened", class: Breaking, breaks: UserSpace, oldAt: "name: color\n        type: u8", newAt: "name: color\n        type: u8"},
	{name: "fewer flag bits", edits: []edit{{"[fast, safe, loud]", "[fast, safe]"}}, code: "check-tightened", class: Breaking, breaks: UserSpace, oldAt: "name: opts\n        type: u32", newAt: "name: opts\n        type: u32"},
	{name: "more flag bits", edits: []edit{{"[fast, safe, loud]", "[fast, safe, loud, quiet]"}}, code: "check-loosened", class: Compatible, oldAt: "name: opts\n        type: u32", newAt: "name: opts\n        type: u32"},
	{name: "check on a reply-only attribute", edits: []edit{{"      - name: big\n        type: u64\n", "      - name: big\n        type: u64\n        checks:\n          max: 10\n"}}, code: "checks", class: Compatible, oldAt: "name: big", newAt: "name: big"},
	{name: "attribute doc", edits: []edit{{"      - name: big\n        type: u64\n", "      - name: big\n        type: u64\n        doc: A big number.\n"}}, code: "doc", class: DocOnly, oldAt: "name: big", newAt: "name: big"},

	// Operations.
	{name: "op inserted before a notification", edits: []edit{{"    - name: get-ntf\n", "    - name: flush\n      doc: Flush.\n      attribute-set: main\n      do:\n        request:\n          attributes: [id]\n    - name: get-ntf\n"}}, code: "op-value", class: Breaking, breaks: Both, oldAt: "name: get-ntf", newAt: "name: get-ntf"},
	{name: "op appended", edits: []edit{{"mcast-groups:", "    - name: flush\n      doc: Flush.\n      attribute-set: main\n      do:\n        request:\n          attributes: [id]\nmcast-groups:"}}, code: "op-added", class: Compatible, oldAt: "list:\n    - name: get", newAt: "name: flush"},
	{name: "op removed", edits: []edit{{"    - name: reset\n      doc: Reset everything.\n      attribute-set: main\n      do:\n        request:\n          attributes: [label]\n", ""}, {"      notify: get\n", "      notify: get\n      value: 4\n"}}, code: "op-removed", class: Breaking, breaks: UserSpace, oldAt: "name: reset", newAt: "list:\n    - name: get"},
	{name: "op renamed", edits: []edit{{"name: reset\n", "name: clear\n"}}, code: "renamed", class: SourceBreaking, breaks: Both, oldAt: "name: reset", newAt: "name: clear"},
	{name: "do removed", edits: []edit{{"      dump:\n        reply:\n          attributes: [id, color]\n", ""}, {"      do:\n        request:\n          attributes: [id, counter, mode, opts, addr, width]\n        reply:\n          attributes: [id, label, item, big]\n", "      dump:\n        reply:\n          attributes: [id, color]\n"}}, code: "op-mode", class: Breaking, breaks: UserSpace, oldAt: "request:\n          attributes: [id, counter", newAt: "name: get"},
	{name: "dump added", edits: []edit{{"          attributes: [label]\n", "          attributes: [label]\n      dump:\n        reply:\n          attributes: [label]\n"}}, code: "op-mode", class: Compatible, oldAt: "name: reset", newAt: "reply:\n          attributes: [label]"},
	{name: "request attribute removed", edits: []edit{{"[id, color, port, enabled]", "[id, color, port]"}}, code: "request-attr-removed", class: Breaking, breaks: UserSpace, oldAt: "attributes: [id, color, port, enabled]", newAt: "attributes: [id, color, port]"},
	{name: "request attribute added", edits: []edit{{"[id, color, port, enabled]", "[id, color, port, enabled, big]"}}, code: "request-attr-added", class: Compatible, oldAt: "attributes: [id, color, port, enabled]", newAt: "attributes: [id, color, port, enabled, big]"},
	{name: "reply attribute removed", edits: []edit{{"[id, label, item, big]", "[id, label, item]"}}, code: "reply-attr-removed", class: Breaking, breaks: UserSpace, oldAt: "attributes: [id, label, item, big]", newAt: "attributes: [id, label, item]"},
	{name: "admin-perm gained", edits: []edit{{"      attribute-set: main\n      do:\n        request:\n          attributes: [label]", "      attribute-set: main\n      flags: [admin-perm]\n      do:\n        request:\n          attributes: [label]"}}, code: "op-perm", class: Breaking, breaks: UserSpace, oldAt: "name: reset", newAt: "name: reset"},
	{name: "uns-admin-perm gained", edits: []edit{{"      attribute-set: main\n      do:\n        request:\n          attributes: [label]", "      attribute-set: main\n      flags: [uns-admin-perm]\n      do:\n        request:\n          attributes: [label]"}}, code: "op-perm", class: Breaking, breaks: UserSpace, oldAt: "name: reset", newAt: "name: reset"},
	{name: "admin-perm to uns-admin-perm", edits: []edit{{"flags: [admin-perm]", "flags: [uns-admin-perm]"}}, code: "op-perm", class: Compatible, oldAt: "name: set", newAt: "name: set"},
	{name: "dont-validate dropped", edits: []edit{{"      dont-validate: [strict]\n", ""}}, code: "op-validate", class: Breaking, breaks: UserSpace, oldAt: "name: set", newAt: "name: set"},
	{name: "op attribute set", edits: []edit{{"      attribute-set: main\n      do:\n        request:\n          attributes: [label]", "      attribute-set: item\n      do:\n        request:\n          attributes: [key]"}}, code: "op-attr-set", class: Breaking, breaks: Both, oldAt: "name: reset", newAt: "name: reset"},
	{name: "op fixed header", edits: []edit{{"      attribute-set: main\n      do:\n        request:\n          attributes: [label]", "      attribute-set: main\n      fixed-header: hdr\n      do:\n        request:\n          attributes: [label]"}}, code: "fixed-header", class: Breaking, breaks: Both, oldAt: "name: reset", newAt: "name: reset"},
	{name: "notification moved", edits: []edit{{"mcgrp: events", "mcgrp: admin"}}, code: "ntf-group", class: Breaking, breaks: UserSpace, oldAt: "name: get-ntf", newAt: "name: get-ntf"},
	{name: "notification removed", edits: []edit{{"    - name: get-ntf\n      doc: Sent when an object changes.\n      notify: get\n      mcgrp: events\n", ""}}, code: "op-removed", class: Breaking, breaks: UserSpace, oldAt: "name: get-ntf", newAt: "list:\n    - name: get"},
	{name: "notification loses an attribute", edits: []edit{{"[id, label, item, big]", "[id, label, item]"}}, code: "reply-attr-removed", class: Breaking, breaks: UserSpace, oldAt: "name: get-ntf", newAt: "name: get-ntf"},
	{name: "op doc", edits: []edit{{"doc: Reset everything.", "doc: Reset every object."}}, code: "doc", class: DocOnly, oldAt: "name: reset", newAt: "name: reset"},

	// Multicast groups.
	{name: "group renamed", edits: []edit{{"    - name: admin\n", "    - name: admins\n"}}, code: "group-removed", class: Breaking, breaks: UserSpace, oldAt: "name: admin\n", newAt: "name: events\n      c-define"},
	{name: "group renamed keeping its define", edits: []edit{{"    - name: events\n", "    - name: changes\n"}, {"mcgrp: events", "mcgrp: changes"}}, code: "group-name", class: Breaking, breaks: Both, oldAt: "name: events\n      c-define", newAt: "name: changes"},
	{name: "group added", edits: []edit{{"    - name: admin\n", "    - name: admin\n    - name: stats\n"}}, code: "group-added", class: Compatible, oldAt: "name: events\n      c-define", newAt: "name: stats"},

	// The directional model: each direction numbered apart.
	{name: "directional request inserted", base: directionalBase, edits: []edit{{"    - name: c-get\n", "    - name: b2-set\n      doc: Set b2.\n      attribute-set: main\n      do:\n        request:\n          attributes: [id]\n    - name: c-get\n"}}, code: "op-value", class: Breaking, breaks: Both, oldAt: "name: c-get", newAt: "name: c-get"},
	{name: "directional reply gained", base: directionalBase, edits: []edit{{"      doc: Set b.\n      attribute-set: main\n      do:\n        request:\n          attributes: [id]\n", "      doc: Set b.\n      attribute-set: main\n      do:\n        request:\n          attributes: [id]\n        reply:\n          attributes: [id]\n"}}, code: "op-value", class: Breaking, breaks: Both, oldAt: "name: c-ntf", newAt: "name: c-ntf"},
	{name: "directional reply appended", base: directionalBase, edits: []edit{{"      notify: c-get\n", "      notify: c-get\n    - name: d-ntf\n      doc: d changed.\n      notify: a-get\n"}}, code: "op-added", class: Compatible, oldAt: "enum-model: directional", newAt: "name: d-ntf"},
}

func TestSyntheticChanges(t *testing.T) {
	if len(cases) < 40 {
		t.Fatalf("%d cases, want at least 40", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.base
			if src == "" {
				src = base
			}
			edited := src
			for _, e := range tc.edits {
				if n := strings.Count(edited, e.from); n != 1 {
					t.Fatalf("edit %q occurs %d times", e.from, n)
				}
				edited = strings.Replace(edited, e.from, e.to, 1)
			}
			oldSrc, newSrc := src, edited
			if tc.reverse {
				oldSrc, newSrc = edited, src
			}
			fs := Compare(parse(t, "old.yaml", oldSrc), parse(t, "new.yaml", newSrc))
			if got, want := HasBreaking(fs), tc.class == Breaking; got != want {
				t.Errorf("breaking = %v, want %v", got, want)
			}
			wantOld, wantNew := at(t, "old.yaml", oldSrc, tc.oldAt), at(t, "new.yaml", newSrc, tc.newAt)
			for _, f := range fs {
				if f.Code == tc.code && f.Old == wantOld && f.New == wantNew {
					if f.Class != tc.class || f.Breaks != tc.breaks {
						t.Errorf("%s: class %s breaks %q, want %s %q", f, f.Class, f.Breaks, tc.class, tc.breaks)
					}
					if f.OldPos != wantOld.String() || f.NewPos != wantNew.String() {
						t.Errorf("%s: OldPos %s NewPos %s", f, f.OldPos, f.NewPos)
					}
					return
				}
			}
			var lines []string
			for _, f := range fs {
				lines = append(lines, f.Code+": "+f.String())
			}
			t.Errorf("no %s finding at %s and %s among:\n%s", tc.code, wantOld, wantNew, strings.Join(lines, "\n"))
		})
	}
}

// TestNoChange checks that a spec compared with itself reports nothing.
func TestNoChange(t *testing.T) {
	for _, src := range []string{base, directionalBase} {
		if fs := Compare(parse(t, "a.yaml", src), parse(t, "b.yaml", src)); len(fs) != 0 {
			t.Errorf("%d findings comparing a spec with itself: %v", len(fs), fs)
		}
	}
}

func parse(t *testing.T, name, src string) *spec.Family {
	t.Helper()
	f, err := spec.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// at is the position where marker starts in src.
func at(t *testing.T, file, src, marker string) spec.Pos {
	t.Helper()
	i := strings.Index(src, marker)
	if i < 0 {
		t.Fatalf("%s: no %q", file, marker)
	}
	line := strings.Count(src[:i], "\n") + 1
	col := i - strings.LastIndex(src[:i], "\n")
	return spec.Pos{File: file, Line: line, Col: col}
}
