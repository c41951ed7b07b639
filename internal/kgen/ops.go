package kgen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// splitOp is one entry of the genl_split_ops table.
type splitOp struct {
	Cond string
	// Open and Close tell where an #ifdef Cond block starts and ends, so
	// consecutive entries under one symbol share it.
	Open, Close bool
	Fields      []string
	value       uint64
	dump        bool
}

// hook kinds: the callback slot names of struct genl_split_ops.
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
		if global != nil {
			v.OpPolicies = append(v.OpPolicies, global)
		}
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

	var ops []*splitOp
	for _, op := range f.Ops.List {
		if op.IsAsync() || (op.Do == nil && op.Dump == nil) {
			continue
		}
		c := cond(op)
		var perOp *policy
		if f.KernelPolicy == spec.PolicyPerOp {
			perOp = b.opPolicy(f.CName+"_"+op.CIdent+"_nl_policy", op.CName, c, unionRequests(op))
			if perOp != nil {
				v.OpPolicies = append(v.OpPolicies, perOp)
			}
		}
		var doPol, dumpPol *policy
		if f.KernelPolicy == spec.PolicySplit {
			doPol, dumpPol = v.splitPolicies(op, c)
		}
		for _, mode := range []struct {
			m    *spec.OpMode
			dump bool
			pol  *policy
		}{{op.Do, false, doPol}, {op.Dump, true, dumpPol}} {
			if mode.m == nil {
				continue
			}
			pol := mode.pol
			switch f.KernelPolicy {
			case spec.PolicyGlobal:
				pol = global
			case spec.PolicyPerOp:
				pol = perOp
			}
			so, err := v.splitOp(op, mode.m, mode.dump, pol, addHook)
			if err != nil {
				return err
			}
			so.Cond = c
			ops = append(ops, so)
		}
	}
	// The kernel wants the table sorted by command, do before dump.
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

// splitOp renders one genl_split_ops entry and records its handler.
func (v *view) splitOp(op *spec.Op, m *spec.OpMode, dump bool, pol *policy, addHook func(kind, name string) error) (*splitOp, error) {
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
	preKind, postKind, fnKind, capFlag := hookPreDoit, hookPostDoit, "doit", "GENL_CMD_CAP_DO"
	if dump {
		preKind, postKind, fnKind, capFlag = hookStart, hookDone, "dumpit", "GENL_CMD_CAP_DUMP"
	}
	if err := addHook(preKind, m.Pre); err != nil {
		return nil, err
	}
	if err := addHook(postKind, m.Post); err != nil {
		return nil, err
	}
	if m.Pre != "" {
		fields = append(fields, field{preKind, cLower(m.Pre)})
	}
	fn := v.fnName(op, fnKind)
	fields = append(fields, field{fnKind, fn})
	if m.Post != "" {
		fields = append(fields, field{postKind, cLower(m.Post)})
	}
	if pol != nil {
		fields = append(fields, field{"policy", pol.Name}, field{"maxattr", pol.MaxAttr})
	}
	var flags []string
	for _, fl := range op.Flags {
		flags = append(flags, "GENL_"+cUpper(fl))
	}
	flags = append(flags, capFlag)
	fields = append(fields, field{"flags", strings.Join(flags, " | ")})

	// The stub's description: what arrives and what the spec replies.
	mode := "do"
	params := doitParams
	if dump {
		mode, params = "dump", dumpitParams
	}
	doc := comment("", fmt.Sprintf("%s (%s). Request: %s. Reply: %s.", op.CName, mode,
		attrNames(msgAttrs(m.Request)), attrNames(msgAttrs(m.Reply))), prefCols)
	h := newHandler("int", fn, params, doc, "return -EOPNOTSUPP;")
	v.Handlers = append(v.Handlers, h)

	value := op.RequestValue
	if !op.HasRequestValue {
		value = op.Value
	}
	return &splitOp{Fields: alignFields("\t\t", fields), value: value, dump: dump}, nil
}

func cUpper(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }
func cLower(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "_")) }
