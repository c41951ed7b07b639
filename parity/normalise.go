package parity

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// Side says which client printed a JSON value.
type Side int

// The two clients of a data comparison.
const (
	Python Side = iota // the kernel's tools/net/ynl/cli.py --output-json
	Go                 // a genlgen client's reply passed through encoding/json
)

// NormaliseJSON rewrites a decoded JSON reply (from encoding/json with
// UseNumber) of attribute set set into the shape both clients agree on:
//
//   - flags (a flags enum, or enum-as-flags): a sorted list of names; cli.py
//     prints a list, genlgen's MarshalText "a|b" ("0" for none);
//   - binary without a struct or display hint: lower-case hex; cli.py prints
//     hex, encoding/json base64;
//   - values with a display hint: as cli.py formats them (ipv4 and ipv6
//     addresses, mac "aa:bb:..", hex "aa bb ..");
//   - indexed arrays of nests: the nests; cli.py wraps each in an object
//     keyed by its index (1, 2, ...), genlgen drops the index;
//
// Nests, multi-attrs and indexed arrays are walked with the spec's nested
// sets; anything else is left as it is, so that every other difference
// shows.
func NormaliseJSON(v any, set *spec.AttrSet, side Side) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = NormaliseJSON(e, set, side)
		}
		return out
	case map[string]any:
		if set == nil {
			return x
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normAttr(e, set.Attr(k), side)
		}
		return out
	}
	return v
}

func normAttr(v any, a *spec.Attr, side Side) any {
	if a == nil || v == nil {
		return v
	}
	if l, ok := v.([]any); ok && (a.MultiAttr || a.Type == spec.TypeIndexedArray) {
		out := make([]any, len(l))
		for i, e := range l {
			if a.Type == spec.TypeIndexedArray && side == Python {
				e = unwrapIndex(e, i)
			}
			out[i] = normValue(e, a, side)
		}
		return out
	}
	return normValue(v, a, side)
}

// normValue normalises one value of attribute a (one element of a
// multi-attr or indexed array).
func normValue(v any, a *spec.Attr, side Side) any {
	switch {
	case a.Nested != nil:
		return NormaliseJSON(v, a.Nested, side)
	case a.Enum != nil && (a.Enum.Kind == spec.DefFlags || a.EnumAsFlags):
		return normFlags(v)
	case side == Go && a.DisplayHint != "":
		return display(v, a)
	case a.Type == spec.TypeBinary && a.Struct == nil && side == Go:
		if s, ok := v.(string); ok {
			if b, err := base64.StdEncoding.DecodeString(s); err == nil {
				return hex.EncodeToString(b)
			}
		}
	}
	return v
}

// unwrapIndex turns cli.py's element i of an indexed array of nests,
// {"<index>": {...}}, into the nest, as genlgen has it, when the index is
// the kernel's usual i+1; any other index stays, so that it shows.
func unwrapIndex(e any, i int) any {
	m, ok := e.(map[string]any)
	if !ok || len(m) != 1 {
		return e
	}
	if inner, ok := m[strconv.Itoa(i+1)]; ok {
		return inner
	}
	return e
}

// display renders genlgen's value of an attribute with a display hint as
// cli.py does: ipv4 and ipv6 as addresses, hex as space-separated bytes,
// mac (and any other hint) as colon-separated bytes.
func display(v any, a *spec.Attr) any {
	var raw []byte
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.ParseUint(x.String(), 10, 64)
		if err != nil || a.DisplayHint != "ipv4" {
			return v
		}
		raw = binary.BigEndian.AppendUint32(nil, uint32(n))
	case string:
		b, err := base64.StdEncoding.DecodeString(x)
		if err != nil {
			return v
		}
		raw = b
	default:
		return v
	}
	switch a.DisplayHint {
	case "ipv4", "ipv6":
		if ip, ok := netip.AddrFromSlice(raw); ok {
			return ip.String()
		}
		return v
	case "hex":
		parts := make([]string, len(raw))
		for i, b := range raw {
			parts[i] = hex.EncodeToString([]byte{b})
		}
		return strings.Join(parts, " ")
	}
	parts := make([]string, len(raw))
	for i, b := range raw {
		parts[i] = hex.EncodeToString([]byte{b})
	}
	return strings.Join(parts, ":")
}

func normFlags(v any) any {
	var names []string
	switch x := v.(type) {
	case string:
		if x != "0" && x != "" {
			names = strings.Split(x, "|")
		}
	case []any:
		for _, e := range x {
			names = append(names, fmt.Sprint(e))
		}
	default:
		return v
	}
	slices.Sort(names)
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

// JSONDiff lists where a and b (normalised JSON values) differ, one line per
// difference, naming the path ("[1].xdp-features").
func JSONDiff(a, b any) []string {
	var out []string
	jsonDiff("", a, b, &out)
	return out
}

func jsonDiff(path string, a, b any, out *[]string) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		slices.Sort(sorted)
		for _, k := range sorted {
			p := k
			if path != "" {
				p = path + "." + k
			}
			xa, okx := x[k]
			yb, oky := y[k]
			switch {
			case !okx:
				*out = append(*out, fmt.Sprintf("%s: only genlgen has it: %s", p, short(yb)))
			case !oky:
				*out = append(*out, fmt.Sprintf("%s: only cli.py has it: %s", p, short(xa)))
			default:
				jsonDiff(p, xa, yb, out)
			}
		}
		return
	case []any:
		y, ok := b.([]any)
		if !ok {
			break
		}
		if len(x) != len(y) {
			*out = append(*out, fmt.Sprintf("%s: cli.py has %d elements, genlgen %d", orRoot(path), len(x), len(y)))
			return
		}
		for i := range x {
			jsonDiff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i], out)
		}
		return
	default:
		if fmt.Sprint(a) == fmt.Sprint(b) && sameKind(a, b) {
			return
		}
	}
	*out = append(*out, fmt.Sprintf("%s: cli.py %s, genlgen %s", orRoot(path), short(a), short(b)))
}

func sameKind(a, b any) bool { return fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b) }

func orRoot(p string) string {
	if p == "" {
		return "(reply)"
	}
	return p
}

func short(v any) string {
	s := fmt.Sprintf("%v", v)
	if _, ok := v.(string); ok {
		s = fmt.Sprintf("%q", v)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
