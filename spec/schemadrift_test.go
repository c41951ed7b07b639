package spec

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/genlgen/genlgen/internal/corpus"
)

// schemaObject ties an object location of a kernel schema (its path of
// property names, leaving out items, oneOf alternatives and $ref) to the
// loader's key table for it, and to the kind name the loader uses in
// patternNames ("" where the schema gives the object no name).
type schemaObject struct {
	keys    func(*keySets) []string
	pattern string
}

var schemaObjects = map[string]schemaObject{
	"":                                 {func(k *keySets) []string { return k.top }, "spec"},
	"definitions":                      {func(k *keySets) []string { return k.definition }, "definition"},
	"definitions.entries":              {func(k *keySets) []string { return k.entry }, "entry"},
	"definitions.members":              {func(k *keySets) []string { return k.member }, "member"},
	"attribute-sets":                   {func(k *keySets) []string { return k.attrSet }, "attribute set"},
	"attribute-sets.attributes":        {func(k *keySets) []string { return k.attr }, "attribute"},
	"attribute-sets.attributes.checks": {func(k *keySets) []string { return k.checks }, ""},
	"operations":                       {func(k *keySets) []string { return k.ops }, ""},
	"operations.list":                  {func(k *keySets) []string { return k.op }, "operation"},
	"operations.list.do":               {func(k *keySets) []string { return k.mode }, ""},
	"operations.list.dump":             {func(k *keySets) []string { return k.mode }, ""},
	"operations.list.do.request":       {func(k *keySets) []string { return k.msg }, ""},
	"operations.list.do.reply":         {func(k *keySets) []string { return k.msg }, ""},
	"operations.list.dump.request":     {func(k *keySets) []string { return k.msg }, ""},
	"operations.list.dump.reply":       {func(k *keySets) []string { return k.msg }, ""},
	"operations.list.event":            {func(k *keySets) []string { return k.event }, ""},
	"mcast-groups":                     {func(k *keySets) []string { return k.groups }, ""},
	"mcast-groups.list":                {func(k *keySets) []string { return k.group }, "multicast group"},
	"kernel-family":                    {func(k *keySets) []string { return k.kernelFamily }, ""},
}

// schemaEnums maps each enumerated property (object path "." property,
// or the bare property at the top level)
// to the loader's list of its values. protos stands for the package's
// protocols (passed separately so tests can vary it).
var schemaEnums = map[string]func(k *keySets, protos []string) []string{
	"protocol":                               func(k *keySets, p []string) []string { return p },
	"kernel-policy":                          func(k *keySets, _ []string) []string { return k.kernelPolicies },
	"definitions.type":                       func(k *keySets, _ []string) []string { return k.defTypes },
	"definitions.scope":                      func(k *keySets, _ []string) []string { return k.scopes },
	"definitions.members.type":               func(k *keySets, _ []string) []string { return k.memberTypes },
	"definitions.members.byte-order":         func(k *keySets, _ []string) []string { return k.byteOrders },
	"definitions.members.display-hint":       func(k *keySets, _ []string) []string { return k.displayHints },
	"attribute-sets.attributes.type":         func(k *keySets, _ []string) []string { return k.attrTypes },
	"attribute-sets.attributes.sub-type":     func(k *keySets, _ []string) []string { return k.attrTypes },
	"attribute-sets.attributes.byte-order":   func(k *keySets, _ []string) []string { return k.byteOrders },
	"attribute-sets.attributes.display-hint": func(k *keySets, _ []string) []string { return k.displayHints },
	"operations.enum-model":                  func(k *keySets, _ []string) []string { return k.enumModels },
	"operations.list.flags":                  func(k *keySets, _ []string) []string { return k.opFlags },
	"operations.list.dont-validate":          func(k *keySets, _ []string) []string { return k.dontValidate },
	"mcast-groups.list.flags":                func(k *keySets, _ []string) []string { return k.opFlags },
}

// loaderPatterns are the loader's copies of the schemas' $defs patterns.
var loaderPatterns = map[string]string{
	"name":          namePattern,
	"len-or-define": lenOrDefinePattern,
	"len-or-limit":  lenOrLimitPattern,
}

func joinPath(path, prop string) string {
	if path == "" {
		return prop
	}
	return path + "." + prop
}

func showPath(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

// schemaGaps walks a parsed schema from its root's properties and returns
// everything it has that the loader's tables (ks, protos, patterns) lack,
// with the number of properties visited.
func schemaGaps(schema map[string]any, ks *keySets, protos []string, patterns map[string]string) (gaps []string, visited int) {
	gapf := func(format string, args ...any) { gaps = append(gaps, fmt.Sprintf(format, args...)) }
	defs, _ := schema["$defs"].(map[string]any)

	for _, name := range sortedKeys(defs) {
		def, _ := defs[name].(map[string]any)
		pat, ok := def["pattern"].(string)
		if !ok {
			continue
		}
		if known, ok := patterns[name]; !ok {
			gapf("pattern $defs/%s (%s) is not in the loader's tables", name, pat)
		} else if known != pat {
			gapf("pattern $defs/%s is %s in the schema but %s in the loader", name, pat, known)
		}
	}

	var walk func(path string, obj map[string]any)
	// descend finds the objects under a property's schema: through items,
	// oneOf/anyOf/allOf alternatives and $refs into $defs.
	var descend func(path string, node any, depth int)
	descend = func(path string, node any, depth int) {
		n, ok := node.(map[string]any)
		if !ok || depth > 8 {
			return
		}
		if _, ok := n["properties"]; ok {
			walk(path, n)
		}
		descend(path, n["items"], depth+1)
		for _, alt := range []string{"oneOf", "anyOf", "allOf"} {
			list, _ := n[alt].([]any)
			for _, a := range list {
				descend(path, a, depth+1)
			}
		}
		if ref, ok := n["$ref"].(string); ok && strings.HasPrefix(ref, "#/$defs/") {
			descend(path, defs[strings.TrimPrefix(ref, "#/$defs/")], depth+1)
		}
	}
	walk = func(path string, obj map[string]any) {
		kind, known := schemaObjects[path]
		if !known {
			gapf("object at %s is a kind of object the test does not map to a loader table", showPath(path))
		}
		props, _ := obj["properties"].(map[string]any)
		for _, prop := range sortedKeys(props) {
			visited++
			sub, _ := props[prop].(map[string]any)
			if known && !slices.Contains(kind.keys(ks), prop) {
				gapf("property %q at %s is not in the loader's tables", prop, showPath(path))
			}
			if vals := enumOf(sub); vals != nil {
				table, ok := schemaEnums[joinPath(path, prop)]
				if !ok {
					gapf("enumerated property %q at %s is not mapped to a loader value list", prop, showPath(path))
				}
				for _, v := range vals {
					if ok && !slices.Contains(table(ks, protos), fmt.Sprint(v)) {
						gapf("value %q of %q at %s is not in the loader's tables", fmt.Sprint(v), prop, showPath(path))
					}
				}
			}
			if pat, ok := sub["pattern"]; ok {
				gapf("property %q at %s has an inline pattern %v the loader does not know", prop, showPath(path), pat)
			}
			if sub["$ref"] == "#/$defs/name" && (!known || kind.pattern == "" || !slices.Contains(ks.patternNames, kind.pattern)) {
				gapf("property %q at %s must match $defs/name but kind %q is not in the loader's patternNames", prop, showPath(path), kind.pattern)
			}
			descend(joinPath(path, prop), sub, 0)
		}
	}
	walk("", schema)
	return gaps, visited
}

// enumOf returns a property's enumerated values, its own or its items'.
func enumOf(prop map[string]any) []any {
	if vals, ok := prop["enum"].([]any); ok {
		return vals
	}
	if items, ok := prop["items"].(map[string]any); ok {
		if vals, ok := items["enum"].([]any); ok {
			return vals
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func readSchema(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// yaml.v3 reads YAML 1.2 but rejects the %YAML 1.2 directive the
	// schemas open with: turn it into a comment.
	text := regexp.MustCompile(`(?m)^%YAML `).ReplaceAllString(string(data), "# %YAML ")
	var schema map[string]any
	if err := yaml.Unmarshal([]byte(text), &schema); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return schema
}

var driftProtocols = []Protocol{ProtocolGenetlink, ProtocolGenetlinkC, ProtocolGenetlinkLegacy}

// TestSchemaDrift fails, naming it, on whatever a kernel's schemas have
// that the loader's tables lack.
func TestSchemaDrift(t *testing.T) {
	for _, r := range corpus.Releases {
		for _, p := range driftProtocols {
			t.Run(r.Name+"/"+string(p), func(t *testing.T) {
				schema := readSchema(t, filepath.Join(r.SchemaDir(t), string(p)+".yaml"))
				gaps, visited := schemaGaps(schema, keysFor(p), protocols, loaderPatterns)
				for _, g := range gaps {
					t.Errorf("%s %s: %s", r.Name, p, g)
				}
				if visited < 50 {
					t.Errorf("%s %s: the walk visited only %d properties; is it broken?", r.Name, p, visited)
				}
				t.Logf("%s %s: %d properties checked", r.Name, p, visited)
			})
		}
	}
}

func without(list []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == drop })
}

// TestSchemaDriftDetects proves schemaGaps reports a gap when the tables
// lose a key, a value, a pattern kind or a pattern, or when the schema
// grows a new kind of object.
func TestSchemaDriftDetects(t *testing.T) {
	type tables struct {
		ks       keySets
		patterns map[string]string
		schema   map[string]any
	}
	cases := []struct {
		name  string
		proto Protocol
		edit  func(*tables)
		want  []string
	}{
		{"attrSet key", ProtocolGenetlinkC,
			func(tb *tables) { tb.ks.attrSet = without(tb.ks.attrSet, "header") },
			[]string{`property "header" at attribute-sets is not in the loader's tables`}},
		{"display hint", ProtocolGenetlinkLegacy,
			func(tb *tables) { tb.ks.displayHints = without(tb.ks.displayHints, "ipv4-or-v6") },
			[]string{
				`value "ipv4-or-v6" of "display-hint" at attribute-sets.attributes is not in the loader's tables`,
				`value "ipv4-or-v6" of "display-hint" at definitions.members is not in the loader's tables`,
			}},
		{"pattern kind", ProtocolGenetlink,
			func(tb *tables) { tb.ks.patternNames = without(tb.ks.patternNames, "multicast group") },
			[]string{`property "name" at mcast-groups.list must match $defs/name but kind "multicast group" is not in the loader's patternNames`}},
		{"pattern", ProtocolGenetlink,
			func(tb *tables) { tb.patterns["len-or-limit"] = `^[0-9]+$` },
			[]string{`pattern $defs/len-or-limit is ^[0-9A-Za-z_-]+$ in the schema but ^[0-9]+$ in the loader`}},
		{"new object", ProtocolGenetlink,
			func(tb *tables) {
				tb.schema["properties"].(map[string]any)["new-thing"] = map[string]any{"type": "array",
					"items": map[string]any{"properties": map[string]any{"x": map[string]any{"type": "string"}}}}
			},
			[]string{
				`property "new-thing" at top level is not in the loader's tables`,
				`object at new-thing is a kind of object the test does not map to a loader table`,
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb := tables{
				ks:       *keysFor(c.proto),
				patterns: maps.Clone(loaderPatterns),
				schema:   readSchema(t, filepath.Join(corpus.K73.SchemaDir(t), string(c.proto)+".yaml")),
			}
			c.edit(&tb)
			gaps, _ := schemaGaps(tb.schema, &tb.ks, protocols, tb.patterns)
			if !slices.Equal(gaps, c.want) {
				t.Errorf("7.3 %s: gaps\n\t%s\nwant\n\t%s", c.proto, strings.Join(gaps, "\n\t"), strings.Join(c.want, "\n\t"))
			}
		})
	}
}
