package parity

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/genlgen/genlgen/internal/families/nlctrl"
	"github.com/genlgen/genlgen/runtime"
	"github.com/genlgen/genlgen/spec"
)

// Key names one compared fact of a family. Family-level facts (version,
// hdrsize, maxattr, multicast groups) have Op "family". An op's flags have
// Mode "" and Path "flags"; whether a mode has a policy at all has Path "";
// every attribute of a mode's policy, nested ones too, has the path of spec
// attribute names from the op's root policy ("header.dev-index"; "[]"
// stands for the elements of a nested array).
type Key struct {
	Op, Mode, Path string
}

func (k Key) String() string {
	s := k.Op
	if k.Mode != "" {
		s += " " + k.Mode
	}
	if k.Path != "" {
		s += " " + k.Path
	}
	return s
}

// IsAttr reports whether k names an attribute of a policy.
func (k Key) IsAttr() bool { return k.Mode != "" && k.Path != "" }

// Model is a family's snapshot with everything that depends on how the
// kernel numbered its policies taken out: every fact is keyed by names and
// described as text, so two families built from one spec compare with ==.
type Model map[Key]string

// Ops returns the names of the ops the model knows, sorted.
func (m Model) Ops() []string {
	seen := map[string]bool{}
	for k := range m {
		if k.Op != "family" {
			seen[k.Op] = true
		}
	}
	var ops []string
	for op := range seen {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

// Attrs counts the attribute facts of the model.
func (m Model) Attrs() int {
	n := 0
	for k := range m {
		if k.IsAttr() {
			n++
		}
	}
	return n
}

// Normalise turns a snapshot into a model, naming ops and attributes after
// spec f.
func Normalise(s *Snapshot, f *spec.Family) (Model, error) {
	if s.Err != "" {
		return nil, fmt.Errorf("parity: %s: %s", s.Name, s.Err)
	}
	if s.Family == nil {
		return nil, fmt.Errorf("parity: %s: no getfamily reply", s.Name)
	}
	m := Model{}
	fam := s.Family
	m[Key{Op: "family", Path: "version"}] = u32(fam.Version)
	m[Key{Op: "family", Path: "hdrsize"}] = u32(fam.Hdrsize)
	m[Key{Op: "family", Path: "maxattr"}] = u32(fam.Maxattr)
	var groups []string
	for _, g := range fam.McastGroups {
		if g.Name.Present {
			groups = append(groups, g.Name.V)
		}
	}
	slices.Sort(groups)
	m[Key{Op: "family", Path: "mcast-groups"}] = strings.Join(groups, ",")

	byCmd := map[uint32]*spec.Op{}
	for _, op := range f.Ops.List {
		if op.HasRequestValue && !op.IsAsync() {
			byCmd[uint32(op.RequestValue)] = op
		}
	}
	opName := func(cmd uint32) string {
		if op := byCmd[cmd]; op != nil {
			return op.Name
		}
		return "cmd-" + strconv.FormatUint(uint64(cmd), 10)
	}
	for _, op := range fam.Ops {
		if !op.ID.Present {
			return nil, fmt.Errorf("parity: %s: op without an id", s.Name)
		}
		flags := "0"
		if op.Flags.Present {
			flags = op.Flags.String()
		}
		m[Key{Op: opName(op.ID.V), Path: "flags"}] = flags
	}

	policies := map[uint32]map[uint32]nlctrl.PolicyAttrs{}
	for _, p := range s.Policy {
		pol := policies[uint32(p.PolicyID)]
		if pol == nil {
			pol = map[uint32]nlctrl.PolicyAttrs{}
			policies[uint32(p.PolicyID)] = pol
		}
		pol[uint32(p.AttrID)] = p.Attrs
	}
	w := walker{m: m, policies: policies}
	for _, op := range s.OpPolicy {
		name := opName(uint32(op.OpID))
		var root *spec.AttrSet
		if sop := byCmd[uint32(op.OpID)]; sop != nil {
			root = sop.AttrSet
		}
		for _, mode := range []struct {
			name string
			idx  runtime.Opt[uint32]
		}{{"do", op.Attrs.Do}, {"dump", op.Attrs.Dump}} {
			if !mode.idx.Present {
				continue
			}
			m[Key{Op: name, Mode: mode.name}] = "policy"
			if err := w.walk(Key{Op: name, Mode: mode.name}, mode.idx.V, root, "", nil); err != nil {
				return nil, fmt.Errorf("parity: %s: %w", s.Name, err)
			}
		}
	}
	return m, nil
}

type walker struct {
	m        Model
	policies map[uint32]map[uint32]nlctrl.PolicyAttrs
}

// walk records policy idx's attributes under prefix, following nested
// policies; stack holds the indexes being walked, to cut recursion.
func (w *walker) walk(base Key, idx uint32, set *spec.AttrSet, prefix string, stack []uint32) error {
	pol, ok := w.policies[idx]
	if !ok {
		// A policy whose every attribute is unspec or reject is not
		// dumped at all.
		return nil
	}
	stack = append(stack, idx)
	ids := make([]uint32, 0, len(pol))
	for id := range pol {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		a := pol[id]
		var sa *spec.Attr
		name := "#" + strconv.FormatUint(uint64(id), 10)
		if set != nil {
			for _, x := range set.Root().Attrs {
				if uint32(x.Value) == id {
					sa, name = x, x.Name
					break
				}
			}
		}
		k := base
		k.Path = prefix + name
		desc := describe(a)
		if a.PolicyIdx.Present {
			if slices.Contains(stack, a.PolicyIdx.V) {
				desc += " (recursive)"
			} else {
				var nested *spec.AttrSet
				if sa != nil {
					nested = sa.Nested
				}
				child := k.Path + "."
				if a.Type.Present && a.Type.V == nlctrl.AttrTypeNestedArray {
					child = k.Path + "[]."
				}
				if err := w.walk(base, a.PolicyIdx.V, nested, child, stack); err != nil {
					return err
				}
			}
		}
		w.m[k] = desc
	}
	return nil
}

// describe renders one attribute's policy without its policy index.
func describe(a nlctrl.PolicyAttrs) string {
	var b strings.Builder
	if a.Type.Present {
		b.WriteString(a.Type.String())
	} else {
		b.WriteString("?")
	}
	put := func(name, v string) { fmt.Fprintf(&b, " %s=%s", name, v) }
	if a.MinValueS.Present {
		put("min-value-s", strconv.FormatInt(a.MinValueS.V, 10))
	}
	if a.MaxValueS.Present {
		put("max-value-s", strconv.FormatInt(a.MaxValueS.V, 10))
	}
	if a.MinValueU.Present {
		put("min-value-u", strconv.FormatUint(a.MinValueU.V, 10))
	}
	if a.MaxValueU.Present {
		put("max-value-u", strconv.FormatUint(a.MaxValueU.V, 10))
	}
	if a.MinLength.Present {
		put("min-length", strconv.FormatUint(uint64(a.MinLength.V), 10))
	}
	if a.MaxLength.Present {
		put("max-length", strconv.FormatUint(uint64(a.MaxLength.V), 10))
	}
	if a.PolicyMaxtype.Present {
		put("policy-maxtype", strconv.FormatUint(uint64(a.PolicyMaxtype.V), 10))
	}
	if a.Bitfield32Mask.Present {
		put("bitfield32-mask", "0x"+strconv.FormatUint(uint64(a.Bitfield32Mask.V), 16))
	}
	if a.Mask.Present {
		put("mask", "0x"+strconv.FormatUint(a.Mask.V, 16))
	}
	return b.String()
}

func u32(v runtime.Opt[uint32]) string {
	if !v.Present {
		return "-"
	}
	return strconv.FormatUint(uint64(v.V), 10)
}

// Diff is one fact on which the kernel's family and genlgen's differ; ""
// stands for a fact one side lacks.
type Diff struct {
	Key    Key
	Kernel string
	Ours   string
}

func (d Diff) String() string {
	return fmt.Sprintf("%s: kernel %s, genlgen %s", d.Key, orNone(d.Kernel), orNone(d.Ours))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return "`" + s + "`"
}

// Compare lists the facts on which kernel and ours differ, sorted by key.
func Compare(kernel, ours Model) []Diff {
	var diffs []Diff
	for k, v := range kernel {
		if ours[k] != v {
			diffs = append(diffs, Diff{Key: k, Kernel: v, Ours: ours[k]})
		}
	}
	for k, v := range ours {
		if _, ok := kernel[k]; !ok {
			diffs = append(diffs, Diff{Key: k, Ours: v})
		}
	}
	slices.SortFunc(diffs, func(a, b Diff) int { return strings.Compare(a.Key.String(), b.Key.String()) })
	return diffs
}
