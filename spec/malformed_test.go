package spec

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// base is a valid genetlink-legacy spec the malformed cases start from;
// each case replaces one marked line (or appends) to break one thing.
const base = `name: fam
protocol: genetlink-legacy
doc: A family.
definitions:
  - name: lim
    type: const
    value: 10
  - name: color
    type: enum
    doc: Colours.
    entries: [red, green]
  - name: hdr
    type: struct
    members:
      - {name: ifindex, type: u32}
attribute-sets:
  - name: main
    attributes:
      - name: id
        type: u32
      - name: name
        type: string
      - name: inner
        type: nest
        nested-attributes: inner
  - name: inner
    attributes:
      - name: val
        type: u16
operations:
  list:
    - name: get
      doc: Get.
      attribute-set: main
      do:
        request:
          attributes: [id]
        reply:
          attributes: [id, name]
mcast-groups:
  list:
    - name: events
`

// mutate replaces the first occurrence of old in base with new.
func mutate(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("base spec has no %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

func TestBaseSpecIsValid(t *testing.T) {
	if _, err := Parse("t.yaml", []byte(base)); err != nil {
		t.Fatal(err)
	}
}

func TestMalformedSpecs(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           string // substring of the first error
		at             string // its line:col
	}{
		{"yaml syntax", "doc: A family.", "doc: a: b", "invalid YAML: mapping values are not allowed", "3:1"},
		{"unknown top key", "doc: A family.", "doc: A family.\nversoin: 2", `unknown key "versoin" (did you mean "version"?)`, "4:1"},
		{"unknown protocol", "protocol: genetlink-legacy", "protocol: genetlnk", `unknown protocol "genetlnk"`, "2:11"},
		{"netlink-raw", "protocol: genetlink-legacy", "protocol: netlink-raw", `protocol "netlink-raw" is not supported (yet)`, "2:11"},
		{"missing name", "name: fam\n", "", `missing required key "name"`, "1:1"},
		{"name too long", "name: fam", "name: a-very-long-family-name", "at most 15", "1:1"},
		{"version not integer", "doc: A family.", "doc: A family.\nversion: two", `"version" must be an integer`, "4:10"},
		{"version zero", "doc: A family.", "doc: A family.\nversion: 0", `"version" must be between 1 and 255`, "4:10"},
		{"bad kernel-policy", "doc: A family.", "doc: A family.\nkernel-policy: splitt", `want one of global, per-op, split (did you mean "split"?)`, "4:16"},
		{"definition unknown type", "    type: const\n    value: 10", "    type: constant\n    value: 10", `"type" is "constant"`, "6:11"},
		{"const without value", "    value: 10\n", "", `a const needs a "value"`, "5:5"},
		{"entries on const", "    value: 10\n", "    value: 10\n    entries: [a]\n", `"entries" does not apply to a const`, "8:5"},
		{"duplicate enum entry", "entries: [red, green]", "entries: [red, red]", `duplicate entry "red"`, "11:20"},
		{"duplicate definition", "  - name: color\n", "  - name: lim\n", `duplicate definition "lim"`, "8:5"},
		{"struct member bad type", "{name: ifindex, type: u32}", "{name: ifindex, type: u128}", `"type" is "u128"`, "15:31"},
		{"unknown attr type", "        type: u16", "        type: u17", `"type" is "u17", want one of`, "29:15"},
		{"attr value not int", "      - name: val\n", "      - name: val\n        value: x\n", `"value" must be an integer`, "29:16"},
		{"duplicate attr", "      - name: name\n", "      - name: id\n", `duplicate attribute "id"`, "21:9"},
		{"duplicate attr value", "      - name: name\n        type: string", "      - name: name\n        type: string\n        value: 1", `has the same value 1 as "id"`, "21:9"},
		{"dangling nested set", "nested-attributes: inner", "nested-attributes: innr", `unknown nested-attributes set "innr" (did you mean "inner"?)`, "25:28"},
		{"nest without set", "        nested-attributes: inner\n", "", `a nest attribute needs "nested-attributes"`, "24:15"},
		{"dangling enum", "        type: u32\n      - name: name", "        type: u32\n        enum: colour\n      - name: name", `unknown enum "colour" (did you mean "color"?)`, "21:15"},
		{"enum on string", "        type: string", "        type: string\n        enum: color", `"enum" only applies to integer attributes`, "23:15"},
		{"max past 64 bits", "        type: u16", "        type: u16\n        checks: {max: 1000000000000000000000}", `"max" is 1000000000000000000000, out of range: integers here are 64-bit`, "30:23"},
		{"value past 64 bits", "      - name: val\n", "      - name: val\n        value: 99999999999999999999\n", `"value" is 99999999999999999999, out of range`, "29:16"},
		{"check does not fit type", "        type: string", "        type: string\n        checks: {min: 1}", `check "min" does not apply to type string`, "23:23"},
		{"unknown check", "        type: u32\n      - name: name", "        type: u32\n        checks: {mni: 1}\n      - name: name", `unknown key "mni" (did you mean "min"?)`, "21:18"},
		{"limit beyond type", "        type: u16", "        type: u16\n        checks: {max: 70000}", `limit 70000 does not fit type u16`, "30:23"},
		{"negative limit unsigned", "        type: u16", "        type: u16\n        checks: {min: -1}", `limit -1 does not fit type u16`, "30:23"},
		{"max below min", "        type: u16", "        type: u16\n        checks: {min: 5, max: 2}", `max 2 is below min 5`, "30:31"},
		{"limit names unknown const", "        type: string", "        type: string\n        checks: {max-len: limit}", `limit "limit" is not a number, a const or a type limit like u32-max (did you mean "lim"?)`, "23:27"},
		{"minus one on value limit", "        type: u16", "        type: u16\n        checks: {max: lim - 1}", `the "NAME - 1" form "lim - 1" is only allowed for lengths`, "30:23"},
		{"subset of unknown set", "  - name: inner\n    attributes:", "  - name: inner\n    subset-of: mian\n    attributes:", `subset-of names unknown set "mian" (did you mean "main"?)`, "27:16"},
		{"subset attr not in parent", "  - name: inner\n    attributes:\n      - name: val\n        type: u16", "  - name: inner\n    subset-of: main\n    attributes:\n      - name: nope", `"nope" is not an attribute of its parent set "main"`, "29:9"},
		{"op unknown attribute-set", "attribute-set: main", "attribute-set: mains", `unknown attribute-set "mains" (did you mean "main"?)`, "34:22"},
		{"request attr not in set", "attributes: [id]", "attributes: [idx]", `attribute "idx" is not in set "main" (did you mean "id"?)`, "37:24"},
		{"op without doc", "      doc: Get.\n", "", `missing required key "doc"`, "32:7"},
		{"op unknown flag", "      doc: Get.\n", "      doc: Get.\n      flags: [admin-prem]\n", `"flags" holds "admin-prem", want one of admin-perm, uns-admin-perm (did you mean "admin-perm"?)`, "34:15"},
		{"notify unknown op", "mcast-groups:", "    - name: ntf\n      doc: N.\n      notify: gte\n      mcgrp: events\nmcast-groups:", `notify names unknown operation "gte" (did you mean "get"?)`, "42:15"},
		{"unknown mcgrp", "mcast-groups:", "    - name: ntf\n      doc: N.\n      notify: get\n      mcgrp: event\nmcast-groups:", `unknown multicast group "event" (did you mean "events"?)`, "43:14"},
		{"duplicate op", "mcast-groups:", "    - name: get\n      doc: Again.\n      attribute-set: main\n      do: {}\nmcast-groups:", `duplicate operation "get"`, "40:7"},
		{"bad dont-validate", "      doc: Get.\n", "      doc: Get.\n      dont-validate: [strictly]\n", `"dont-validate" holds "strictly"`, "34:23"},
		{"wrong value type", "      do:\n        request:\n          attributes: [id]\n        reply:\n          attributes: [id, name]\n", "      do: true\n", `must be a mapping, not a boolean`, "35:11"},
		{"bitfield32 without enum", "        type: u16", "        type: bitfield32", `a bitfield32 attribute needs an "enum"`, "29:15"},
		{"directional in genetlink", "protocol: genetlink-legacy", "protocol: genetlink", `unknown key "version"`, "4:1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := mutate(t, c.old, c.new)
			if c.name == "directional in genetlink" {
				src = strings.Replace(src, "doc: A family.", "doc: A family.\nversion: 2", 1)
			}
			f, err := Parse("t.yaml", []byte(src))
			if err == nil {
				t.Fatalf("no error; loaded %s", f.Name)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, want ErrorList", err)
			}
			found := false
			for _, d := range list {
				if strings.Contains(d.Msg, c.want) {
					found = true
					if got := fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Col); got != c.at {
						t.Errorf("error %q at %s, want %s", d.Msg, got, c.at)
					}
					if !strings.HasPrefix(d.String(), "t.yaml:") {
						t.Errorf("error %q does not name the file", d)
					}
				}
			}
			if !found {
				t.Errorf("no error containing %q; got:\n%v", c.want, err)
			}
		})
	}
	if len(cases) < 30 {
		t.Errorf("only %d malformed cases", len(cases))
	}
}

func TestSeveralErrorsAtOnce(t *testing.T) {
	src := mutate(t, "attributes: [id]", "attributes: [idx, idy]")
	src = strings.Replace(src, "nested-attributes: inner", "nested-attributes: nope", 1)
	_, err := Parse("t.yaml", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
	for i := 1; i < len(list); i++ {
		if list[i].Pos.Line < list[i-1].Pos.Line {
			t.Errorf("errors not in file order: %v", list)
		}
	}
}

func TestWarningsDoNotFail(t *testing.T) {
	src := mutate(t, "        type: u16", "        type: u64")
	f, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0].String(), "t.yaml:28:9: warning: attribute set \"inner\" has 64-bit attribute \"val\" but no pad attribute") {
		t.Errorf("warnings = %v", f.Warnings)
	}
}

// TestValueOfAnotherProtocol: a value the spec's protocol lacks but
// another has is named as such, not "corrected" to a neighbour of another
// meaning (genetlink-c has no uns-admin-perm; admin-perm is not it).
func TestValueOfAnotherProtocol(t *testing.T) {
	src := strings.Replace(strings.Replace(base, "protocol: genetlink-legacy", "protocol: genetlink-c", 1),
		"      doc: Get.\n", "      doc: Get.\n      flags: [uns-admin-perm]\n", 1)
	_, err := Parse("fam.yaml", []byte(src))
	want := `"flags" holds "uns-admin-perm", want one of admin-perm ("uns-admin-perm" exists only in protocol genetlink, genetlink-legacy: change "protocol" to use it)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %s", err, want)
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if strings.Contains(line, "uns-admin-perm") && strings.Contains(line, "did you mean") {
			t.Errorf("%s: no did you mean", line)
		}
	}
}

// TestMisspeltKeyAndReferenceErrors: a misspelt key is read as the key it
// resembles, so one run reports it and the reference errors resolution
// finds, and nothing that needs the key complains of its absence.
func TestMisspeltKeyAndReferenceErrors(t *testing.T) {
	src := strings.Replace(base, "        nested-attributes: inner\n", "        nested-atributes: inner\n", 1)
	src = strings.Replace(src, "        type: u32\n      - name: name", "        type: u32\n        enum: colour\n      - name: name", 1)
	_, err := Parse("fam.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`unknown key "nested-atributes" (did you mean "nested-attributes"?)`, `unknown enum "colour" (did you mean "color"?)`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %s:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), `needs "nested-attributes"`) {
		t.Errorf("a follow-on error:\n%v", err)
	}
}
