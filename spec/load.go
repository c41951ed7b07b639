// Package spec loads YNL generic netlink specs (the Linux kernel's
// Documentation/netlink/specs format) into one resolved model.
//
// Loading runs in two passes: the first reads every YAML node into model
// nodes, checking keys and value types; the second resolves references
// (nested sets, enums, structs, notify sources, groups), numbers, checks and
// names. Every problem is reported with its file:line:col, all at once
// where possible; suspicious but legal constructs become warnings.
package spec

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// ErrUnsupportedProtocol is returned (inside an ErrorList) for specs of a
// protocol genlgen cannot generate, such as netlink-raw.
var ErrUnsupportedProtocol = errors.New("protocol not supported")

// Load reads and resolves the spec at path, which may hold at most
// MaxSpecSize bytes.
func Load(path string) (*Family, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("genlgen: load spec: %w", err)
	}
	defer fh.Close()
	// One byte more than allowed tells a spec that is too large without
	// reading all of it (it may be /dev/zero).
	data, err := io.ReadAll(io.LimitReader(fh, MaxSpecSize+1))
	if err != nil {
		return nil, fmt.Errorf("genlgen: load spec: %w", err)
	}
	if len(data) > MaxSpecSize {
		n := int64(len(data))
		if st, err := fh.Stat(); err == nil && st.Mode().IsRegular() {
			n = st.Size()
		}
		return nil, ErrorList{sizeProblem(path, n)}
	}
	return Parse(path, data)
}

// Parse resolves a spec held in memory; file names it in diagnostics.
// On failure the error is an ErrorList. Before anything else, it rejects
// a spec of more than MaxSpecSize bytes, one whose YAML aliases expand it
// more than twice (aliasProblem), and a file name the generated files
// could not print in their banners.
func Parse(file string, data []byte) (*Family, error) {
	if len(data) > MaxSpecSize {
		return nil, ErrorList{sizeProblem(file, int64(len(data)))}
	}
	if p := fileNameProblem(file); p != nil {
		return nil, ErrorList{*p}
	}
	d := &diagnostics{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, ErrorList{yamlSyntaxError(file, err)}
	}
	if len(doc.Content) == 0 {
		return nil, ErrorList{{Pos: Pos{File: file, Line: 1, Col: 1}, Msg: "empty spec"}}
	}
	if p := aliasProblem(file, &doc); p != nil {
		return nil, ErrorList{*p}
	}
	root := deref(doc.Content[0])
	if unsupported := protocolProblem(file, root); unsupported != nil {
		return nil, unsupported
	}
	l := &loader{r: reader{diag: d}}
	f := l.family(root)
	// Resolving a model that loading left incomplete would only add
	// noise; one whose only errors were misspelt keys, read as the keys
	// they resemble, is complete.
	if d.nerrs == d.recovered {
		resolve(f, d)
	}
	errs, warns := d.sorted()
	if len(errs) > 0 {
		return nil, errs
	}
	f.Warnings = warns
	return f, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlSyntaxError(file string, err error) Diagnostic {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Diagnostic{Pos: Pos{File: file, Line: line, Col: 1}, Msg: "invalid YAML: " + m[2]}
	}
	return Diagnostic{Pos: Pos{File: file, Line: 1, Col: 1}, Msg: "invalid YAML: " + msg}
}

// protocolProblem rejects netlink-raw (and unknown protocols) with a single
// clear line before anything else is checked.
func protocolProblem(file string, root *yaml.Node) error {
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "protocol" {
			continue
		}
		v := deref(root.Content[i+1])
		p := Pos{File: file, Line: v.Line, Col: v.Column}
		if v.Value == "netlink-raw" {
			return ErrorList{{Pos: p, Msg: fmt.Sprintf("protocol %q is not supported (yet): genlgen generates generic netlink families only", v.Value)}}
		}
		if v.Kind == yaml.ScalarNode && !contains(protocols, v.Value) {
			return ErrorList{{Pos: p, Msg: fmt.Sprintf("unknown protocol %q, want genetlink, genetlink-c or genetlink-legacy%s",
				v.Value, didYouMean(v.Value, protocols))}}
		}
	}
	return nil
}

// loader is the first pass: YAML nodes into unresolved model nodes.
type loader struct {
	r        reader
	keys     *keySets
	protocol Protocol
}

func (l *loader) family(root *yaml.Node) *Family {
	f := &Family{Pos: l.r.pos(root), Protocol: ProtocolGenetlink, Version: 1, KernelPolicy: PolicySplit}
	proto := ProtocolGenetlink
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "protocol" {
				proto = Protocol(deref(root.Content[i+1]).Value)
			}
		}
	}
	f.Protocol = proto
	l.keys, l.protocol = keysFor(proto), proto
	o := l.r.object(root, "spec", l.keys.top, []string{"name", "doc", "attribute-sets", "operations"})
	f.Name = l.name(o, "spec")
	f.Doc = o.str("doc")
	f.UAPIHeader = o.header("uapi-header")
	f.CFamilyNameDefine = o.cPart("c-family-name")
	f.CVersionDefine = o.cPart("c-version-name")
	f.MaxByDefine = o.boolean("max-by-define")
	if v, ok := o.uint("version"); ok {
		if v < 1 || v > 255 {
			l.r.diag.errorf(o.posOf("version"), "spec: \"version\" must be between 1 and 255 (the genl header carries a u8), got %d", v)
		}
		f.Version = v
	}
	if p := o.oneOf("kernel-policy", l.keys, func(k *keySets) []string { return k.kernelPolicies }); p != "" {
		f.KernelPolicy = KernelPolicy(p)
	}
	f.raw.cmdMaxName = o.cPart("cmd-max-name")
	f.raw.cmdCntName = o.cPart("cmd-cnt-name")
	if o.has("kernel-family") {
		kf := l.r.object(o.values["kernel-family"], "kernel-family", l.keys.kernelFamily, nil)
		f.KernelFamily.Headers = kf.headers("headers")
		f.KernelFamily.SockPriv = kf.matching("sock-priv", sockPrivRE, "it is a C type: a name, or \"struct name\"")
	}
	for _, n := range o.list("definitions") {
		f.Definitions = append(f.Definitions, l.definition(n))
	}
	for _, n := range o.list("attribute-sets") {
		f.AttrSets = append(f.AttrSets, l.attrSet(n))
	}
	if o.has("operations") {
		l.operations(f, o.values["operations"])
	}
	if o.has("mcast-groups") {
		g := l.r.object(o.values["mcast-groups"], "mcast-groups", l.keys.groups, []string{"list"})
		for _, n := range g.list("list") {
			f.McastGroups = append(f.McastGroups, l.group(n))
		}
	}
	return f
}

// name reads the "name" of an object of the given kind. A name that
// cannot become what genlgen makes of it (nameProblem) is an error.
// Where the protocol's schema gives that kind's names a pattern (7.3's
// do; 6.12's did not, and its specs use underscores), a name outside it
// is a warning.
func (l *loader) name(o *object, kind string) string {
	s := o.str("name")
	if v := o.values["name"]; v != nil && v.Tag == "!!str" {
		if p := nameProblem(kind, s); p != "" {
			l.r.diag.errorf(o.posOf("name"), "%s", p)
			return s
		}
	}
	if s != "" && contains(l.keys.patternNames, kind) && !namePatternRE.MatchString(s) {
		l.r.diag.warnf(o.posOf("name"), "%s name %q does not match %s, which the 7.3 schema of protocol %s requires (lower-case letters, digits and dashes)",
			kind, s, namePattern, l.protocol)
	}
	return s
}

var namePatternRE = regexp.MustCompile(namePattern)

func (l *loader) group(n *yaml.Node) *McastGroup {
	o := l.r.object(n, "multicast group", l.keys.group, []string{"name"})
	g := &McastGroup{Pos: l.r.pos(n), Name: l.name(o, "multicast group"), CDefine: o.cPart("c-define-name")}
	g.Flags = o.enumList("flags", l.keys, func(k *keySets) []string { return k.opFlags })
	return g
}
