package spec

func (rv *resolver) operations() {
	f := rv.f
	ops := &f.Ops
	prefix := f.Name + "-cmd-"
	if ops.NamePrefix != "" {
		prefix = ops.NamePrefix
	}
	ops.NamePrefix = cUpper(prefix)
	ops.HasAsyncEnum = ops.raw.hasAsyncPrefix
	if ops.AsyncPrefix != "" {
		ops.AsyncPrefix = cUpper(ops.AsyncPrefix)
	} else {
		ops.AsyncPrefix = ops.NamePrefix
	}
	if ops.raw.hasEnumName && ops.raw.enumName != "" {
		ops.EnumName = cLower(ops.raw.enumName)
	}
	if ops.raw.hasAsyncEnum && ops.raw.asyncEnum != "" {
		ops.AsyncEnumName = cLower(ops.raw.asyncEnum)
	}
	if ops.Directional() {
		// The kernel's generator names both enums' limits after the
		// direction and ignores cmd-max-name and cmd-cnt-name.
		ops.CmdNoneName = cUpper(f.Name + "-msg-user-none")
		ops.CmdMaxName = ops.NamePrefix + "USER_MAX"
		ops.CmdCntName = "__" + ops.NamePrefix + "USER_CNT"
		ops.ReplyNoneName = cUpper(f.Name + "-msg-kernel-none")
		ops.ReplyMaxName = ops.NamePrefix + "KERNEL_MAX"
		ops.ReplyCntName = "__" + ops.NamePrefix + "KERNEL_CNT"
	} else {
		ops.CmdMaxName = cUpper(orDefault(f.raw.cmdMaxName, ops.NamePrefix+"MAX"))
		ops.CmdCntName = cUpper(orDefault(f.raw.cmdCntName, "__"+ops.NamePrefix+"MAX"))
	}
	if ops.raw.fixedHeader.Value != "" {
		ops.FixedHeader = rv.structRef(ops.raw.fixedHeader, "operations")
	}

	f.opByName = map[string]*Op{}
	for _, op := range ops.List {
		if prev, dup := f.opByName[op.Name]; dup {
			rv.d.errorf(op.Pos, "duplicate operation %q (first at line %d)", op.Name, prev.Pos.Line)
			continue
		}
		f.opByName[op.Name] = op
	}
	if ops.Directional() {
		rv.numberDirectional()
	} else {
		rv.numberUnified()
	}
	for _, op := range ops.List {
		rv.opRefs(op)
	}
	rv.checkDuplicateValues()
}

// numberUnified numbers the ops of a unified model: one number for both
// directions, counting on from the previous op's (1 first) unless an op
// gives its own value.
func (rv *resolver) numberUnified() {
	val := uint64(1)
	for _, op := range rv.f.Ops.List {
		if op.raw.hasValue {
			val = op.Value
		}
		op.Value, op.RequestValue, op.ReplyValue = val, val, val
		op.HasRequestValue = op.Do != nil || op.Dump != nil
		op.HasReplyValue = true
		val++
		rv.opCNames(op)
	}
}

// numberDirectional numbers requests (user to kernel) and replies and
// notifications (kernel to user) separately, as the kernel's YNL does.
func (rv *resolver) numberDirectional() {
	req, rsp := uint64(1), uint64(1)
	for _, op := range rv.f.Ops.List {
		if op.raw.hasValue {
			rv.d.errorf(op.Pos, "operation %q: in the directional model values are given on the request and reply, not the operation", op.Name)
		}
		switch {
		case op.raw.notify.Value != "" || op.IsEvent:
			op.ReplyValue, op.HasReplyValue = rsp, true
			if m := op.Do; m != nil && m.Reply != nil && m.Reply.raw.hasValue {
				op.ReplyValue = m.Reply.Value
			}
			rsp = op.ReplyValue + 1
		case op.Do != nil || op.Dump != nil:
			mode := op.Do
			if mode == nil {
				mode = op.Dump
			}
			if mode.Request != nil && mode.Request.raw.hasValue && mode.Request.Value != 0 {
				req = mode.Request.Value
			}
			if mode.Reply != nil && mode.Reply.raw.hasValue && mode.Reply.Value != 0 {
				rsp = mode.Reply.Value
			}
			op.RequestValue, op.HasRequestValue = req, true
			req++
			if mode.Reply != nil {
				op.ReplyValue, op.HasReplyValue = rsp, true
				rsp++
			}
		default:
			rv.d.errorf(op.Pos, "operation %q: a directional operation needs do, dump, notify or event", op.Name)
		}
		op.Value = op.RequestValue
		if !op.HasRequestValue {
			op.Value = op.ReplyValue
		}
		rv.opCNames(op)
	}
}

// opCNames names op in C: its command enum entry (the async prefix for
// notifications and events, else the ops' name-prefix), the _REPLY
// entry of a directional model, and the lower-case stem of its handlers.
func (rv *resolver) opCNames(op *Op) {
	ops := &rv.f.Ops
	op.CIdent = cLower(op.Name)
	if op.raw.notify.Value != "" || op.IsEvent {
		op.CName = cUpper(ops.AsyncPrefix + op.Name)
	} else {
		op.CName = cUpper(ops.NamePrefix + op.Name)
	}
	if ops.Directional() && op.HasRequestValue && op.HasReplyValue {
		op.ReplyCName = op.CName + "_REPLY"
	}
}

// checkDuplicateValues refuses two ops with one request command (in a
// directional model only ops that have a request direction count) and
// commands past the u8 of the genl header.
func (rv *resolver) checkDuplicateValues() {
	seenReq := map[uint64]*Op{}
	for _, op := range rv.f.Ops.List {
		if op.HasRequestValue || !rv.f.Ops.Directional() {
			if prev, dup := seenReq[op.RequestValue]; dup && op.HasRequestValue {
				rv.d.errorf(op.Pos, "operation %q: command value %d is already used by %q", op.Name, op.RequestValue, prev.Name)
			} else if op.HasRequestValue || !rv.f.Ops.Directional() {
				seenReq[op.RequestValue] = op
			}
		}
		if op.Value > 255 {
			rv.d.errorf(op.Pos, "operation %q: command value %d does not fit the u8 genl command", op.Name, op.Value)
		}
	}
}

// structRef resolves a fixed-header reference to its struct definition.
func (rv *resolver) structRef(ref posString, what string) *Definition {
	def := rv.f.defs[ref.Value]
	if def == nil || def.Kind != DefStruct {
		rv.d.errorf(ref.Pos, "%s: fixed-header %q is not a struct definition%s", what, ref.Value, didYouMean(ref.Value, rv.defNames(DefStruct)))
		return nil
	}
	return def
}

// opRefs resolves what op names: its fixed header, attribute set,
// request and reply attribute lists, notify source and multicast group.
func (rv *resolver) opRefs(op *Op) {
	f := rv.f
	what := "operation " + quote(op.Name)
	op.FixedHeader = f.Ops.FixedHeader
	if op.raw.fixedHeader.Value != "" {
		op.FixedHeader = rv.structRef(op.raw.fixedHeader, what)
	}
	if op.raw.attrSet.Value != "" {
		op.AttrSet = f.sets[op.raw.attrSet.Value]
		if op.AttrSet == nil {
			rv.d.errorf(op.raw.attrSet.Pos, "%s: unknown attribute-set %q%s", what, op.raw.attrSet.Value, didYouMean(op.raw.attrSet.Value, setNames(f)))
			return
		}
	}
	if n := op.raw.notify; n.Value != "" {
		src := f.opByName[n.Value]
		switch {
		case src == nil:
			rv.d.errorf(n.Pos, "%s: notify names unknown operation %q%s", what, n.Value, didYouMean(n.Value, opNames(f)))
			return
		case src.raw.notify.Value != "" || src.IsEvent:
			rv.d.errorf(n.Pos, "%s: notify must name a do or dump operation, %q is itself a notification", what, n.Value)
			return
		}
		op.NotifySource = src
		if op.AttrSet == nil {
			src.resolveSetEarly(f)
			op.AttrSet = src.AttrSet
		}
	}
	if op.AttrSet == nil && (op.Do != nil || op.Dump != nil || op.IsEvent) {
		rv.d.errorf(op.Pos, "%s: missing \"attribute-set\"", what)
		return
	}
	for _, m := range []*OpMode{op.Do, op.Dump} {
		if m == nil {
			continue
		}
		m.Request = rv.messageAttrs(m.Request, op, what+" request")
		m.Reply = rv.messageAttrs(m.Reply, op, what+" reply")
	}
	if op.IsEvent {
		op.Event = rv.attrList(op.raw.event, op, what+" event")
	}
}

// resolveSetEarly lets a notification use its source's set before the
// source op itself has been visited.
func (op *Op) resolveSetEarly(f *Family) {
	if op.AttrSet == nil && op.raw.attrSet.Value != "" {
		op.AttrSet = f.sets[op.raw.attrSet.Value]
	}
}

func opNames(f *Family) []string {
	var out []string
	for _, op := range f.Ops.List {
		out = append(out, op.Name)
	}
	return out
}

func (rv *resolver) messageAttrs(m *Message, op *Op, what string) *Message {
	if m == nil {
		return nil
	}
	m.Attrs = rv.attrList(m.raw.attrs, op, what)
	return m
}

func (rv *resolver) attrList(names []posString, op *Op, what string) []*Attr {
	var out []*Attr
	seen := map[string]bool{}
	for _, n := range names {
		a := op.AttrSet.Attr(n.Value)
		if a == nil {
			rv.d.errorf(n.Pos, "%s: attribute %q is not in set %q%s", what, n.Value, op.AttrSet.Name, didYouMean(n.Value, attrNames(op.AttrSet)))
			continue
		}
		if seen[n.Value] {
			rv.d.errorf(n.Pos, "%s: attribute %q is listed twice", what, n.Value)
			continue
		}
		seen[n.Value] = true
		out = append(out, a)
	}
	return out
}
