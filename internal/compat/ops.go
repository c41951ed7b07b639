package compat

import (
	"fmt"
	"slices"
	"strings"

	"github.com/genlgen/genlgen/spec"
)

func opWhat(op *spec.Op) string {
	if op.IsAsync() {
		return fmt.Sprintf("notification %q", op.Name)
	}
	return fmt.Sprintf("operation %q", op.Name)
}

// opKey is what identifies an operation across a rename: its kind and
// numbers.
func opKey(op *spec.Op) (string, bool) {
	return fmt.Sprintf("%v %v:%d %v:%d", op.IsAsync(), op.HasRequestValue, op.RequestValue, op.HasReplyValue, op.ReplyValue), true
}

// numbers spells an operation's command numbers.
func numbers(f *spec.Family, op *spec.Op) string {
	if !f.Ops.Directional() {
		return fmt.Sprintf("command %d", op.Value)
	}
	var s []string
	if op.HasRequestValue {
		s = append(s, fmt.Sprintf("request %d", op.RequestValue))
	}
	if op.HasReplyValue {
		s = append(s, fmt.Sprintf("reply %d", op.ReplyValue))
	}
	return strings.Join(s, ", ")
}

// operations compares the operation list: numbers in each direction,
// modes, message attributes, privileges and groups.
func (c *comparer) operations() {
	o, n := &c.old.Ops, &c.new.Ops
	if o.EnumModel != n.EnumModel {
		c.compatible("enum-model", o.Pos, n.Pos, "operations: enum-model %s is now %s (each command's numbers are compared below)", o.EnumModel, n.EnumModel)
	}
	c.fixedHeader("operations", o.FixedHeader, n.FixedHeader, o.Pos, n.Pos)
	c.cname("operations", "enum tag", o.EnumName, n.EnumName, o.Pos, n.Pos)
	c.cname("operations", "notification enum tag", o.AsyncEnumName, n.AsyncEnumName, o.Pos, n.Pos)
	c.cname("operations", "max name", o.CmdMaxName, n.CmdMaxName, o.Pos, n.Pos)
	if o.Directional() && n.Directional() {
		c.cname("operations", "reply max name", o.ReplyMaxName, n.ReplyMaxName, o.Pos, n.Pos)
	}
	pairs, removed, added := pairUp(c, o.List, n.List, opKey, opWhat, nil)
	for _, p := range pairs {
		c.op(opWhat(p.old), p.old, p.new)
	}
	for _, op := range removed {
		what := fmt.Sprintf("%s (%s)", opWhat(op), numbers(c.old, op))
		switch {
		case op.IsReserved():
			c.report(SourceBreaking, Both, "op-removed", op.Pos, n.Pos, "%s: reserved number no longer named; its C name is gone", what)
		case op.IsAsync():
			c.breaking(UserSpace, "op-removed", op.Pos, n.Pos, "%s: removed: old programs wait for it in vain", what)
		default:
			c.breaking(UserSpace, "op-removed", op.Pos, n.Pos, "%s: removed: old programs calling it fail", what)
		}
	}
	for _, op := range added {
		c.compatible("op-added", o.Pos, op.Pos, "%s: added (%s)", opWhat(op), numbers(c.new, op))
	}
}

// op compares two versions of one operation.
func (c *comparer) op(what string, o, n *spec.Op) {
	if o.IsAsync() != n.IsAsync() {
		c.breaking(Both, "op-kind", o.Pos, n.Pos, "%s: is now a %s", what, strings.Fields(opWhat(n))[0])
		return
	}
	c.opNumbers(what, o, n)
	if os, ns := o.AttrSet, n.AttrSet; (os == nil) != (ns == nil) || os != nil && c.sets[os] != ns {
		c.breaking(Both, "op-attr-set", o.Pos, n.Pos, "%s: its attributes are now those of %s, were %s", what, setName(ns), setName(os))
		return
	}
	if ol, nl := privilege(o.Flags), privilege(n.Flags); nl > ol {
		c.breaking(UserSpace, "op-perm", o.Pos, n.Pos, "%s: now needs %s (was %s): unprivileged old programs fail", what, privilegeText[nl], privilegeText[ol])
	} else if nl < ol {
		c.compatible("op-perm", o.Pos, n.Pos, "%s: now needs %s (was %s)", what, privilegeText[nl], privilegeText[ol])
	}
	for _, v := range o.DontValidate {
		if !slices.Contains(n.DontValidate, v) {
			c.breaking(UserSpace, "op-validate", o.Pos, n.Pos, "%s: dont-validate %q dropped: the kernel now applies that validation to requests", what, v)
		}
	}
	for _, v := range n.DontValidate {
		if !slices.Contains(o.DontValidate, v) {
			c.compatible("op-validate", o.Pos, n.Pos, "%s: dont-validate %q added: the kernel no longer applies that validation to requests", what, v)
		}
	}
	if o.ConfigCond != n.ConfigCond {
		c.compatible("op-config", o.Pos, n.Pos, "%s: config-cond %s is now %s", what, orNone(o.ConfigCond), orNone(n.ConfigCond))
	}
	inherited := o.FixedHeader == c.old.Ops.FixedHeader && n.FixedHeader == c.new.Ops.FixedHeader
	if !inherited {
		c.fixedHeader(what, o.FixedHeader, n.FixedHeader, o.Pos, n.Pos)
	}
	c.mode(what+" do", o.Do, n.Do, o.Pos, n.Pos)
	c.mode(what+" dump", o.Dump, n.Dump, o.Pos, n.Pos)
	if o.IsAsync() {
		c.notification(what, o, n)
	}
	c.cname(what, "C name", o.CName, n.CName, o.Pos, n.Pos)
	c.cname(what, "reply C name", o.ReplyCName, n.ReplyCName, o.Pos, n.Pos)
	c.doc(what, o.Doc, n.Doc, o.Pos, n.Pos)
}

// opNumbers compares an operation's command numbers: the one number of
// a unified model, or each direction of a directional one.
func (c *comparer) opNumbers(what string, o, n *spec.Op) {
	if !c.old.Ops.Directional() && !c.new.Ops.Directional() {
		if o.Value != n.Value {
			c.breaking(Both, "op-value", o.Pos, n.Pos, "%s: command %d is now %d", what, o.Value, n.Value)
		}
		return
	}
	if o.HasRequestValue && n.HasRequestValue && o.RequestValue != n.RequestValue {
		c.breaking(Both, "op-value", o.Pos, n.Pos, "%s: request command %d is now %d", what, o.RequestValue, n.RequestValue)
	}
	if o.HasReplyValue && n.HasReplyValue && o.ReplyValue != n.ReplyValue {
		c.breaking(Both, "op-value", o.Pos, n.Pos, "%s: reply command %d is now %d", what, o.ReplyValue, n.ReplyValue)
	}
}

// privilege ranks an operation's or group's permission flags: none,
// CAP_NET_ADMIN in the user namespace, CAP_NET_ADMIN.
func privilege(flags []string) int {
	switch {
	case slices.Contains(flags, "admin-perm"):
		return 2
	case slices.Contains(flags, "uns-admin-perm"):
		return 1
	}
	return 0
}

var privilegeText = []string{"no privilege", "CAP_NET_ADMIN in its user namespace (uns-admin-perm)", "CAP_NET_ADMIN (admin-perm)"}

// mode compares the do or dump half of an operation.
func (c *comparer) mode(what string, o, n *spec.OpMode, op, np spec.Pos) {
	switch {
	case o == nil && n == nil:
	case n == nil:
		c.breaking(UserSpace, "op-mode", o.Pos, np, "%s: removed: old programs using it fail", what)
	case o == nil:
		c.compatible("op-mode", op, n.Pos, "%s: added", what)
	default:
		c.request(what+" request", o.Request, n.Request, o.Pos, n.Pos)
		c.reply(what+" reply", o.Reply, n.Reply, o.Pos, n.Pos)
	}
}

// msgAttrs returns a message's attributes (none for a nil message).
func msgAttrs(m *spec.Message) []*spec.Attr {
	if m == nil {
		return nil
	}
	return m.Attrs
}

// msgPos is a message's position, or def for a missing one.
func msgPos(m *spec.Message, def spec.Pos) spec.Pos {
	if m == nil {
		return def
	}
	return m.Pos
}

// attrDiff returns the names of the attributes only in o and only in n,
// an attribute of o that was renamed going by its new name.
func (c *comparer) attrDiff(o, n []*spec.Attr) (removed, added []string) {
	oldNames, newNames := map[string]bool{}, map[string]bool{}
	for _, a := range n {
		newNames[a.Name] = true
	}
	for _, a := range o {
		name := a.Name
		if x := c.attrs[rootAttr(a)]; x != nil {
			name = x.Name
		}
		oldNames[name] = true
		if !newNames[name] {
			removed = append(removed, a.Name)
		}
	}
	for _, a := range n {
		if !oldNames[a.Name] {
			added = append(added, a.Name)
		}
	}
	return removed, added
}

// request compares what a request may carry: an attribute dropped is one
// the kernel now rejects (unless its policy is global), one added is a
// new optional attribute.
func (c *comparer) request(what string, o, n *spec.Message, op, np spec.Pos) {
	op, np = msgPos(o, op), msgPos(n, np)
	removed, added := c.attrDiff(msgAttrs(o), msgAttrs(n))
	for _, name := range removed {
		if restricts(c.new.KernelPolicy) {
			c.breaking(UserSpace, "request-attr-removed", op, np, "%s: attribute %q no longer accepted: old programs sending it are refused", what, name)
		} else {
			c.compatible("request-attr-removed", op, np, "%s: attribute %q no longer listed (the global policy still accepts it)", what, name)
		}
	}
	for _, name := range added {
		c.compatible("request-attr-added", op, np, "%s: new optional attribute %q", what, name)
	}
}

// reply compares what a reply (or notification) carries: an attribute
// dropped is one old programs read and no longer get.
func (c *comparer) reply(what string, o, n *spec.Message, op, np spec.Pos) {
	switch {
	case o != nil && n == nil:
		c.breaking(UserSpace, "reply-removed", o.Pos, np, "%s: removed: the kernel no longer replies, old programs wait for the reply", what)
		return
	case o == nil && n != nil:
		c.compatible("reply-added", op, n.Pos, "%s: added", what)
		return
	}
	c.replyAttrs(what, msgAttrs(o), msgAttrs(n), msgPos(o, op), msgPos(n, np))
}

// replyAttrs compares the attributes a reply or notification carries.
func (c *comparer) replyAttrs(what string, o, n []*spec.Attr, op, np spec.Pos) {
	removed, added := c.attrDiff(o, n)
	for _, name := range removed {
		c.breaking(UserSpace, "reply-attr-removed", op, np, "%s: attribute %q no longer sent: old programs reading it miss it", what, name)
	}
	for _, name := range added {
		c.compatible("reply-attr-added", op, np, "%s: new attribute %q", what, name)
	}
}

// ntfAttrs is what a notification carries: its source's do reply, or an
// event's attributes.
func ntfAttrs(op *spec.Op) []*spec.Attr {
	if op.IsEvent {
		return op.Event
	}
	if src := op.NotifySource; src != nil && src.Do != nil {
		return msgAttrs(src.Do.Reply)
	}
	return nil
}

// notification compares what a notification carries and where it goes.
func (c *comparer) notification(what string, o, n *spec.Op) {
	if os, ns := o.NotifySource, n.NotifySource; os != nil && ns != nil && os.Name != ns.Name {
		c.compatible("notify", o.Pos, n.Pos, "%s: now mirrors %q (was %q)", what, ns.Name, os.Name)
	}
	c.replyAttrs(what, ntfAttrs(o), ntfAttrs(n), o.Pos, n.Pos)
	og, ng := groupName(o.McastGroup), groupName(n.McastGroup)
	switch {
	case og == ng:
	case ng == "":
		c.breaking(UserSpace, "ntf-group", o.Pos, n.Pos, "%s: no longer sent to group %q: old programs listening there miss it", what, og)
	case og == "":
		c.compatible("ntf-group", o.Pos, n.Pos, "%s: now sent to group %q", what, ng)
	default:
		c.breaking(UserSpace, "ntf-group", o.Pos, n.Pos, "%s: moved from group %q to %q: old programs listening on %q miss it", what, og, ng, og)
	}
}

func groupName(g *spec.McastGroup) string {
	if g == nil {
		return ""
	}
	return g.Name
}

// groupsPos is where a family's multicast groups are.
func groupsPos(f *spec.Family) spec.Pos {
	if len(f.McastGroups) > 0 {
		return f.McastGroups[0].Pos
	}
	return f.Pos
}

// groups compares the multicast groups, which programs join by name: a
// group matched by its C define whose name changed is a breaking rename.
func (c *comparer) groups() {
	pairs, _, removed, added := match(c.old.McastGroups, c.new.McastGroups,
		func(g *spec.McastGroup) (string, bool) { return g.CDefine, g.CDefine != "" })
	for _, p := range pairs {
		o, n := p.old, p.new
		what := fmt.Sprintf("multicast group %q", o.Name)
		if o.Name != n.Name {
			c.breaking(Both, "group-name", o.Pos, n.Pos, "%s: name is now %q: programs join groups by name", what, n.Name)
		}
		if ol, nl := privilege(o.Flags), privilege(n.Flags); nl > ol {
			c.breaking(UserSpace, "group-perm", o.Pos, n.Pos, "%s: joining now needs %s (was %s)", what, privilegeText[nl], privilegeText[ol])
		} else if nl < ol {
			c.compatible("group-perm", o.Pos, n.Pos, "%s: joining now needs %s (was %s)", what, privilegeText[nl], privilegeText[ol])
		}
		c.cname(what, "C define", o.CDefine, n.CDefine, o.Pos, n.Pos)
	}
	for _, g := range removed {
		c.breaking(UserSpace, "group-removed", g.Pos, groupsPos(c.new), "multicast group %q: removed: old programs cannot join it", g.Name)
	}
	for _, g := range added {
		c.compatible("group-added", groupsPos(c.old), g.Pos, "multicast group %q: added", g.Name)
	}
}
