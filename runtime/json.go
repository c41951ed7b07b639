package runtime

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// The JSON of generated types follows the kernel's own client
// (tools/net/ynl/pyynl/cli.py --output-json), so that what one prints the
// other reads: an object per attribute set keyed by spec names, flags as
// sorted lists of names, enums by name, binary as hex, display hints in
// their text forms (addresses, "aa:bb:.." MACs, "aa bb .." hex dumps,
// UUIDs), a fixed header's members beside the attributes, an indexed array
// of nests as objects keyed by their index, nest-type-value entries as
// objects holding their keys beside their attributes (one entry alone, as
// cli.py shows it; several as a list, where cli.py keeps only the first). Generated
// MarshalJSON and UnmarshalJSON methods build on what this file offers.

// JSONObject builds a JSON object member by member, in the order they are
// put, for generated MarshalJSON methods.
type JSONObject struct {
	buf []byte
	err error
}

// Put adds member name with v's JSON.
func (o *JSONObject) Put(name string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		if o.err == nil {
			o.err = fmt.Errorf("%s: %w", name, err)
		}
		return
	}
	o.key(name)
	o.buf = append(o.buf, b...)
}

func (o *JSONObject) key(name string) {
	if len(o.buf) == 0 {
		o.buf = append(o.buf, '{')
	} else {
		o.buf = append(o.buf, ',')
	}
	o.buf = strconv.AppendQuote(o.buf, name)
	o.buf = append(o.buf, ':')
}

// Merge adds the members of the JSON object v marshals to (a fixed
// header's, a nest-type-value entry's attributes).
func (o *JSONObject) Merge(v json.Marshaler) {
	b, err := v.MarshalJSON()
	if err != nil {
		if o.err == nil {
			o.err = err
		}
		return
	}
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		if o.err == nil {
			o.err = fmt.Errorf("genlgen: JSON: merging %q, not an object", b)
		}
		return
	}
	inner := bytes.TrimSpace(b[1 : len(b)-1])
	if len(inner) == 0 {
		return
	}
	if len(o.buf) == 0 {
		o.buf = append(o.buf, '{')
	} else {
		o.buf = append(o.buf, ',')
	}
	o.buf = append(o.buf, inner...)
}

// Bytes returns the object, or the first error a member gave.
func (o *JSONObject) Bytes() ([]byte, error) {
	if o.err != nil {
		return nil, o.err
	}
	if len(o.buf) == 0 {
		return []byte("{}"), nil
	}
	return append(o.buf, '}'), nil
}

// ReadJSONObject calls member for each member of the JSON object in b, in
// order; a JSON null is an empty object.
func ReadJSONObject(b []byte, member func(name string, raw json.RawMessage) error) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	tok, err := d.Token()
	if err != nil {
		return fmt.Errorf("genlgen: JSON: %w", err)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("genlgen: JSON: want an object, not %v", tok)
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return fmt.Errorf("genlgen: JSON: %w", err)
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return fmt.Errorf("genlgen: JSON: %s: %w", name, err)
		}
		if err := member(name, raw); err != nil {
			return err
		}
	}
	return nil
}

// ReadJSON decodes raw into v, naming attribute name in an error.
func ReadJSON(name string, raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("genlgen: JSON: attribute %s: %w", name, err)
	}
	return nil
}

// ReadJSONList decodes a JSON list into its elements (a lone value is a
// list of one, as cli.py prints a multi-attr seen once).
func ReadJSONList(name string, raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] != '[' {
		return []json.RawMessage{raw}, nil
	}
	var l []json.RawMessage
	err := ReadJSON(name, raw, &l)
	return l, err
}

// UnknownJSON is the error of a member that names no attribute.
func UnknownJSON(set, name string) error {
	return fmt.Errorf("genlgen: JSON: %q is not an attribute of %q", name, set)
}

// IndexedJSON wraps element i of an indexed array of nests as cli.py
// shows it: an object whose one member, named by the element's index
// (i+1, as genlgen numbers them), holds the nest.
func IndexedJSON(i int, v any) map[string]any { return map[string]any{strconv.Itoa(i + 1): v} }

// UnwrapIndexedJSON is the inverse of IndexedJSON; a bare nest is taken
// as it is.
func UnwrapIndexedJSON(raw json.RawMessage) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) == nil && len(m) == 1 {
		for k, v := range m {
			if _, err := strconv.ParseUint(k, 10, 16); err == nil {
				return v
			}
		}
	}
	return raw
}

// TypeValueKeys reads the keys of a nest-type-value entry (members named
// names) from the JSON object raw and returns them with the object's
// other members, the entry's attributes.
func TypeValueKeys(attr string, raw json.RawMessage, names []string) ([]uint16, json.RawMessage, error) {
	keys := make([]uint16, len(names))
	rest := JSONObject{}
	err := ReadJSONObject(raw, func(name string, v json.RawMessage) error {
		if i := slices.Index(names, name); i >= 0 {
			return ReadJSON(attr+"."+name, v, &keys[i])
		}
		rest.key(name)
		rest.buf = append(rest.buf, v...)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	b, err := rest.Bytes()
	return keys, b, err
}

// HexBytes is binary data whose JSON (and text) form is lower-case hex,
// as cli.py prints bytes.
type HexBytes []byte

// MarshalText returns b in hex.
func (b HexBytes) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(b)), nil }

// UnmarshalText reads hex, with or without spaces or colons between bytes.
func (b *HexBytes) UnmarshalText(t []byte) error {
	s := strings.NewReplacer(" ", "", ":", "").Replace(string(t))
	x, err := hex.DecodeString(s)
	if err != nil {
		return fmt.Errorf("genlgen: not hex: %q", t)
	}
	*b = x
	return nil
}

// HexDump is binary data with display hint hex: its text form is hex
// bytes separated by spaces ("0a 1b"), as cli.py shows it.
type HexDump []byte

// MarshalText returns b as space-separated hex bytes.
func (b HexDump) MarshalText() ([]byte, error) {
	out := make([]byte, 0, 3*len(b))
	for i, c := range b {
		if i > 0 {
			out = append(out, ' ')
		}
		out = hex.AppendEncode(out, []byte{c})
	}
	return out, nil
}

// UnmarshalText reads hex, with or without separators.
func (b *HexDump) UnmarshalText(t []byte) error { return (*HexBytes)(b).UnmarshalText(t) }

// HexInt is an integer with display hint hex: its JSON is a string such
// as "0x1f", as cli.py shows it.
type HexInt uint64

// MarshalText returns v in hex with a 0x prefix.
func (v HexInt) MarshalText() ([]byte, error) {
	return []byte("0x" + strconv.FormatUint(uint64(v), 16)), nil
}

// UnmarshalText reads hex, with or without the 0x prefix.
func (v *HexInt) UnmarshalText(t []byte) error {
	x, err := strconv.ParseUint(strings.TrimPrefix(string(t), "0x"), 16, 64)
	*v = HexInt(x)
	return err
}

// UUID is a 16-byte binary with display hint uuid, shown as
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
type UUID [16]byte

// MarshalText returns the UUID's text form.
func (u UUID) MarshalText() ([]byte, error) {
	h := hex.EncodeToString(u[:])
	return []byte(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]), nil
}

// UnmarshalText reads the text form (dashes optional).
func (u *UUID) UnmarshalText(t []byte) error {
	x, err := hex.DecodeString(strings.ReplaceAll(string(t), "-", ""))
	if err != nil || len(x) != len(u) {
		return fmt.Errorf("genlgen: not a UUID: %q", t)
	}
	copy(u[:], x)
	return nil
}

// Uint8s is a list of bytes whose JSON is a list of numbers (a binary
// attribute of sub-type u8), not base64.
type Uint8s []uint8

// MarshalJSON returns the numbers.
func (s Uint8s) MarshalJSON() ([]byte, error) {
	n := make([]uint16, len(s))
	for i, v := range s {
		n[i] = uint16(v)
	}
	return json.Marshal(n)
}

// FlagList lists the names of the bits set in v, sorted as cli.py sorts
// them; a bit without a name is shown as its mask ("0x40"). names maps
// single-bit masks to names, or, if bitIndex, bit numbers (an enum used as
// flags).
func FlagList(v uint64, names []EnumName, bitIndex bool) []string {
	out := []string{}
	for v != 0 {
		bit := uint64(bits.TrailingZeros64(v))
		v &^= 1 << bit
		key := uint64(1) << bit
		if bitIndex {
			key = bit
		}
		name := ""
		for _, n := range names {
			if n.Value == key {
				name = n.Name
				break
			}
		}
		if name == "" {
			name = "0x" + strconv.FormatUint(1<<bit, 16)
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// ParseFlagList is the inverse of FlagList: raw is a list of names (or of
// masks), a "a|b" string (String's form) or a number.
func ParseFlagList(attr string, raw json.RawMessage, names []EnumName, bitIndex bool) (uint64, error) {
	raw = bytes.TrimSpace(raw)
	var list []string
	switch {
	case len(raw) > 0 && raw[0] == '[':
		if err := ReadJSON(attr, raw, &list); err != nil {
			return 0, err
		}
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := ReadJSON(attr, raw, &s); err != nil {
			return 0, err
		}
		if s != "" && s != "0" {
			list = strings.Split(s, "|")
		}
	default:
		var n uint64
		err := ReadJSON(attr, raw, &n)
		return n, err
	}
	var v uint64
	for _, name := range list {
		x, err := ParseEnum(name, names)
		if err != nil {
			return 0, fmt.Errorf("genlgen: JSON: attribute %s: %w", attr, err)
		}
		if bitIndex && !strings.HasPrefix(name, "0x") {
			x = 1 << x
		}
		v |= x
	}
	return v, nil
}

// FlagsBitfield is a bitfield32 whose bits are named: its JSON has value
// and selector as lists of names, as cli.py shows them.
func FlagsBitfield(b Bitfield32, names []EnumName, bitIndex bool) map[string][]string {
	return map[string][]string{
		"value":    FlagList(uint64(b.Value), names, bitIndex),
		"selector": FlagList(uint64(b.Selector), names, bitIndex),
	}
}

// ParseFlagsBitfield is the inverse of FlagsBitfield (numbers are taken
// too).
func ParseFlagsBitfield(attr string, raw json.RawMessage, names []EnumName, bitIndex bool) (Bitfield32, error) {
	var m map[string]json.RawMessage
	if err := ReadJSON(attr, raw, &m); err != nil {
		return Bitfield32{}, err
	}
	v, err := ParseFlagList(attr+".value", m["value"], names, bitIndex)
	if err != nil {
		return Bitfield32{}, err
	}
	s, err := ParseFlagList(attr+".selector", m["selector"], names, bitIndex)
	return Bitfield32{Value: uint32(v), Selector: uint32(s)}, err
}

// JSONFunc marshals by calling itself: a nested set's JSON without the
// fixed header its messages carry at the top level.
type JSONFunc func() ([]byte, error)

// MarshalJSON returns f().
func (f JSONFunc) MarshalJSON() ([]byte, error) { return f() }
