package parity

import (
	"fmt"
	"slices"
)

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
