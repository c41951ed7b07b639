package main

import (
	"fmt"
	"io"
	"strings"
)

// write renders PARITY.md to w, a page of verdicts (what is compared, a
// table, the causes of the differences by family), and every difference
// with its cause to details (build/parity/differences.md).
func (r *report) write(w, details io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	r.d = func(format string, args ...any) { fmt.Fprintf(details, format+"\n", args...) }
	r.d("# Parity with the kernel: every difference")
	r.d("")
	r.d("Written by `make parity` with PARITY.md, which holds the verdicts.")
	p("# Parity with the kernel")
	p("")
	p("Written by `make parity` (parity/cmd/parity); do not edit by hand. Known")
	p("differences and their causes live in parity/known.go; any other")
	p("difference fails `make parity`. Below, the verdicts and the causes of")
	p("the differences; every difference is listed in")
	p("build/parity/differences.md, which the same run writes.")
	if r.pol != nil {
		r.writePolicies(p)
	}
	if r.k73 != nil {
		r.writeK73(p)
	}
	if r.dat != nil {
		r.writeData(p)
	}
}

func (r *report) writePolicies(p func(string, ...any)) {
	release := r.release
	if release == "" {
		release = "the QEMU guest's kernel"
	}
	p("")
	p("## Policies: the kernel's families and genlgen's modules")
	p("")
	p("In one QEMU boot of %s, genlgen's module for each spec registers", release)
	p("`<name>_gg` beside the kernel's family `<name>`. nlctrl's getfamily and")
	p("getpolicy dumps of both are compared: family version, header size,")
	p("maxattr and multicast groups; each op's flags (admin-perm,")
	p("uns-admin-perm, cmd-cap-do, cmd-cap-dump, cmd-cap-haspol); whether its do")
	p("and dump have a policy; and every attribute of those policies, nested")
	p("ones too (walked from each op's root policy, so that the kernel's")
	p("policy numbering does not matter), with its type, value and length")
	p("limits, mask and nested policy size. Attributes whose policy is")
	p("unspec or reject are not in the dump and so not compared.")
	p("")
	p("Families whose kernel code the kernel's own YNL generator wrote from the")
	p("spec must be identical; hand-written ones are listed with every")
	p("difference and its cause.")
	p("")
	p("| family | kernel code | generated from the spec | ops | attributes | result |")
	p("|---|---|---|---:|---:|---|")
	for _, res := range r.pol {
		gen := "no (hand-written)"
		if res.fam.Generated {
			gen = "yes"
		}
		result := "identical"
		switch {
		case res.skip != "":
			result = "not compared"
		case !res.identical:
			result = plural(len(res.diffs), "difference")
		}
		ops, attrs := fmt.Sprint(res.ops), fmt.Sprint(res.attrs)
		if res.skip != "" {
			ops, attrs = "-", "-"
		}
		p("| %s | `%s` | %s | %s | %s | %s |", res.fam.Spec, res.fam.Source, gen, ops, attrs, result)
	}
	p("")
	for _, res := range r.pol {
		if res.skip == "" && res.identical {
			continue
		}
		r.d("")
		r.d("## %s", res.fam.Spec)
		r.d("")
		if res.skip != "" {
			r.d("Not compared: %s.", res.skip)
			p("- %s: not compared: %s.", res.fam.Spec, res.skip)
			continue
		}
		writeExplained(r.d, res.diffs)
		p("- %s: %s", res.fam.Spec, causes(res.diffs))
	}
}

func (r *report) writeK73(p func(string, ...any)) {
	compared, total := 0, 0
	for _, res := range r.k73 {
		if res.skip == "" {
			compared++
		}
		total++
	}
	p("")
	p("## Policies of the 7.3 specs: the kernel's YNL generator and genlgen")
	p("")
	p("For each genetlink spec of Linux 7.3, the kernel's own generator")
	p("(`ynl_gen_c.py --mode kernel`, the `<spec>-nl.c` and `-nl.h` the kernel")
	p("tree holds) is built against the 6.12 tree into a module, with the 7.3")
	p("tree's uAPI header (the generator's where the tree has none; the 7.3")
	p("uAPI headers the spec's definitions name, and those they include that")
	p("6.12 lacks, come along), stub handlers for every function the ops table")
	p("names, and the family struct the generator writes; for genetlink-legacy")
	p("specs, whose struct the kernel hand-writes, one with the same fields")
	p("plus the fixed header's size, the small ops' global policy and")
	p("resv_start_op past the last op, its split ops sorted by command (the")
	p("generator keeps the spec's order, which 6.12 refuses with a WARNING:")
	p("ovs_datapath, ovs_flow). It registers `<spec>_yk`; genlgen's module of")
	p("the spec registers `<spec>_g7` (names cut to fit GENL_NAMSIZ). All are")
	p("built in the same kernel make as the modules above (W=1, -Werror, but")
	p("unused static functions only warn in the generator's modules: it")
	p("writes sparse-enum validators that ethtool's policies never use),")
	p("loaded in the same QEMU boot, and their getfamily and getpolicy dumps")
	p("compared the same way; \"kernel\" in a difference below is the kernel")
	p("generator's module. Both come from the same spec, so every difference")
	p("is named in parity/known.go with its cause. Specs whose generator")
	p("output or genlgen module does not build against 6.12 are listed with")
	p("the first error (parity/cmd/paritymods; build/parity/kbuild.log).")
	p("")
	p("%d of %d specs compared.", compared, total)
	p("")
	p("| spec | families | ops | attributes | result |")
	p("|---|---|---:|---:|---|")
	for _, res := range r.k73 {
		result := "identical"
		ops, attrs := fmt.Sprint(res.ops), fmt.Sprint(res.attrs)
		switch {
		case res.skip != "":
			result, ops, attrs = "not compared", "-", "-"
		case !res.identical:
			result = plural(len(res.diffs), "difference")
		}
		p("| %s | `%s`, `%s` | %s | %s | %s |", res.s.Spec, res.s.YNL, res.s.Genlgen, ops, attrs, result)
	}
	var skipped, partial []k73Result
	for _, res := range r.k73 {
		if res.skip != "" {
			skipped = append(skipped, res)
		} else if len(res.s.SkipOps) > 0 {
			partial = append(partial, res)
		}
	}
	if len(partial) > 0 {
		p("")
		p("Compared without some ops' policies (dumped op by op, those left out;")
		p("their flags are still compared):")
		p("")
		for _, res := range partial {
			p("- %s: %s. %s", res.s.Spec, strings.Join(res.s.SkipOpNames, ", "), mdCode(res.s.SkipWhy))
		}
	}
	if len(skipped) > 0 {
		p("")
		p("Not compared:")
		p("")
		for _, res := range skipped {
			p("- %s: %s", res.s.Spec, mdCode(res.skip))
		}
	}
	p("")
	for _, res := range r.k73 {
		if res.skip != "" || res.identical {
			continue
		}
		r.d("")
		r.d("## %s (7.3)", res.s.Spec)
		r.d("")
		writeExplained(r.d, res.diffs)
		p("- %s (7.3): %s", res.s.Spec, causes(res.diffs))
	}
}

// mdCode keeps a compiler message readable in Markdown: its quoted names
// (gcc's ‘...’) in backticks.
func mdCode(s string) string {
	s = strings.NewReplacer("‘", "`", "’", "`").Replace(s)
	return s
}

// causes summarises diffs in one line: how many differences each cause
// explains, in order of first appearance.
func causes(diffs []explained) string {
	var order []string
	n := map[string]int{}
	for _, d := range diffs {
		c := "unexplained (a failure)"
		if d.known != nil {
			c = string(d.known.Cause)
		}
		if n[c] == 0 {
			order = append(order, c)
		}
		n[c]++
	}
	parts := make([]string, len(order))
	for i, c := range order {
		parts[i] = fmt.Sprintf("%s (%d)", c, n[c])
	}
	return plural(len(diffs), "difference") + ", by cause: " + strings.Join(parts, ", ")
}

// writeExplained lists differences grouped by their explanation (entries
// with the same cause and reason form one group).
func writeExplained(p func(string, ...any), diffs []explained) {
	var order []string
	groups := map[string][]string{}
	for _, d := range diffs {
		head := "Unexplained (a failure):"
		if d.known != nil {
			head = fmt.Sprintf("Cause: **%s**. %s", d.known.Cause, d.known.Why)
		}
		if _, ok := groups[head]; !ok {
			order = append(order, head)
		}
		groups[head] = append(groups[head], d.text)
	}
	for _, h := range order {
		p("%s", h)
		p("")
		for _, t := range groups[h] {
			p("- %s", t)
		}
		p("")
	}
}

func (r *report) writeData(p func(string, ...any)) {
	p("")
	p("## Data: the kernel's Python YNL client and genlgen's clients")
	p("")
	p("On the host kernel, the kernel's own client (7.3's `pyynl/cli.py")
	p("--output-json`, from ../shared/ynl-7.3, with the 7.3 specs) and")
	p("genlgen's generated client (internal/families, parity/clients) run the")
	p("same read-only op; genlgen's reply goes through encoding/json, whose")
	p("form for generated types is cli.py's (README, \"JSON\"). The two JSON")
	p("texts are compared as decoded values, so only the order of an object's")
	p("members is left aside: no other normalisation. Volatile attributes (a")
	p("timestamp's age) are left out; when both clients get the same kernel")
	p("error, that counts as the same outcome. The host's devices and")
	p("connections decide what the replies hold, so this part of the file")
	p("changes from machine to machine.")
	p("")
	p("Where cli.py loses data, genlgen keeps it, and the JSON differs: a")
	p("nest-type-value attribute with several entries is a list (cli.py keeps")
	p("the first entry only); an attribute the spec does not know is left out")
	p("of genlgen's JSON (kept raw in Unknown) where cli.py fails or, with")
	p("--process-unknown, shows it. None of the cases below has either.")
	p("")
	p("| case | cli.py | genlgen | result |")
	p("|---|---|---|---|")
	for _, res := range r.dat {
		result := "identical"
		if len(res.diffs) > 0 {
			result = plural(len(res.diffs), "difference")
		}
		p("| `%s` | %s | %s | %s |", res.c.Name(), res.py, res.gg, result)
	}
	for _, res := range r.dat {
		if len(res.diffs) == 0 {
			continue
		}
		r.d("")
		r.d("## `%s`", res.c.Name())
		r.d("")
		writeExplained(r.d, res.diffs)
		p("- `%s`: %s", res.c.Name(), causes(res.diffs))
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
