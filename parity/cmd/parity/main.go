// Command parity compares genlgen with the kernel and writes PARITY.md:
// the policy snapshots that parity's guest test printed on the QEMU
// console (-serial), those of the 7.3 specs' modules that
// parity/cmd/paritymods built (-k73, its k73.json), and the replies of the
// kernel's Python YNL client and genlgen's clients on the host kernel. It
// exits 1 when a difference is not explained by parity.KnownPolicy,
// parity.KnownPolicy73 or parity.KnownData, or when an explanation no
// longer matches anything.
//
// Usage:
//
//	parity -serial build/parity/vm/serial.log -linux build/linux-source-6.12 \
//	    -specs build/linux-source-6.12/Documentation/netlink/specs \
//	    -k73 build/parity/k73.json -specs73 ../shared/ynl-7.3/specs -o PARITY.md
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/genlgen/genlgen/parity"
	"github.com/genlgen/genlgen/spec"
)

func main() {
	serial := flag.String("serial", "", "serial console log of the parity VM run (policy snapshots); empty skips the policy comparison")
	linux := flag.String("linux", "build/linux-source-6.12", "kernel source tree holding tools/net/ynl/cli.py; empty skips the data comparison")
	specs := flag.String("specs", "", "directory of the YNL specs (default LINUX/Documentation/netlink/specs)")
	out := flag.String("o", "", "write the report to this file (default: standard output)")
	k73 := flag.String("k73", "", "status file of the 7.3 modules (k73.json from parity/cmd/paritymods); empty skips the 7.3 comparison")
	specs73 := flag.String("specs73", "../shared/ynl-7.3/specs", "directory of the 7.3 specs")
	detailsOut := flag.String("details", "build/parity/differences.md", "write every difference with its cause to this file (empty: nowhere)")
	cli := flag.String("cli", "../shared/ynl-7.3/pyynl/cli.py", "the kernel's Python client (7.3) the data comparison runs, with the 7.3 specs; empty skips it")
	flag.Parse()
	if *specs == "" {
		*specs = filepath.Join(*linux, "Documentation/netlink/specs")
	}
	r := &report{specs: map[string]*spec.Family{}}
	if err := r.loadSpecs(*specs); err != nil {
		fmt.Fprintln(os.Stderr, "parity:", err)
		os.Exit(1)
	}
	if *serial != "" {
		log, err := readSerial(*serial)
		if err != nil {
			fmt.Fprintln(os.Stderr, "parity:", err)
			os.Exit(1)
		}
		r.release = log.release
		r.policies(log)
		if *k73 != "" {
			if err := r.policies73(log, *k73, *specs73); err != nil {
				fmt.Fprintln(os.Stderr, "parity:", err)
				os.Exit(1)
			}
		}
	}
	if *cli != "" {
		if err := r.data(*cli, *specs73); err != nil {
			fmt.Fprintln(os.Stderr, "parity:", err)
			os.Exit(1)
		}
	}
	var buf, details bytes.Buffer
	r.write(&buf, &details)
	if *detailsOut != "" {
		if err := os.WriteFile(*detailsOut, details.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "parity:", err)
			os.Exit(1)
		}
	}
	if *out == "" {
		os.Stdout.Write(buf.Bytes())
	} else if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "parity:", err)
		os.Exit(1)
	}
	for _, f := range r.failures {
		fmt.Fprintln(os.Stderr, "parity: FAIL:", f)
	}
	if len(r.failures) > 0 {
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "parity: %d policy families, %d 7.3 specs, %d data cases, no unexplained difference\n", len(r.pol), len(r.k73), len(r.dat))
}

type report struct {
	specs map[string]*spec.Family
	// d writes to the details file (write).
	d        func(string, ...any)
	pol      []policyResult
	k73      []k73Result
	dat      []dataResult
	release  string
	failures []string
	usedPol  map[*parity.KnownDiff]bool
	usedData map[*parity.KnownDiff]bool
}

type explained struct {
	text  string
	known *parity.KnownDiff
}

type policyResult struct {
	fam       parity.Family
	skip      string
	ops       int
	attrs     int
	diffs     []explained
	identical bool
}

// k73Result is one 7.3 spec: the kernel generator's module against
// genlgen's.
type k73Result struct {
	s         parity.K73Spec
	skip      string
	ops       int
	attrs     int
	diffs     []explained
	identical bool
}

type dataResult struct {
	c      parity.DataCase
	py, gg parity.Outcome
	diffs  []explained
}

func (r *report) loadSpecs(dir string) error {
	names := map[string]bool{}
	for _, f := range parity.Families {
		names[f.Spec] = true
	}
	for _, c := range parity.DataCases {
		names[c.Spec] = true
	}
	for n := range names {
		f, err := spec.Load(filepath.Join(dir, n+".yaml"))
		if err != nil {
			return err
		}
		r.specs[n] = f
	}
	return nil
}

func (r *report) fail(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// serialLog is what the parity VM run's console says.
type serialLog struct {
	snaps   map[string]*parity.Snapshot
	release string
	// registerErr holds, by family name, the error of a kernel
	// generator's module whose genl_register_family failed.
	registerErr map[string]string
}

// readSerial collects the snapshot lines of a serial log.
func readSerial(path string) (*serialLog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l := &serialLog{snaps: map[string]*parity.Snapshot{}, registerErr: map[string]string{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if i := strings.Index(line, "Linux version "); i >= 0 && l.release == "" {
			if fs := strings.Fields(line[i:]); len(fs) > 2 {
				l.release = fs[2]
			}
		}
		if i := strings.Index(line, parity.YNLRegisterMarker); i >= 0 {
			if fs := strings.Fields(line[i+len(parity.YNLRegisterMarker):]); len(fs) == 2 {
				l.registerErr[fs[0]] = fs[1]
			}
		}
		i := strings.Index(line, parity.SnapshotMarker)
		if i < 0 {
			continue
		}
		s := new(parity.Snapshot)
		if err := json.Unmarshal([]byte(line[i+len(parity.SnapshotMarker):]), s); err != nil {
			return nil, fmt.Errorf("%s: snapshot line: %w", path, err)
		}
		l.snaps[s.Name] = s
	}
	return l, sc.Err()
}

// comparePolicies normalises the snapshots of two families registered from
// one spec (names: the reference's, then genlgen's) and compares them,
// each difference explained by an entry of known (marked in used) or
// failing the run; ok is false when a snapshot is missing or malformed.
func (r *report) comparePolicies(log *serialLog, specName, what string, names [2]string, sp *spec.Family, known []parity.KnownDiff, used map[*parity.KnownDiff]bool) (ops, attrs int, diffs []explained, ok bool) {
	var models [2]parity.Model
	for i, name := range names {
		s := log.snaps[name]
		if s == nil {
			r.fail("%s: no snapshot of %s in the serial log", what, name)
			continue
		}
		m, err := parity.Normalise(s, sp)
		if err != nil {
			r.fail("%s: %v", what, err)
			continue
		}
		models[i] = m
	}
	if models[0] == nil || models[1] == nil {
		return 0, 0, nil, false
	}
	ops, attrs = countModels(models)
	for _, d := range parity.Compare(models[0], models[1]) {
		k := parity.Explain(known, specName, d.Key.String())
		if k == nil {
			r.fail("%s policy: unexplained difference: %s", what, d.String())
		} else {
			used[k] = true
		}
		diffs = append(diffs, explained{d.String(), k})
	}
	return ops, attrs, diffs, true
}

func (r *report) policies(log *serialLog) {
	r.usedPol = map[*parity.KnownDiff]bool{}
	for _, f := range parity.Families {
		res := policyResult{fam: f}
		if f.NoModule != "" {
			res.skip = f.NoModule
			r.pol = append(r.pol, res)
			continue
		}
		sp := r.specs[f.Spec]
		var ok bool
		res.ops, res.attrs, res.diffs, ok = r.comparePolicies(log, f.Spec, f.Spec, [2]string{f.Spec, f.Ours()}, sp, parity.KnownPolicy, r.usedPol)
		if !ok {
			res.skip = "snapshot missing (see the failures above)"
			r.pol = append(r.pol, res)
			continue
		}
		res.identical = len(res.diffs) == 0
		r.pol = append(r.pol, res)
	}
	// An explanation of a generated family names one difference: when it
	// no longer occurs, it must go. Hand-written families' explanations
	// are catch-alls and may match nothing.
	for i, k := range parity.KnownPolicy {
		if f, _ := parity.FamilyBySpec(k.Spec); f.Generated && !r.usedPol[&parity.KnownPolicy[i]] {
			r.fail("%s policy: known difference %q no longer occurs; remove it from parity/known.go", k.Spec, k.Match)
		}
	}
}

// policies73 compares, for every 7.3 spec of the status file whose two
// modules built, the kernel generator's family with genlgen's.
func (r *report) policies73(log *serialLog, status, specsDir string) error {
	b, err := os.ReadFile(status)
	if err != nil {
		return err
	}
	var specs []parity.K73Spec
	if err := json.Unmarshal(b, &specs); err != nil {
		return fmt.Errorf("%s: %w", status, err)
	}
	if len(specs) == 0 {
		r.fail("%s lists no 7.3 spec", status)
	}
	used := map[*parity.KnownDiff]bool{}
	for _, st := range specs {
		res := k73Result{s: st}
		var why []string
		if st.YNLErr != "" {
			why = append(why, "kernel generator's module: "+st.YNLErr)
		}
		if st.GenlgenErr != "" {
			why = append(why, "genlgen's module: "+st.GenlgenErr)
		}
		switch {
		case len(why) > 0:
			res.skip = strings.Join(why, "; ")
		case st.NotLoaded != "":
			res.skip = "both modules build, not loaded: " + st.NotLoaded
		}
		if res.skip != "" {
			r.k73 = append(r.k73, res)
			continue
		}
		if e, ok := log.registerErr[st.YNL]; ok {
			res.skip = "kernel generator's module: genl_register_family fails on 6.12 with " + e
			r.k73 = append(r.k73, res)
			continue
		}
		sp, err := spec.Load(filepath.Join(specsDir, st.Spec+".yaml"))
		if err != nil {
			r.fail("%s (7.3): %v", st.Spec, err)
			continue
		}
		var ok bool
		res.ops, res.attrs, res.diffs, ok = r.comparePolicies(log, st.Spec, st.Spec+" (7.3)", [2]string{st.YNL, st.Genlgen}, sp, parity.KnownPolicy73, used)
		if !ok {
			res.skip = "snapshot missing (see the failures)"
			r.k73 = append(r.k73, res)
			continue
		}
		res.identical = len(res.diffs) == 0
		r.k73 = append(r.k73, res)
	}
	for _, res := range r.k73 {
		why, expected := parity.NotCompared73[res.s.Spec]
		switch {
		case res.skip != "" && !expected:
			r.fail("%s (7.3): not compared (%s), and parity/known.go does not expect it", res.s.Spec, res.skip)
		case res.skip == "" && expected:
			r.fail("%s (7.3): compared, but parity/known.go lists it as not comparable (%s): remove it", res.s.Spec, why)
		}
	}
	for i, k := range parity.KnownPolicy73 {
		if !used[&parity.KnownPolicy73[i]] {
			r.fail("%s (7.3) policy: known difference %q no longer occurs; remove it from parity/known.go", k.Spec, k.Match)
		}
	}
	return nil
}

// countModels counts the ops and attribute facts of two models together.
func countModels(models [2]parity.Model) (ops, attrs int) {
	opSet := map[string]bool{}
	attrSet := map[parity.Key]bool{}
	for _, m := range models {
		for _, op := range m.Ops() {
			opSet[op] = true
		}
		for k := range m {
			if k.IsAttr() {
				attrSet[k] = true
			}
		}
	}
	return len(opSet), len(attrSet)
}

func (r *report) data(cli, specs string) error {
	r.usedData = map[*parity.KnownDiff]bool{}
	for _, c := range parity.DataCases {
		sp, err := spec.Load(filepath.Join(specs, c.Spec+".yaml"))
		if err != nil {
			return err
		}
		op := sp.Op(c.Op)
		if op == nil || op.AttrSet == nil {
			r.fail("%s: no op %s with an attribute set in the spec", c.Spec, c.Op)
			continue
		}
		res := dataResult{c: c}
		var lines []string
		// Dumps of live tables (tcp_metrics) may change between the two
		// runs: retry a few times before calling a difference real.
		for try := 0; try < 3; try++ {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			res.py = parity.RunPython(ctx, c, cli, specs)
			res.gg = parity.RunGo(ctx, c)
			cancel()
			lines = parity.CompareOutcomes(res.py, res.gg)
			if len(lines) == 0 {
				break
			}
		}
		for _, l := range lines {
			k := parity.Explain(parity.KnownData, c.Spec, c.Name()+": "+l)
			if k == nil {
				r.fail("%s: unexplained difference: %s", c.Name(), l)
			} else {
				r.usedData[k] = true
			}
			res.diffs = append(res.diffs, explained{l, k})
		}
		r.dat = append(r.dat, res)
	}
	// The host's devices vary, so an unused data explanation is only
	// reported, not a failure.
	return nil
}
