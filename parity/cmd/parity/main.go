// Command parity compares genlgen with the kernel and writes PARITY.md:
// the policy snapshots that parity's guest test printed on the QEMU
// console (-serial), and the replies of the kernel's Python YNL client and
// genlgen's clients on the host kernel. It exits 1 when a difference is not
// explained by parity.KnownPolicy or parity.KnownData, or when an
// explanation no longer matches anything.
//
// Usage:
//
//	parity -serial build/parity/vm/serial.log -linux build/linux-source-6.12 \
//	    -specs build/linux-source-6.12/Documentation/netlink/specs -o PARITY.md
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
		if err := r.policies(*serial); err != nil {
			fmt.Fprintln(os.Stderr, "parity:", err)
			os.Exit(1)
		}
	}
	if *linux != "" {
		r.data(*linux)
	}
	var buf bytes.Buffer
	r.write(&buf)
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
	fmt.Fprintf(os.Stderr, "parity: %d policy families, %d data cases, no unexplained difference\n", len(r.pol), len(r.dat))
}

type report struct {
	specs    map[string]*spec.Family
	pol      []policyResult
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

// readSnapshots collects the snapshot lines of a serial log.
func readSnapshots(path string) (map[string]*parity.Snapshot, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	snaps := map[string]*parity.Snapshot{}
	release := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if i := strings.Index(line, "Linux version "); i >= 0 && release == "" {
			if fs := strings.Fields(line[i:]); len(fs) > 2 {
				release = fs[2]
			}
		}
		i := strings.Index(line, parity.SnapshotMarker)
		if i < 0 {
			continue
		}
		s := new(parity.Snapshot)
		if err := json.Unmarshal([]byte(line[i+len(parity.SnapshotMarker):]), s); err != nil {
			return nil, "", fmt.Errorf("%s: snapshot line: %w", path, err)
		}
		snaps[s.Name] = s
	}
	return snaps, release, sc.Err()
}

func (r *report) policies(serial string) error {
	snaps, release, err := readSnapshots(serial)
	if err != nil {
		return err
	}
	r.release = release
	r.usedPol = map[*parity.KnownDiff]bool{}
	for _, f := range parity.Families {
		res := policyResult{fam: f}
		if f.NoModule != "" {
			res.skip = f.NoModule
			r.pol = append(r.pol, res)
			continue
		}
		sp := r.specs[f.Spec]
		var models [2]parity.Model
		for i, name := range []string{f.Spec, f.Ours()} {
			s := snaps[name]
			if s == nil {
				r.fail("%s: no snapshot of %s in %s", f.Spec, name, serial)
				continue
			}
			m, err := parity.Normalise(s, sp)
			if err != nil {
				r.fail("%v", err)
				continue
			}
			models[i] = m
		}
		if models[0] == nil || models[1] == nil {
			res.skip = "snapshot missing (see the failures above)"
			r.pol = append(r.pol, res)
			continue
		}
		ops := map[string]bool{}
		for _, m := range models {
			for _, op := range m.Ops() {
				ops[op] = true
			}
		}
		attrs := map[parity.Key]bool{}
		for _, m := range models {
			for k := range m {
				if k.IsAttr() {
					attrs[k] = true
				}
			}
		}
		res.ops, res.attrs = len(ops), len(attrs)
		for _, d := range parity.Compare(models[0], models[1]) {
			text := d.String()
			k := parity.Explain(parity.KnownPolicy, f.Spec, d.Key.String())
			if k == nil {
				r.fail("%s policy: unexplained difference: %s", f.Spec, text)
			} else {
				r.usedPol[k] = true
			}
			res.diffs = append(res.diffs, explained{text, k})
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
	return nil
}

func (r *report) data(linux string) {
	r.usedData = map[*parity.KnownDiff]bool{}
	for _, c := range parity.DataCases {
		sp := r.specs[c.Spec]
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
			res.py = parity.RunPython(ctx, c, linux, op.AttrSet)
			res.gg = parity.RunGo(ctx, c, op.AttrSet)
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
}
