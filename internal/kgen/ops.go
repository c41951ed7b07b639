package kgen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// opsLayout is how a family registers its ops, by kernel-policy: the
// struct of the ops table and the genl_family fields pointing to it.
type opsLayout struct {
	Struct, Field, Count string
	// PerMode: one entry per do and per dump (split ops); otherwise one
	// entry per command.
	PerMode bool
}

var layouts = map[spec.KernelPolicy]opsLayout{
	// One family-wide policy, given to the family; the entries have no
	// policy and no hooks.
	spec.PolicyGlobal: {Struct: "genl_small_ops", Field: "small_ops", Count: "n_small_ops"},
	// One policy per command, shared by its do and dump.
	spec.PolicyPerOp: {Struct: "genl_ops", Field: "ops", Count: "n_ops"},
	spec.PolicySplit: {Struct: "genl_split_ops", Field: "split_ops", Count: "n_split_ops", PerMode: true},
}

// opsEntry is one entry of the ops table.
type opsEntry struct {
	Cond string
	// Open and Close tell where an #ifdef Cond block starts and ends, so
	// consecutive entries under one symbol share it.
	Open, Close bool
	Fields      []string
	value       uint64
	dump        bool
}

// hook kinds: the callback slot names of struct genl_split_ops (struct
// genl_ops has start and done only, struct genl_small_ops none).
const (
	hookPreDoit  = "pre_doit"
	hookPostDoit = "post_doit"
	hookStart    = "start"
	hookDone     = "done"
)

// hookParams are the parameters and return type of each hook kind.
var hookSig = map[string]struct {
	ret    string
	params []string
}{
	hookPreDoit:  {"int", []string{"const struct genl_split_ops *ops", "struct sk_buff *skb", "struct genl_info *info"}},
	hookPostDoit: {"void", []string{"const struct genl_split_ops *ops", "struct sk_buff *skb", "struct genl_info *info"}},
	hookStart:    {"int", []string{"struct netlink_callback *cb"}},
	hookDone:     {"int", []string{"struct netlink_callback *cb"}},
}

var (
	doitParams   = []string{"struct sk_buff *skb", "struct genl_info *info"}
	dumpitParams = []string{"struct sk_buff *skb", "struct netlink_callback *cb"}
)

// handler is one function the ops table references: a doit, a dumpit or
// a hook. The user-owned file defines it; the -nl.h declares it.
type handler struct {
	Name string
	Ret  string
	// Proto is the declaration (with ";"); Head the definition's first
	// line(s).
	Proto string
	Head  string
	// Doc are comment lines describing what the handler gets and returns.
	Doc []string
	// Body are the stub's statements.
	Body []string
}

func newHandler(ret, name string, params []string, doc []string, body ...string) *handler {
	return &handler{
		Name:  name,
		Ret:   ret,
		Proto: proto(ret, name, params, ";"),
		Head:  proto(ret, name, params, ""),
		Doc:   doc,
		Body:  body,
	}
}

// cond is the CONFIG_ symbol of an op's config-cond.
func cond(op *spec.Op) string {
	if op.ConfigCond == "" {
		return ""
	}
	return "CONFIG_" + strings.ToUpper(strings.ReplaceAll(op.ConfigCond, "-", "_"))
}

// cIdent is the lower-case C identifier stem of the family.
func (v *view) fnName(op *spec.Op, suffix string) string {
	return v.F.CName + "_nl_" + op.CIdent + "_" + suffix
}

func attrNames(attrs []*spec.Attr) string {
	if len(attrs) == 0 {
		return "none"
	}
	var names []string
	for _, a := range attrs {
		names = append(names, a.CName)
	}
	return strings.Join(names, ", ")
}

// message returns a mode's request or reply attributes.
func msgAttrs(m *spec.Message) []*spec.Attr {
	if m == nil {
		return nil
	}
	return m.Attrs
}

// buildOps fills the ops table, the policies it points to, the handlers
// and the hooks.
func (v *view) buildOps() error {
	f := v.F
	b := v.pb
	var global *policy
	if f.KernelPolicy == spec.PolicyGlobal {
		var set *spec.AttrSet
		var attrs []*spec.Attr
		seen := map[*spec.Attr]bool{}
		for _, op := range f.Ops.List {
			if op.IsAsync() || op.AttrSet == nil || (op.Do == nil && op.Dump == nil) {
				continue
			}
			if set == nil {
				set = op.AttrSet
			}
			if op.AttrSet != set {
				return fmt.Errorf("genlgen: kmod: kernel-policy global needs every operation to use one attribute set; %q uses %q, not %q", op.Name, op.AttrSet.Name, set.Name)
			}
			for _, m := range []*spec.OpMode{op.Do, op.Dump} {
				if m == nil || m.Request == nil {
					continue
				}
				for _, a := range m.Request.Attrs {
					if !seen[a] {
						seen[a] = true
						attrs = append(attrs, a)
					}
				}
			}
		}
		global = b.opPolicy(f.CName+"_nl_policy", "Global policy of "+f.Name, "", attrs)
		v.addOpPolicy(global)
		v.GlobalPolicy = global
	}

	hooks := map[string]string{}
	var hookOrder []string
	addHook := func(kind, name string) error {
		if name == "" {
			return nil
		}
		name = strings.ToLower(strings.ReplaceAll(name, "-", "_"))
		if k, ok := hooks[name]; ok {
			if hookSig[k].ret != hookSig[kind].ret || strings.Join(hookSig[k].params, ",") != strings.Join(hookSig[kind].params, ",") {
				return fmt.Errorf("genlgen: kmod: hook %s is used both as %s and as %s, which have different signatures", name, k, kind)
			}
			return nil
		}
		hooks[name] = kind
		hookOrder = append(hookOrder, name)
		return nil
	}

	layout := layouts[f.KernelPolicy]
	var ops []*opsEntry
	for _, op := range f.Ops.List {
		if op.IsAsync() || (op.Do == nil && op.Dump == nil) {
			continue
		}
		c := cond(op)
		if !layout.PerMode {
			// global: the family carries the policy, the entries none.
			var pol *policy
			if f.KernelPolicy == spec.PolicyPerOp {
				pol = b.opPolicy(f.CName+"_"+op.CIdent+"_nl_policy", op.CName, c, unionRequests(op))
				v.addOpPolicy(pol)
			}
			e, err := v.cmdEntry(op, layout, pol, addHook)
			if err != nil {
				return err
			}
			e.Cond = c
			ops = append(ops, e)
			continue
		}
		doPol, dumpPol := v.splitPolicies(op, c)
		for _, mode := range []struct {
			m    *spec.OpMode
			dump bool
			pol  *policy
		}{{op.Do, false, doPol}, {op.Dump, true, dumpPol}} {
			if mode.m == nil {
				continue
			}
			e, err := v.splitEntry(op, mode.m, mode.dump, mode.pol, addHook)
			if err != nil {
				return err
			}
			e.Cond = c
			ops = append(ops, e)
		}
	}
	// The kernel wants split ops sorted by command, do before dump; the
	// other tables follow the same order.
	sort.SliceStable(ops, func(i, j int) bool {
		if ops[i].value != ops[j].value {
			return ops[i].value < ops[j].value
		}
		return !ops[i].dump && ops[j].dump
	})
	for i, so := range ops {
		so.Open = so.Cond != "" && (i == 0 || ops[i-1].Cond != so.Cond)
		so.Close = so.Cond != "" && (i == len(ops)-1 || ops[i+1].Cond != so.Cond)
	}
	v.Ops = ops
	v.OpsLayout = layout
	for _, name := range hookOrder {
		kind := hooks[name]
		sig := hookSig[kind]
		var body []string
		switch kind {
		case hookPostDoit:
		case hookDone:
			body = []string{"return 0;"}
		default:
			body = []string{"return -EOPNOTSUPP;"}
		}
		doc := comment("", fmt.Sprintf("%s hook (struct genl_split_ops .%s).", name, kind), prefCols)
		v.Hooks = append(v.Hooks, newHandler(sig.ret, name, sig.params, doc, body...))
	}
	return nil
}

// unionRequests lists the attributes of an op's do and dump requests.
func unionRequests(op *spec.Op) []*spec.Attr {
	var out []*spec.Attr
	seen := map[*spec.Attr]bool{}
	for _, m := range []*spec.OpMode{op.Do, op.Dump} {
		if m == nil || m.Request == nil {
			continue
		}
		for _, a := range m.Request.Attrs {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

func sameAttrs(a, b []*spec.Attr) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[*spec.Attr]bool{}
	for _, x := range a {
		in[x] = true
	}
	for _, x := range b {
		if !in[x] {
			return false
		}
	}
	return true
}

// splitPolicies builds the do and dump tables of an op under the split
// layout: one table when both modes take the same attributes.
func (v *view) splitPolicies(op *spec.Op, c string) (doPol, dumpPol *policy) {
	b := v.pb
	base := v.F.CName + "_" + op.CIdent
	var doReq, dumpReq []*spec.Attr
	hasDo := op.Do != nil && op.Do.Request != nil && len(op.Do.Request.Attrs) > 0
	hasDump := op.Dump != nil && op.Dump.Request != nil && len(op.Dump.Request.Attrs) > 0
	if hasDo {
		doReq = op.Do.Request.Attrs
	}
	if hasDump {
		dumpReq = op.Dump.Request.Attrs
	}
	switch {
	case hasDo && hasDump && sameAttrs(doReq, dumpReq):
		p := b.opPolicy(base+"_nl_policy", op.CName+" - do and dump", c, doReq)
		v.addOpPolicy(p)
		return p, p
	case hasDo && hasDump:
		doPol = b.opPolicy(base+"_do_nl_policy", op.CName+" - do", c, doReq)
		dumpPol = b.opPolicy(base+"_dump_nl_policy", op.CName+" - dump", c, dumpReq)
	case hasDo:
		doPol = b.opPolicy(base+"_nl_policy", op.CName+" - do", c, doReq)
	case hasDump:
		dumpPol = b.opPolicy(base+"_nl_policy", op.CName+" - dump", c, dumpReq)
	}
	v.addOpPolicy(doPol)
	v.addOpPolicy(dumpPol)
	return doPol, dumpPol
}

func (v *view) addOpPolicy(p *policy) {
	if p != nil {
		v.OpPolicies = append(v.OpPolicies, p)
	}
}

// splitEntry renders one genl_split_ops entry (one mode of op) and
// records its handler.
func (v *view) splitEntry(op *spec.Op, m *spec.OpMode, dump bool, pol *policy, addHook func(kind, name string) error) (*opsEntry, error) {
	fields := []field{{"cmd", op.CName}}
	var dv []string
	for _, x := range op.DontValidate {
		if !dump && (x == "dump" || x == "dump-strict") || dump && x == "strict" {
			continue
		}
		dv = append(dv, "GENL_DONT_VALIDATE_"+cUpper(x))
	}
	if len(dv) > 0 {
		fields = append(fields, field{"validate", strings.Join(dv, " | ")})
	}
	capFlag := "GENL_CMD_CAP_DO"
	if dump {
		capFlag = "GENL_CMD_CAP_DUMP"
	}
	fields, err := v.modeFields(fields, op, m, dump, true, addHook)
	if err != nil {
		return nil, err
	}
	if pol != nil {
		fields = append(fields, field{"policy", pol.Name}, field{"maxattr", pol.MaxAttr})
	}
	flags := append(opFlags(op), capFlag)
	fields = append(fields, field{"flags", strings.Join(flags, " | ")})
	return &opsEntry{Fields: alignFields("\t\t", fields), value: cmdValue(op), dump: dump}, nil
}

// cmdEntry renders one genl_small_ops or genl_ops entry (both modes of
// op) and records its handlers. The kernel adds the GENL_CMD_CAP_* flags
// and drops the policy of a dump marked GENL_DONT_VALIDATE_DUMP itself.
func (v *view) cmdEntry(op *spec.Op, layout opsLayout, pol *policy, addHook func(kind, name string) error) (*opsEntry, error) {
	fields := []field{{"cmd", op.CName}}
	var dv []string
	for _, x := range op.DontValidate {
		dv = append(dv, "GENL_DONT_VALIDATE_"+cUpper(x))
	}
	if len(dv) > 0 {
		fields = append(fields, field{"validate", strings.Join(dv, " | ")})
	}
	// struct genl_ops has a dump's start and done; neither struct has a
	// doit's pre_doit and post_doit, which the family holds for all ops.
	hooks := map[string]bool{hookStart: layout.Struct == "genl_ops", hookDone: layout.Struct == "genl_ops"}
	for _, mode := range []struct {
		m    *spec.OpMode
		dump bool
	}{{op.Do, false}, {op.Dump, true}} {
		if mode.m == nil {
			continue
		}
		pre, post := hookPreDoit, hookPostDoit
		if mode.dump {
			pre, post = hookStart, hookDone
		}
		for _, h := range []struct{ kind, name string }{{pre, mode.m.Pre}, {post, mode.m.Post}} {
			if h.name != "" && !hooks[h.kind] {
				return nil, fmt.Errorf("genlgen: kmod: operation %q: struct %s has no %s hook (kernel-policy %s); use kernel-policy split", op.Name, layout.Struct, h.kind, v.F.KernelPolicy)
			}
		}
		var err error
		if fields, err = v.modeFields(fields, op, mode.m, mode.dump, hooks[pre], addHook); err != nil {
			return nil, err
		}
	}
	if pol != nil {
		fields = append(fields, field{"policy", pol.Name}, field{"maxattr", pol.MaxAttr})
	}
	if flags := opFlags(op); len(flags) > 0 {
		fields = append(fields, field{"flags", strings.Join(flags, " | ")})
	}
	return &opsEntry{Fields: alignFields("\t\t", fields), value: cmdValue(op)}, nil
}

// modeFields appends the callbacks of one mode of op (its hooks when
// withHooks, and its doit or dumpit) and records the stub handler.
func (v *view) modeFields(fields []field, op *spec.Op, m *spec.OpMode, dump, withHooks bool, addHook func(kind, name string) error) ([]field, error) {
	preKind, postKind, fnKind := hookPreDoit, hookPostDoit, "doit"
	mode, params := "do", doitParams
	if dump {
		preKind, postKind, fnKind = hookStart, hookDone, "dumpit"
		mode, params = "dump", dumpitParams
	}
	fn := v.fnName(op, fnKind)
	if withHooks {
		if err := addHook(preKind, m.Pre); err != nil {
			return nil, err
		}
		if err := addHook(postKind, m.Post); err != nil {
			return nil, err
		}
		if m.Pre != "" {
			fields = append(fields, field{preKind, cLower(m.Pre)})
		}
	}
	fields = append(fields, field{fnKind, fn})
	if withHooks && m.Post != "" {
		fields = append(fields, field{postKind, cLower(m.Post)})
	}
	// The stub's description: what arrives and what the spec replies.
	doc := comment("", fmt.Sprintf("%s (%s). Request: %s. Reply: %s.", op.CName, mode,
		attrNames(msgAttrs(m.Request)), attrNames(msgAttrs(m.Reply))), prefCols)
	v.Handlers = append(v.Handlers, newHandler("int", fn, params, doc, "return -EOPNOTSUPP;"))
	return fields, nil
}

// opFlags are the GENL_* flags the spec gives op.
func opFlags(op *spec.Op) []string {
	var flags []string
	for _, fl := range op.Flags {
		flags = append(flags, "GENL_"+cUpper(fl))
	}
	return flags
}

// cmdValue is the command number of op's requests.
func cmdValue(op *spec.Op) uint64 {
	if !op.HasRequestValue {
		return op.Value
	}
	return op.RequestValue
}

func cUpper(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }
func cLower(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "_")) }
