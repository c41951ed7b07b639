package parity

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The 7.3 comparison: for each genetlink spec of the Linux 7.3 corpus, the
// kernel's own generator's kernel-mode output (ynl_gen_c.py --mode kernel,
// <spec>-nl.[ch] as in the kernel tree) is built into a module with stub
// handlers, registered as family <spec>_yk, and loaded in the 6.12 guest
// beside genlgen's module of the same spec, registered as <spec>_g7. Their
// getfamily and getpolicy dumps must be identical. The kernel's generator is
// only run (by parity/cmd/paritymods, into build/); none of its code is in
// this repository.

// Suffixes of the 7.3 families' names.
const (
	SuffixYNL     = "_yk" // the kernel generator's module
	SuffixGenlgen = "_g7" // genlgen's module
)

// K73Name is the family (and module) name of a 7.3 spec's module: the spec
// name with '-' as '_', cut so that name and suffix fit GENL_NAMSIZ (15
// bytes and the NUL).
func K73Name(specName, suffix string) string {
	n := strings.ReplaceAll(specName, "-", "_")
	if max := 15 - len(suffix); len(n) > max {
		n = n[:max]
	}
	return n + suffix
}

// K73Spec is one 7.3 genetlink spec's entry in the status file that
// parity/cmd/paritymods writes (build/parity/k73.json) and the parity
// command reads: the two modules' names and, when one was not built, why.
type K73Spec struct {
	Spec string `json:"spec"`
	// YNL and Genlgen are the family names of the two modules.
	YNL     string `json:"ynl"`
	Genlgen string `json:"genlgen"`
	// YNLErr and GenlgenErr say why a module was not built ("" when it
	// was): the generator failed, or the module did not build against
	// the 6.12 tree (the first compiler or modpost error).
	YNLErr     string `json:"ynl-error,omitempty"`
	GenlgenErr string `json:"genlgen-error,omitempty"`

	// NotLoaded says why both modules built but are not loaded.
	NotLoaded string `json:"not-loaded,omitempty"`
	// SkipOps are the commands whose policies the guest does not dump
	// (policies are then dumped op by op), SkipOpNames their spec names
	// and SkipWhy the reason.
	SkipOps     []uint32 `json:"skip-ops,omitempty"`
	SkipOpNames []string `json:"skip-op-names,omitempty"`
	SkipWhy     string   `json:"skip-why,omitempty"`
}

// Built reports whether both modules were built.
func (s K73Spec) Built() bool { return s.YNLErr == "" && s.GenlgenErr == "" }

// Loaded reports whether both modules were built and are loaded.
func (s K73Spec) Loaded() bool { return s.Built() && s.NotLoaded == "" }

var reValidateFnInt = regexp.MustCompile(`\[(\w+)\]\s*=\s*NLA_POLICY_VALIDATE_FN\(NLA_(?:U8|U16|U32|U64|UINT|MSECS|S8|S16|S32|S64|SINT),`)

var (
	rePolicyArray = regexp.MustCompile(`(?ms)^(?:static )?const struct nla_policy\s+(\w+)\[[^\]]*\]\s*=\s*\{\n(.*?)^\};`)
	reNestedRef   = regexp.MustCompile(`NLA_POLICY_NESTED(?:_ARRAY)?\((\w+)\)`)
	reOpsArray    = regexp.MustCompile(`(?ms)^(?:static )?const struct genl_(?:split_|small_)?ops\s+\w+\[[^\]]*\]\s*=\s*\{\n(.*?)^\};`)
	reOpEntry     = regexp.MustCompile(`(?s)\{([^{}]*)\}`)
	reOpCmd       = regexp.MustCompile(`\.cmd\s*=\s*(\w+)`)
	reOpPolicy    = regexp.MustCompile(`\.policy\s*=\s*(\w+)`)
)

// OpsReaching lists the commands (their C names, sorted) of a generated
// module's source whose request policy reaches, directly or through
// nested policies, one of attrs (C names of attribute enum entries).
func OpsReaching(src []byte, attrs []string) []string {
	type policy struct {
		bad  bool
		refs []string
	}
	pols := map[string]*policy{}
	for _, m := range rePolicyArray.FindAllSubmatch(src, -1) {
		p := &policy{}
		body := m[2]
		for _, e := range reValidateFnInt.FindAllSubmatch(body, -1) {
			if slices.Contains(attrs, string(e[1])) {
				p.bad = true
			}
		}
		for _, r := range reNestedRef.FindAllSubmatch(body, -1) {
			p.refs = append(p.refs, string(r[1]))
		}
		pols[string(m[1])] = p
	}
	// Spread badness to the policies that nest a bad one.
	for changed := true; changed; {
		changed = false
		for _, p := range pols {
			if p.bad {
				continue
			}
			for _, r := range p.refs {
				if q := pols[r]; q != nil && q.bad {
					p.bad, changed = true, true
					break
				}
			}
		}
	}
	var cmds []string
	for _, ops := range reOpsArray.FindAllSubmatch(src, -1) {
		for _, e := range reOpEntry.FindAllSubmatch(ops[1], -1) {
			cmd, pol := reOpCmd.FindSubmatch(e[1]), reOpPolicy.FindSubmatch(e[1])
			if cmd == nil || pol == nil {
				continue
			}
			if p := pols[string(pol[1])]; p != nil && p.bad && !slices.Contains(cmds, string(cmd[1])) {
				cmds = append(cmds, string(cmd[1]))
			}
		}
	}
	slices.Sort(cmds)
	return cmds
}

// FunctionValidatedInts lists the attributes of a module's C source whose
// policy is an integer validated by a function (NLA_POLICY_VALIDATE_FN, as
// both generators write for a sparse enum). 6.12's policy dump cannot
// describe them: netlink_policy_dump_write_attr reads the function pointer
// as an s16 range, which WARNs (lib/nlattr.c, nla_get_range_unsigned) and
// dumps bits of the pointer as limits.
func FunctionValidatedInts(src []byte) []string {
	var names []string
	for _, m := range reValidateFnInt.FindAllSubmatch(src, -1) {
		if n := string(m[1]); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// YNLRegisterMarker starts the console line a kernel generator's module
// prints when genl_register_family fails (the module then stays loaded
// without its family, so that one spec does not stop the whole run).
const YNLRegisterMarker = "GENLGEN-PARITY-YK-REGISTER "

// YNLInput is the kernel generator's output for one spec, and the spec.
type YNLInput struct {
	// Spec is the spec file's text.
	Spec []byte
	// Source and Header are <spec>-nl.c and <spec>-nl.h (--mode kernel
	// --source / --header); UAPI is --mode uapi --header.
	Source, Header, UAPI []byte
	// Base is the generated files' base name: Source is Base.c and
	// includes "Base.h".
	Base string
	// Name is the family name to register instead of the spec's.
	Name string
}

// YNLModule is the module source built around a YNLInput.
type YNLModule struct {
	// UAPIPath is where the uAPI header goes under include/, as the
	// generated code includes it ("uapi/linux/netdev.h"); the Kbuild file
	// puts that include/ first on the include path, before the 6.12
	// tree's own uAPI headers.
	UAPIPath string
	// UAPI is the uAPI header with the family name define changed to
	// Name.
	UAPI []byte
	// Main is Name.c: it includes Base.c (one translation unit, so that
	// the generated static ops and multicast groups can be used) and
	// adds the handler stubs, the family struct when the generator does
	// not write one (it writes it only for protocol genetlink), and
	// module init and exit.
	Main []byte
	// Stubs lists the functions stubbed.
	Stubs []string
}

type ynlSpec struct {
	Name         string `yaml:"name"`
	Protocol     string `yaml:"protocol"`
	CVersionName string `yaml:"c-version-name"`
	Version      int    `yaml:"version"`
	Operations   struct {
		FixedHeader string `yaml:"fixed-header"`
	} `yaml:"operations"`
}

var (
	reUAPIInclude = regexp.MustCompile(`(?m)^#include <(uapi/[^>]+)>`)
	rePrototype   = regexp.MustCompile(`(?m)^(int|void)\s+(\w+)\(([^;{}]*)\);`)
	reOpsRef      = regexp.MustCompile(`\.(?:doit|dumpit|pre_doit|post_doit|start|done)\s*=\s*(\w+),`)
	reFamilyVar   = regexp.MustCompile(`(?m)^extern struct genl_family (\w+);`)
	reOps         = regexp.MustCompile(`(?m)^(?:static )?const struct (genl_split_ops|genl_small_ops|genl_ops) (\w+)\[`)
	reMcgrps      = regexp.MustCompile(`(?m)^(?:static )?const struct genl_multicast_group (\w+)\[`)
)

// UAPIInclude returns the uAPI header the kernel generator's source
// includes, "uapi/linux/netdev.h".
func UAPIInclude(source []byte) (string, error) {
	inc := reUAPIInclude.FindSubmatch(source)
	if inc == nil {
		return "", fmt.Errorf("the generated source includes no uapi/ header")
	}
	return string(inc[1]), nil
}

// cUpper is the generator's C name of a spec name: upper case, '-' as '_'.
func cUpper(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }

// BuildYNLModule writes the module around the kernel generator's output.
func BuildYNLModule(in YNLInput) (*YNLModule, error) {
	sp := ynlSpec{Version: 1}
	if err := yaml.Unmarshal(in.Spec, &sp); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	if sp.Name == "" {
		return nil, fmt.Errorf("spec has no name")
	}
	m := &YNLModule{}
	var err error
	if m.UAPIPath, err = UAPIInclude(in.Source); err != nil {
		return nil, err
	}

	// The family name define: the one whose value is the spec's name
	// (c-family-name, or <name>-family-name, in a generated header).
	reName := regexp.MustCompile(`(?m)^(#define[ \t]+(\w+)[ \t]+)"` + regexp.QuoteMeta(sp.Name) + `"`)
	nameKey := strconv.Quote(in.Name)
	m.UAPI = in.UAPI
	if def := reName.FindSubmatch(in.UAPI); def != nil {
		nameKey = string(def[2])
		m.UAPI = reName.ReplaceAll(in.UAPI, []byte(`${1}"`+in.Name+`"`))
	}
	// The version: the generator's define when the header has it, else
	// the spec's version.
	verKey := sp.CVersionName
	if verKey == "" {
		verKey = sp.Name + "-family-version"
	}
	verKey = cUpper(verKey)
	if !regexp.MustCompile(`(?m)^#define[ \t]+` + verKey + `\b`).Match(m.UAPI) {
		verKey = fmt.Sprint(sp.Version)
	}

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("// SPDX-License-Identifier: GPL-2.0")
	p("/*")
	p(" * Written by parity/cmd/paritymods: the kernel's YNL generator's kernel")
	p(" * code for %s, registered as family %q, with stub handlers.", sp.Name, in.Name)
	p(" */")
	p("")
	p("#include <linux/module.h>")
	p("")
	p("#include %q", in.Base+".c")
	p("")
	for _, proto := range rePrototype.FindAllSubmatch(in.Header, -1) {
		ret, name := string(proto[1]), string(proto[2])
		m.Stubs = append(m.Stubs, name)
		p("%s %s(%s)", ret, name, proto[3])
		p("{")
		if ret == "int" {
			p("\treturn -EOPNOTSUPP;")
		}
		p("}")
		p("")
	}
	for _, ref := range reOpsRef.FindAllSubmatch(in.Source, -1) {
		if !slices.Contains(m.Stubs, string(ref[1])) {
			return nil, fmt.Errorf("the ops table references %s, which %s.h does not declare", ref[1], in.Base)
		}
	}

	family := ""
	harness, sorted := false, false
	if fv := reFamilyVar.FindSubmatch(in.Header); fv != nil {
		family = string(fv[1])
		if bytes.Equal(m.UAPI, in.UAPI) {
			return nil, fmt.Errorf("uAPI header %s defines no family name %q to rename", m.UAPIPath, sp.Name)
		}
	} else {
		// protocol genetlink-legacy: the kernel's family struct is
		// hand-written (its name a literal when the uAPI header has
		// no define of it, as nlctrl's). This one sets what the generator sets for
		// protocol genetlink, plus the fixed header's size, the global
		// policy of small ops, and resv_start_op (in init) past the
		// last op, as the kernel's hand-written structs do.
		harness = true
		family = "parity_yk_family"
		ops := reOps.FindSubmatch(in.Source)
		if ops == nil {
			return nil, fmt.Errorf("%s.c has no ops table", in.Base)
		}
		kind, opsName := string(ops[1]), string(ops[2])
		if kind == "genl_split_ops" {
			// The generator keeps the spec's op order; the kernel
			// wants split ops sorted by command (genl_validate_ops
			// WARNs otherwise: ovs_datapath, ovs_flow). Sorting
			// them (stably, a do stays before its dump) changes
			// nothing nlctrl reports.
			p("static struct genl_split_ops parity_yk_ops[ARRAY_SIZE(%s)];", opsName)
			p("")
			p("static void parity_yk_sort_ops(void)")
			p("{")
			p("\tunsigned int i, j;")
			p("")
			p("\tmemcpy(parity_yk_ops, %s, sizeof(parity_yk_ops));", opsName)
			p("\tfor (i = 1; i < ARRAY_SIZE(parity_yk_ops); i++) {")
			p("\t\tstruct genl_split_ops op = parity_yk_ops[i];")
			p("")
			p("\t\tfor (j = i; j > 0 && parity_yk_ops[j - 1].cmd > op.cmd; j--)")
			p("\t\t\tparity_yk_ops[j] = parity_yk_ops[j - 1];")
			p("\t\tparity_yk_ops[j] = op;")
			p("\t}")
			p("}")
			p("")
			sorted = true
		}
		p("static struct genl_family %s = {", family)
		p("\t.name\t\t= %s,", nameKey)
		p("\t.version\t= %s,", verKey)
		if sp.Operations.FixedHeader != "" {
			p("\t.hdrsize\t= sizeof(struct %s),", strings.ReplaceAll(sp.Operations.FixedHeader, "-", "_"))
		}
		p("\t.netnsok\t= true,")
		p("\t.parallel_ops\t= true,")
		p("\t.module\t\t= THIS_MODULE,")
		switch kind {
		case "genl_split_ops":
			p("\t.split_ops\t= parity_yk_ops,")
			p("\t.n_split_ops\t= ARRAY_SIZE(parity_yk_ops),")
		case "genl_small_ops":
			p("\t.small_ops\t= %s,", opsName)
			p("\t.n_small_ops\t= ARRAY_SIZE(%s),", opsName)
		case "genl_ops":
			p("\t.ops\t\t= %s,", opsName)
			p("\t.n_ops\t\t= ARRAY_SIZE(%s),", opsName)
		}
		if kind != "genl_split_ops" {
			pol := strings.TrimSuffix(opsName, "_ops") + "_policy"
			if bytes.Contains(in.Source, []byte("struct nla_policy "+pol+"[")) {
				p("\t.policy\t\t= %s,", pol)
				p("\t.maxattr\t= ARRAY_SIZE(%s) - 1,", pol)
			}
		}
		if g := reMcgrps.FindSubmatch(in.Source); g != nil {
			p("\t.mcgrps\t\t= %s,", g[1])
			p("\t.n_mcgrps\t= ARRAY_SIZE(%s),", g[1])
		}
		p("};")
		p("")
		p("static void parity_yk_resv_start_op(void)")
		p("{")
		p("\tunsigned int i;")
		p("")
		p("\tfor (i = 0; i < ARRAY_SIZE(%s); i++)", opsName)
		p("\t\tif (%s[i].cmd >= %s.resv_start_op)", opsName, family)
		p("\t\t\t%s.resv_start_op = %s[i].cmd + 1;", family, opsName)
		p("}")
		p("")
	}
	p("static bool parity_yk_registered;")
	p("")
	p("static int __init parity_yk_init(void)")
	p("{")
	p("\tint err;")
	p("")
	if sorted {
		p("\tparity_yk_sort_ops();")
	}
	if harness {
		p("\tparity_yk_resv_start_op();")
	}
	p("\terr = genl_register_family(&%s);", family)
	p("\tif (err) {")
	p("\t\tpr_err(%q, err);", YNLRegisterMarker+in.Name+" %d\n")
	p("\t\treturn 0;")
	p("\t}")
	p("\tparity_yk_registered = true;")
	p("\treturn 0;")
	p("}")
	p("")
	p("static void __exit parity_yk_exit(void)")
	p("{")
	p("\tif (parity_yk_registered)")
	p("\t\tgenl_unregister_family(&%s);", family)
	p("}")
	p("")
	p("module_init(parity_yk_init);")
	p("module_exit(parity_yk_exit);")
	p("MODULE_LICENSE(\"GPL\");")
	p("MODULE_DESCRIPTION(%q);", "YNL generator's "+sp.Name+" family (parity test)")
	m.Main = b.Bytes()
	slices.Sort(m.Stubs)
	return m, nil
}

// YNLKbuild is the Kbuild file of a kernel generator's module in dir (an
// absolute path): one object, Name.c, with dir/include searched before the
// kernel tree's headers so that the 7.3 uAPI headers win. Unused static
// functions only warn: the generator writes a validation function for
// every attribute of a sparse enum, also those whose policy it then makes
// a mask (ethtool's rxfh-fields), and W=1's -Werror would stop the oracle
// on that.
func YNLKbuild(dir, name string) []byte {
	return []byte(fmt.Sprintf("# Written by parity/cmd/paritymods.\nNOSTDINC_FLAGS += -I%s/include\nccflags-y += -Wno-error=unused-function\nobj-m += %s.o\n", dir, name))
}
