package compat

import "github.com/genlgen/genlgen/spec"

// family compares what holds for the whole family: its name (which
// programs resolve the family id by), its C names and its policy layout.
func (c *comparer) family() {
	o, n := c.old, c.new
	if o.Name != n.Name {
		c.breaking(Both, "family-name", o.Pos, n.Pos, "family: name %q is now %q: programs resolve the family id by name", o.Name, n.Name)
	}
	if o.Version != n.Version {
		c.compatible("family-version", o.Pos, n.Pos, "family: version %d is now %d (sent in every request header; the kernel does not check it)", o.Version, n.Version)
	}
	if o.Protocol != n.Protocol {
		c.compatible("protocol", o.Pos, n.Pos, "family: protocol %s is now %s (the wire format is the same)", o.Protocol, n.Protocol)
	}
	if restricts(o.KernelPolicy) != restricts(n.KernelPolicy) {
		if restricts(n.KernelPolicy) {
			c.breaking(UserSpace, "kernel-policy", o.Pos, n.Pos, "family: kernel-policy %s is now %s: requests may carry only the attributes each operation lists", o.KernelPolicy, n.KernelPolicy)
		} else {
			c.compatible("kernel-policy", o.Pos, n.Pos, "family: kernel-policy %s is now %s: requests may carry any attribute of their set", o.KernelPolicy, n.KernelPolicy)
		}
	}
	c.cname("family", "uAPI header", o.UAPIHeader, n.UAPIHeader, o.Pos, n.Pos)
	c.cname("family", "name define", o.CFamilyNameDefine, n.CFamilyNameDefine, o.Pos, n.Pos)
	c.cname("family", "version define", o.CVersionDefine, n.CVersionDefine, o.Pos, n.Pos)
	c.doc("family", o.Doc, n.Doc, o.Pos, n.Pos)
}

// restricts reports whether a policy layout rejects the attributes an
// operation's request does not list (split and per-op do; global accepts
// the whole set).
func restricts(p spec.KernelPolicy) bool { return p != spec.PolicyGlobal }
