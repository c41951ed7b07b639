package spec

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// reader walks a YAML node tree, converting values and reporting every
// problem with its position instead of stopping at the first one.
type reader struct {
	diag *diagnostics
}

func (r *reader) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: r.diag.file}
	}
	return Pos{File: r.diag.file, Line: n.Line, Col: n.Column}
}

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int":
			return "an integer"
		case "!!bool":
			return "a boolean"
		case "!!null":
			return "null"
		case "!!float":
			return "a number"
		}
		return "a string"
	}
	return "a YAML " + n.Tag
}

// object is a YAML mapping whose keys were checked against a schema.
type object struct {
	r      *reader
	node   *yaml.Node
	what   string
	values map[string]*yaml.Node
	keys   map[string]*yaml.Node
}

// object checks that n is a mapping holding only allowed keys and all
// required ones. It never returns nil: a bad node gives an empty object.
func (r *reader) object(n *yaml.Node, what string, allowed, required []string) *object {
	n = deref(n)
	o := &object{r: r, node: n, what: what, values: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}
	if n == nil {
		return o
	}
	if n.Kind != yaml.MappingNode {
		r.diag.errorf(r.pos(n), "%s must be a mapping, not %s", what, kindName(n))
		return o
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			r.diag.errorf(r.pos(k), "%s: keys must be strings", what)
			continue
		}
		if !contains(allowed, k.Value) {
			r.diag.errorf(r.pos(k), "%s: unknown key %q%s", what, k.Value, didYouMean(k.Value, allowed))
			// Read a misspelt key as the one it resembles, when the
			// mapping lacks that one: what it says is then checked too,
			// and nothing that needs it reports a follow-on error.
			if want := closest(k.Value, allowed); want != "" && !hasKey(n, want) {
				o.keys[want], o.values[want] = k, v
				r.diag.recovered++
			}
			continue
		}
		if prev, dup := o.keys[k.Value]; dup {
			r.diag.errorf(r.pos(k), "%s: duplicate key %q (first at line %d)", what, k.Value, prev.Line)
			continue
		}
		o.keys[k.Value] = k
		o.values[k.Value] = v
	}
	for _, req := range required {
		if _, ok := o.values[req]; !ok {
			r.diag.errorf(r.pos(n), "%s: missing required key %q", what, req)
		}
	}
	return o
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (o *object) has(key string) bool { _, ok := o.values[key]; return ok }

// posOf is the position of key's value, or of the object when absent.
func (o *object) posOf(key string) Pos {
	if v, ok := o.values[key]; ok {
		return o.r.pos(v)
	}
	return o.r.pos(o.node)
}

func (o *object) scalar(key, want string) (*yaml.Node, bool) {
	v, ok := o.values[key]
	if !ok {
		return nil, false
	}
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		o.r.diag.errorf(o.r.pos(v), "%s: %q must be %s, not %s", o.what, key, want, kindName(v))
		return nil, false
	}
	return v, true
}

// str returns a string value ("" when absent or wrong).
func (o *object) str(key string) string {
	v, ok := o.scalar(key, "a string")
	if !ok {
		return ""
	}
	if v.Tag != "!!str" {
		o.r.diag.errorf(o.r.pos(v), "%s: %q must be a string, not %s", o.what, key, kindName(v))
		return ""
	}
	if p := textProblem(v.Value); p != "" {
		o.r.diag.errorf(o.r.pos(v), "%s: %q %s", o.what, key, p)
		return ""
	}
	return v.Value
}

// nullableName returns the value of a key that may be a string, empty or
// null: present reports whether the key was given at all.
func (o *object) nullableName(key string) (name string, present bool) {
	v, ok := o.values[key]
	if !ok {
		return "", false
	}
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return "", true
	}
	return o.str(key), true
}

// boolean returns a boolean value (false when absent or wrong).
func (o *object) boolean(key string) bool {
	v, ok := o.scalar(key, "a boolean")
	if !ok {
		return false
	}
	if v.Tag != "!!bool" {
		o.r.diag.errorf(o.r.pos(v), "%s: %q must be true or false, not %s", o.what, key, kindName(v))
		return false
	}
	return v.Value == "true"
}

// uint returns a non-negative integer value; ok is false when absent or wrong.
func (o *object) uint(key string) (uint64, bool) {
	v, ok := o.scalar(key, "an integer")
	if !ok {
		return 0, false
	}
	n, err := parseUint(v)
	if err != "" {
		o.r.diag.errorf(o.r.pos(v), "%s: %q %s", o.what, key, err)
		return 0, false
	}
	return n, true
}

func parseUint(v *yaml.Node) (uint64, string) {
	if v.Tag == "!!float" && isIntegerText(v.Value) {
		return 0, "is " + v.Value + ", out of range: integers here are 64-bit"
	}
	if v.Tag != "!!int" {
		return 0, "must be an integer, not " + kindName(v)
	}
	s := strings.ReplaceAll(v.Value, "_", "")
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		if strings.HasPrefix(s, "-") {
			return 0, "must not be negative"
		}
		return 0, "is out of range"
	}
	return n, ""
}

// intOrString returns an integer-or-name value as written.
func (o *object) intOrString(key string) (num int64, name string, isNum, ok bool) {
	v, present := o.scalar(key, "an integer or a name")
	if !present {
		return 0, "", false, false
	}
	switch v.Tag {
	case "!!int":
		n, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 0, 64)
		if err != nil {
			u, uerr := strconv.ParseUint(strings.ReplaceAll(v.Value, "_", ""), 0, 64)
			if uerr != nil || u > math.MaxInt64 {
				o.r.diag.errorf(o.r.pos(v), "%s: %q is out of range", o.what, key)
				return 0, "", false, false
			}
			n = int64(u)
		}
		return n, "", true, true
	case "!!str":
		return 0, v.Value, false, true
	case "!!float":
		// YAML makes an integer too big for 64 bits a float: say so.
		if isIntegerText(v.Value) {
			o.r.diag.errorf(o.r.pos(v), "%s: %q is %s, out of range: integers here are 64-bit", o.what, key, v.Value)
			return 0, "", false, false
		}
	}
	o.r.diag.errorf(o.r.pos(v), "%s: %q must be an integer or a name, not %s", o.what, key, kindName(v))
	return 0, "", false, false
}

// list returns the items of a list value (nil when absent or wrong).
func (o *object) list(key string) []*yaml.Node {
	v, ok := o.values[key]
	if !ok {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		o.r.diag.errorf(o.r.pos(v), "%s: %q must be a list, not %s", o.what, key, kindName(v))
		return nil
	}
	items := make([]*yaml.Node, len(v.Content))
	for i, it := range v.Content {
		items[i] = deref(it)
	}
	return items
}

// posString is a string with the position it was written at.
type posString struct {
	Value string
	Pos   Pos
}

// strList returns a list of strings with their positions.
func (o *object) strList(key string) []posString {
	var out []posString
	for _, it := range o.list(key) {
		if it.Kind != yaml.ScalarNode || it.Tag != "!!str" {
			o.r.diag.errorf(o.r.pos(it), "%s: items of %q must be strings, not %s", o.what, key, kindName(it))
			continue
		}
		if p := textProblem(it.Value); p != "" {
			o.r.diag.errorf(o.r.pos(it), "%s: an item of %q %s", o.what, key, p)
			continue
		}
		out = append(out, posString{Value: it.Value, Pos: o.r.pos(it)})
	}
	return out
}

// values picks the values of one enumerated key from a protocol's
// schema (keySets), so that a value can be looked up in the others.
type values func(*keySets) []string

// oneOf returns a string value that must be one of the values pick gives
// for the spec's protocol (keys).
func (o *object) oneOf(key string, keys *keySets, pick values) string {
	s := o.str(key)
	choices := pick(keys)
	if s == "" || contains(choices, s) {
		return s
	}
	sorted := append([]string(nil), choices...)
	sort.Strings(sorted)
	o.r.diag.errorf(o.posOf(key), "%s: %q is %q, want one of %s%s", o.what, key, s,
		strings.Join(sorted, ", "), hint(s, choices, pick))
	return ""
}

// enumList returns a list of strings each of which must be one of the
// values pick gives for the spec's protocol.
func (o *object) enumList(key string, keys *keySets, pick values) []string {
	var out []string
	choices := pick(keys)
	for _, s := range o.strList(key) {
		if !contains(choices, s.Value) {
			o.r.diag.errorf(s.Pos, "%s: %q holds %q, want one of %s%s", o.what, key, s.Value,
				strings.Join(choices, ", "), hint(s.Value, choices, pick))
			continue
		}
		out = append(out, s.Value)
	}
	return out
}

// hint ends the message about a value s that is not among choices: the
// protocols that have it, when another does (a "did you mean" to a
// neighbour would change its meaning: uns-admin-perm is not admin-perm),
// else a "did you mean".
func hint(s string, choices []string, pick values) string {
	var in []string
	for _, p := range []Protocol{ProtocolGenetlink, ProtocolGenetlinkC, ProtocolGenetlinkLegacy} {
		if contains(pick(keysFor(p)), s) {
			in = append(in, string(p))
		}
	}
	if len(in) > 0 {
		return fmt.Sprintf(" (%q exists only in protocol %s: change \"protocol\" to use it)", s, strings.Join(in, ", "))
	}
	return didYouMean(s, choices)
}

// isIntegerText reports whether s is written as a decimal integer (YAML
// reads one too big for 64 bits as a float).
func isIntegerText(s string) bool {
	s = strings.TrimLeft(s, "+-")
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// hasKey reports whether mapping n holds key.
func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}
