package spec

import (
	"errors"
	"github.com/genlgen/genlgen/internal/corpus"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func protocolOf(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "protocol:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "protocol:"))
		}
	}
	return "genetlink"
}

// TestCorpusLoads loads every spec of both corpora: the genetlink ones
// resolve without errors, the netlink-raw ones are refused in one line.
func TestCorpusLoads(t *testing.T) {
	for _, r := range corpus.Releases {
		t.Run(r.Name, func(t *testing.T) { corpusLoads(t, r) })
	}
}

func corpusLoads(t *testing.T, r *corpus.Release) {
	var genl, raw int
	for _, path := range r.Specs(t) {
		name := filepath.Base(path)
		f, err := Load(path)
		if protocolOf(t, path) == "netlink-raw" {
			raw++
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Errorf("%s: want exactly one error for netlink-raw, got %v", name, err)
				continue
			}
			if !strings.Contains(list[0].Msg, `protocol "netlink-raw" is not supported (yet)`) || list[0].Pos.Line == 0 {
				t.Errorf("%s: unclear netlink-raw error: %v", name, list[0])
			}
			continue
		}
		genl++
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(f.Ops.List) == 0 || len(f.AttrSets) == 0 {
			t.Errorf("%s: loaded without ops or sets", name)
		}
		for _, s := range f.AttrSets {
			for _, a := range s.Attrs {
				if a.CName == "" || a.GoName == "" {
					t.Errorf("%s: %s.%s has no C or Go name", name, s.Name, a.Name)
				}
				if a.Type.IsNested() && a.Nested == nil && !(a.Type == TypeIndexedArray && a.SubType != TypeNest) {
					t.Errorf("%s: %s.%s (%s) has no nested set", name, s.Name, a.Name, a.Type)
				}
			}
		}
	}
	if genl != r.Genetlink || raw != r.Raw {
		t.Errorf("corpus %s has %d genetlink and %d netlink-raw specs, want %d and %d", r.Name, genl, raw, r.Genetlink, r.Raw)
	}
}

func TestDocExmplNames(t *testing.T) {
	f, err := Load("doc_exmpl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != 0 {
		t.Errorf("doc_exmpl has warnings: %v", f.Warnings)
	}
	if f.Name != "DOC_EXMPL" || f.CFamilyNameDefine != "DOC_EXMPL_FAMILY_NAME" {
		t.Errorf("family %q define %q", f.Name, f.CFamilyNameDefine)
	}
	msg := f.AttrSet("doc-exmpl").Attr("msg")
	if msg.CName != "DOC_EXMPL_A_MSG" || msg.Value != 1 || msg.Type != TypeString {
		t.Errorf("msg attribute = %s %d %s", msg.CName, msg.Value, msg.Type)
	}
	if msg.Checks.MaxLen == nil || msg.Checks.MaxLen.Abs != 256 || msg.Checks.MaxLen.Const == nil {
		t.Errorf("msg max-len not resolved through the const: %+v", msg.Checks.MaxLen)
	}
	echo := f.Op("echo")
	if echo.CName != "DOC_EXMPL_C_ECHO" || echo.Value != 1 || echo.GoName != "Echo" {
		t.Errorf("echo op = %s %d %s", echo.CName, echo.Value, echo.GoName)
	}
	ntf := f.Op("echo-ntf")
	if ntf.NotifySource != echo || ntf.McastGroup == nil || ntf.McastGroup.CDefine != "DOC_EXMPL_MCGRP_EVENTS" || ntf.AttrSet != echo.AttrSet {
		t.Errorf("echo-ntf not resolved: %+v", ntf)
	}
	if !f.Op("clear").AdminPerm {
		t.Error("clear is not admin-perm")
	}
	if f.Op("history").Dump == nil || len(f.Op("history").Dump.Reply.Attrs) != 3 {
		t.Error("history dump reply not resolved")
	}
}

func TestSubsetInheritsFromParent(t *testing.T) {
	f, err := Load(corpus.Spec(t, "netdev"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range f.AttrSets {
		if s.SubsetOf == nil {
			continue
		}
		for _, a := range s.Attrs {
			p := s.SubsetOf.Attr(a.Name)
			if a.Parent != p || a.Value != p.Value || a.Type != p.Type || a.CName != p.CName {
				t.Errorf("%s.%s does not mirror its parent: %d %s %s", s.Name, a.Name, a.Value, a.Type, a.CName)
			}
		}
	}
}

func TestEnumImpliedValidation(t *testing.T) {
	src := `
name: t
protocol: genetlink
doc: d
definitions:
  - {name: color, type: enum, doc: c, entries: [red, green, blue]}
  - {name: sparse, type: enum, doc: s, entries: [{name: a, value: 1}, {name: b, value: 5}]}
  - {name: feat, type: flags, doc: f, entries: [x, y, z]}
attribute-sets:
  - name: s
    attributes:
      - {name: color, type: u32, enum: color}
      - {name: sp, type: u8, enum: sparse}
      - {name: fl, type: u32, enum: feat}
      - {name: asf, type: u32, enum: color, enum-as-flags: true}
      - {name: scolor, type: s32, enum: color}
operations:
  list:
    - name: get
      doc: d
      attribute-set: s
      do: {request: {attributes: [color, sp, fl, asf, scolor]}}
`
	f, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s := f.AttrSet("s")
	c := s.Attr("color").Checks
	if c.Min != nil || c.Max == nil || c.Max.Abs != 2 || !c.Max.FromEnum {
		t.Errorf("color: min %+v max %+v, want no min (enum starts at 0) and max 2", c.Min, c.Max)
	}
	if sc := s.Attr("scolor").Checks; sc.Min == nil || sc.Min.Abs != 0 || sc.Max.Abs != 2 {
		t.Errorf("signed enum attribute needs an explicit min 0: %+v", sc)
	}
	if !s.Attr("sp").Checks.Sparse {
		t.Error("non-contiguous enum not marked sparse")
	}
	if fl := s.Attr("fl").Checks; !fl.HasMask || fl.Mask != 7 {
		t.Errorf("flags enum mask = %v %x, want 0x7", fl.HasMask, fl.Mask)
	}
	if a := s.Attr("asf").Checks; !a.HasMask || a.Mask != 7 {
		t.Errorf("enum-as-flags mask = %v %x, want 0x7", a.HasMask, a.Mask)
	}
}

func TestDirectionalNumbering(t *testing.T) {
	f, err := Load(corpus.Spec(t, "ethtool"))
	if err != nil {
		t.Fatal(err)
	}
	get := f.Op("linkinfo-get")
	if get.CName != "ETHTOOL_MSG_LINKINFO_GET" || get.RequestValue != 2 || get.ReplyValue != 2 || get.ReplyCName != "ETHTOOL_MSG_LINKINFO_GET_REPLY" {
		t.Errorf("linkinfo-get = %s req %d rsp %d %s", get.CName, get.RequestValue, get.ReplyValue, get.ReplyCName)
	}
	ntf := f.Op("linkinfo-ntf")
	if ntf.NotifySource != get || ntf.HasRequestValue {
		t.Errorf("linkinfo-ntf: source %v, has request value %v", ntf.NotifySource, ntf.HasRequestValue)
	}
}

// TestWireguardConstPrefix: 7.3's wireguard names its key length const
// with a name-prefix (WG_KEY_LEN) and its checks refer to it by that C
// name, as the kernel's generator allows.
func TestWireguardConstPrefix(t *testing.T) {
	f, err := Load(corpus.K73.Spec(t, "wireguard"))
	if err != nil {
		t.Fatal(err)
	}
	kl := f.Definition("key-len")
	if kl.CName != "WG_KEY_LEN" || kl.Value != 32 {
		t.Errorf("key-len = %s %d, want WG_KEY_LEN 32", kl.CName, kl.Value)
	}
	pk := f.AttrSet("wgdevice").Attr("private-key")
	if l := pk.Checks.ExactLen; l == nil || l.Const != kl || l.Abs != 32 {
		t.Errorf("private-key exact-len = %+v, want the key-len const", l)
	}
	if hint := f.AttrSet("wgallowedip").Attr("ipaddr").DisplayHint; hint != "ipv4-or-v6" {
		t.Errorf("ipaddr display hint %q", hint)
	}
}

// TestNetdevUnsAdminPerm: 7.3's netdev (protocol genetlink) flags bind-rx
// uns-admin-perm, which 6.12's genetlink schema did not allow.
func TestNetdevUnsAdminPerm(t *testing.T) {
	f, err := Load(corpus.K73.Spec(t, "netdev"))
	if err != nil {
		t.Fatal(err)
	}
	if op := f.Op("bind-rx"); !op.UnsAdmin || op.AdminPerm {
		t.Errorf("bind-rx: uns-admin %v admin %v", op.UnsAdmin, op.AdminPerm)
	}
}
