package spec

import (
	"gopkg.in/yaml.v3"
)

type opsRaw struct {
	enumName       string
	hasEnumName    bool
	asyncEnum      string
	hasAsyncEnum   bool
	hasAsyncPrefix bool
	fixedHeader    posString
}

type opRaw struct {
	hasValue    bool
	attrSet     posString
	notify      posString
	mcgrp       posString
	fixedHeader posString
	event       []posString
	hasEvent    bool
}

type messageRaw struct {
	attrs    []posString
	hasValue bool
}

func (l *loader) operations(f *Family, n *yaml.Node) {
	o := l.r.object(n, "operations", l.keys.ops, []string{"list"})
	ops := &f.Ops
	ops.Pos = l.r.pos(n)
	ops.EnumModel = o.oneOf("enum-model", l.keys, func(k *keySets) []string { return k.enumModels })
	if ops.EnumModel == "" {
		ops.EnumModel = "unified"
	}
	ops.NamePrefix = o.cPart("name-prefix")
	ops.AsyncPrefix = o.cPart("async-prefix")
	ops.raw.hasAsyncPrefix = o.has("async-prefix")
	ops.raw.enumName, ops.raw.hasEnumName = o.nullableCPart("enum-name")
	ops.raw.asyncEnum, ops.raw.hasAsyncEnum = o.nullableCPart("async-enum")
	ops.raw.fixedHeader = o.refName("fixed-header")
	for _, item := range o.list("list") {
		ops.List = append(ops.List, l.op(item))
	}
}

func (l *loader) op(n *yaml.Node) *Op {
	o := l.r.object(n, "operation", l.keys.op, []string{"name", "doc"})
	op := &Op{Pos: l.r.pos(n), Name: l.name(o, "operation"), Doc: o.str("doc")}
	o.what = "operation " + quote(op.Name)
	if v, ok := o.uint("value"); ok {
		op.Value = v
		op.raw.hasValue = true
	}
	op.raw.attrSet = o.refName("attribute-set")
	op.Flags = o.enumList("flags", l.keys, func(k *keySets) []string { return k.opFlags })
	for _, fl := range op.Flags {
		op.AdminPerm = op.AdminPerm || fl == "admin-perm"
		op.UnsAdmin = op.UnsAdmin || fl == "uns-admin-perm"
	}
	op.DontValidate = o.enumList("dont-validate", l.keys, func(k *keySets) []string { return k.dontValidate })
	op.ConfigCond = o.cPart("config-cond")
	op.raw.fixedHeader = o.refName("fixed-header")
	if o.has("do") {
		op.Do = l.mode(o.values["do"], o.what+" do")
	}
	if o.has("dump") {
		op.Dump = l.mode(o.values["dump"], o.what+" dump")
	}
	op.raw.notify = o.refName("notify")
	op.raw.mcgrp = o.refName("mcgrp")
	if o.has("event") {
		ev := l.r.object(o.values["event"], o.what+" event", l.keys.event, nil)
		op.raw.event = ev.strList("attributes")
		op.raw.hasEvent = true
		op.IsEvent = true
	}
	if op.raw.hasEvent && op.raw.notify.Value != "" {
		l.r.diag.errorf(o.keyPos("event"), "%s: an operation is either a notification (\"notify\") or an event (\"event\"), not both", o.what)
	}
	if (op.raw.hasEvent || op.raw.notify.Value != "") && (op.Do != nil || op.Dump != nil) {
		l.r.diag.errorf(op.Pos, "%s: a notification or event cannot also have \"do\" or \"dump\"", o.what)
	}
	return op
}

func (l *loader) mode(n *yaml.Node, what string) *OpMode {
	o := l.r.object(n, what, l.keys.mode, nil)
	m := &OpMode{Pos: l.r.pos(n), Pre: o.cFunc("pre"), Post: o.cFunc("post")}
	if o.has("request") {
		m.Request = l.message(o.values["request"], what+" request")
	}
	if o.has("reply") {
		m.Reply = l.message(o.values["reply"], what+" reply")
	}
	return m
}

func (l *loader) message(n *yaml.Node, what string) *Message {
	o := l.r.object(n, what, l.keys.msg, nil)
	m := &Message{Pos: l.r.pos(n)}
	m.raw.attrs = o.strList("attributes")
	if v, ok := o.uint("value"); ok {
		m.Value = v
		m.raw.hasValue = true
	}
	return m
}
