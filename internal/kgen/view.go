package kgen

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

// view is what the kernel templates print: every name, number and line
// decided here or in the model, so the templates hold no logic.
type view struct {
	F    *spec.Family
	Opts Options

	// Source is the spec's file name, for the DO NOT EDIT banners.
	Source string
	// File names.
	UAPIFile, NlHFile, NlCFile, MainFile string
	// UAPIInclude is how the generated code includes the uAPI header:
	// the copy beside it, or the kernel's own (see kernelOwnedUAPI).
	UAPIInclude string
	// FamilyDefines are the family name and version defines, for a
	// kernel-owned uAPI header that may lack them.
	FamilyDefines []define
	// Module is the module's name (Kbuild object): the family name when
	// Options.FamilyName gives one, so that it cannot clash with the
	// kernel's module of the spec's name; Objects are what it links.
	Module, Objects string
	NlGuard         string
	// Includes are the kernel-family headers the generated code needs.
	Includes []string

	UAPI uapiView

	Helpers    []*helper
	Nested     []*policy
	OpPolicies []*policy
	Ops        []*opsEntry
	OpsLayout  opsLayout
	OpsName    string
	// GlobalPolicy is the family-wide policy of kernel-policy global.
	GlobalPolicy *policy
	Handlers     []*handler
	Hooks        []*handler

	Groups      []group
	GroupsName  string
	Family      []string
	FamilyName  string
	FamilyIdent string
	SockPriv    *sockPriv
	Notify      []*notifyHelper

	Description string

	// HelperTypes, HelperProtos and HelperFuncs are the typed handler
	// helpers (helpers.go): struct declarations and prototypes for the
	// -nl.h, definitions for the -nl.c.
	HelperTypes, HelperProtos, HelperFuncs []string
	// HelperLimits name the spec's numeric length checks.
	HelperLimits []define

	pb *policyBuilder
}

// group is one multicast group: its index enum entry and its name.
type group struct {
	Index string
	Name  string
}

type sockPriv struct {
	Type                 string
	Init, Destroy        *handler
	InitTramp, DestTramp string
}

// notifyHelper sends one notification or event to its group.
type notifyHelper struct {
	PutDoc    []string
	SendDoc   []string
	PutHead   string
	PutBody   []string
	SendHead  string
	SendBody  []string
	Cmd       string
	GroupName string
}

func newView(f *spec.Family, opts Options) (*view, error) {
	v := &view{F: f, Opts: opts, pb: newPolicyBuilder(f)}
	v.Source = filepath.Base(f.Pos.File)
	if v.Source == "." || v.Source == "" {
		v.Source = f.Name + ".yaml"
	}
	v.Module = f.CName
	if opts.FamilyName != "" {
		v.Module = opts.FamilyName
	}
	v.UAPIFile = f.CName + ".h"
	v.UAPIInclude = `"` + v.UAPIFile + `"`
	if kernelOwnedUAPI[f.UAPIHeader] {
		v.UAPIInclude = "<" + f.UAPIHeader + ">"
	}
	v.NlHFile = f.CName + "-nl.h"
	v.NlCFile = f.CName + "-nl.c"
	v.MainFile = f.CName + "_main.c"
	v.Objects = f.CName + "-nl.o " + f.CName + "_main.o"
	if v.Module+".o" == f.CName+"-nl.o" || v.Module+".o" == f.CName+"_main.o" {
		return nil, fmt.Errorf("genlgen: kmod: family name %q names the module like one of its objects (%s)", v.Module, v.Objects)
	}
	v.NlGuard = "_" + cUpper(f.CName) + "_NL_H"
	v.Includes = f.KernelFamily.Headers
	v.Description = firstSentence(f.Doc, f.Name)

	v.buildUAPI()
	if kernelOwnedUAPI[f.UAPIHeader] {
		v.FamilyDefines = v.UAPI.Family
	}
	// Shared nested policies: every set reachable from a request.
	if err := v.buildOps(); err != nil {
		return nil, err
	}
	v.typeValuePolicies()
	v.pb.finishHelpers()
	v.Helpers = v.pb.helpers
	v.Nested = v.pb.nestedList
	v.OpsName = f.CName + "_nl_ops"
	v.FamilyIdent = f.CName + "_nl_family"
	v.buildGroups()
	v.buildFamily()
	v.buildHelpers()
	return v, nil
}

// kernelOwnedUAPI are the uAPI headers that <net/genetlink.h>, which
// every module includes, already pulls in from the kernel tree: nlctrl's
// linux/genetlink.h. A second copy beside the module would declare every
// enum again, which C refuses, and the build tree's copy is the one the
// running kernel was built with, so the module includes that one. The
// header genlgen writes stays the spec's, for user space; the uAPI tests
// hold both to the same names and values.
var kernelOwnedUAPI = map[string]bool{"linux/genetlink.h": true}

func firstSentence(doc, name string) string {
	s := strings.Join(strings.Fields(doc), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	if s == "" {
		s = "Generic netlink family " + name
	}
	s = strings.TrimSuffix(s, ".")
	if len(s) > 80 {
		s = "Generic netlink family " + name
	}
	return strings.ReplaceAll(s, `"`, `'`)
}

func (v *view) buildGroups() {
	f := v.F
	if len(f.McastGroups) == 0 {
		return
	}
	v.GroupsName = f.CName + "_nl_mcgrps"
	index := map[*spec.McastGroup]string{}
	for _, g := range f.McastGroups {
		idx := cUpper(f.CName + "_nlgrp_" + g.Name)
		index[g] = idx
		v.Groups = append(v.Groups, group{Index: idx, Name: g.CDefine})
	}
	for _, op := range f.Ops.List {
		if !op.IsAsync() || op.McastGroup == nil {
			continue
		}
		put := v.F.CName + "_nl_" + op.CIdent + "_put"
		send := v.F.CName + "_nl_" + op.CIdent + "_multicast"
		n := &notifyHelper{
			Cmd:       op.CName,
			GroupName: op.McastGroup.Name,
			PutHead:   proto("static inline void *", put, []string{"struct sk_buff *skb"}, ""),
			SendHead:  proto("static inline int", send, []string{"struct net *net", "struct sk_buff *skb", "gfp_t flags"}, ""),
		}
		n.PutDoc = comment("", "Starts a "+op.CName+" message in skb; returns its user header or NULL.", prefCols)
		n.SendDoc = comment("", "Sends a "+op.CName+" message to the listeners of the \""+op.McastGroup.Name+"\" group in net (use genl_info_net() or sock_net() of the request that caused it).", prefCols)
		n.PutBody = strings.Split(wrapParams("\treturn genlmsg_put(", []string{"skb", "0", "0", "&" + v.FamilyIdent, "0", op.CName}, ";"), "\n")
		n.SendBody = strings.Split(wrapParams("\treturn genlmsg_multicast_netns(", []string{"&" + v.FamilyIdent, "net", "skb", "0", index[op.McastGroup], "flags"}, ";"), "\n")
		v.Notify = append(v.Notify, n)
	}
}

func (v *view) buildFamily() {
	f := v.F
	name := f.CFamilyNameDefine
	if v.Opts.FamilyName != "" {
		name = strconv.Quote(v.Opts.FamilyName)
	}
	v.FamilyName = name
	netns := "true"
	if v.Opts.NoNetns {
		netns = "false"
	}
	fields := []field{{"name", name}, {"version", f.CVersionDefine}}
	if f.Ops.FixedHeader != nil {
		fields = append(fields, field{"hdrsize", "sizeof(struct " + f.Ops.FixedHeader.CName + ")"})
	}
	fields = append(fields,
		field{"netnsok", netns},
		field{"parallel_ops", "true"},
		field{"module", "THIS_MODULE"})
	if p := v.GlobalPolicy; p != nil {
		fields = append(fields,
			field{"policy", p.Name},
			field{"maxattr", p.MaxAttr})
	}
	if len(v.Ops) > 0 {
		fields = append(fields,
			field{v.OpsLayout.Field, v.OpsName},
			field{v.OpsLayout.Count, "ARRAY_SIZE(" + v.OpsName + ")"})
	}
	if len(v.Groups) > 0 {
		fields = append(fields,
			field{"mcgrps", v.GroupsName},
			field{"n_mcgrps", "ARRAY_SIZE(" + v.GroupsName + ")"})
	}
	if r := v.resvStartOp(); r != "" {
		fields = append(fields, field{"resv_start_op", r})
	}
	if t := f.KernelFamily.SockPriv; t != "" {
		sp := &sockPriv{Type: t}
		initName := f.CName + "_nl_sock_priv_init"
		destName := f.CName + "_nl_sock_priv_destroy"
		sp.Init = newHandler("void", initName, []string{t + " *priv"},
			comment("", "Initialises the per-socket private data ("+t+").", prefCols))
		sp.Destroy = newHandler("void", destName, []string{t + " *priv"},
			comment("", "Releases the per-socket private data ("+t+").", prefCols))
		sp.InitTramp = "__" + initName
		sp.DestTramp = "__" + destName
		v.SockPriv = sp
		fields = append(fields,
			field{"sock_priv_size", "sizeof(" + t + ")"},
			field{"sock_priv_init", sp.InitTramp},
			field{"sock_priv_destroy", sp.DestTramp})
	}
	v.Family = alignFields("\t", fields)
}

// resvStartOp is the first command the kernel validates strictly (the
// genlmsghdr reserved field, attributes without a policy rejected).
// genetlink.h asks new families to leave it at zero, which is what
// genetlink and genetlink-c specs get; genetlink-legacy specs describe
// existing families, and the kernel refuses GENL_DONT_VALIDATE_* on ops at
// or above it, so those get last command + 1 as the kernel's own
// converted families have.
func (v *view) resvStartOp() string {
	f := v.F
	need := f.Protocol == spec.ProtocolGenetlinkLegacy
	for _, op := range f.Ops.List {
		if len(op.DontValidate) > 0 {
			need = true
		}
	}
	if !need || len(v.Ops) == 0 {
		return ""
	}
	var last *spec.Op
	for _, op := range f.Ops.List {
		if op.IsAsync() || (op.Do == nil && op.Dump == nil) {
			continue
		}
		if last == nil || op.RequestValue > last.RequestValue {
			last = op
		}
	}
	return last.CName + " + 1"
}
