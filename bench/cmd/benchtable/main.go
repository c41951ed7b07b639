// Command benchtable reads Go benchmark output (go test -bench, and
// ynlbench's lines in the same format) and prints, for each benchmark, a
// Markdown table of its variants (BenchmarkGetFamily/raw-c,
// BenchmarkGetFamily/genlgen, ...; "-" for a benchmark without any) with
// their median and best over the rounds and their ratios to the baselines
// measured in the same run, of the medians and of the bests. The best
// rounds show what the code costs when the machine is quiet: on a shared
// VM some rounds run 40% slower for every variant at once. The last
// columns pair each round with the same round of raw-c and of the libynl
// baselines (the i-th result of each variant; scripts/bench.sh runs a
// round's variants seconds apart) and give the median of those ratios
// and their range: a slow spell that hits a whole round moves both sides
// of its ratio, so these are the steadiest figures of the table.
// BENCHMARKS.md's tables come from it:
//
//	go run ./bench/cmd/benchtable build/bench/bench.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// baselines are the variants other variants are compared with, in the
// order their ratio columns appear. libynl-fixed is libynl with upstream's
// fix for decoding indexed arrays (bench/c/ynlbench.c).
var baselines = []string{"raw-c", "raw-go", "libynl", "libynl-fixed", "mdlayher"}

// pairedBaselines are the baselines that also get a "per round" column:
// those the goals compare with. Decode and Encode tables, which have
// none of them, pair with their first baseline instead.
var pairedBaselines = []string{"raw-c", "libynl", "libynl-fixed"}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchtable FILE...")
		os.Exit(2)
	}
	var runs []result
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(1)
		}
		rs, err := parse(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchtable: %s: %v\n", name, err)
			os.Exit(1)
		}
		runs = append(runs, rs...)
	}
	write(os.Stdout, summarise(runs))
}

// result is one line of benchmark output: one round of one variant.
type result struct {
	group, variant string
	values         map[string]float64 // by unit
}

// parse reads the benchmark lines of r; other lines are skipped.
func parse(r io.Reader) ([]result, error) {
	var out []result
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		res := result{group: name, variant: "-", values: map[string]float64{}}
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			res.group, res.variant = name[:i], name[i+1:]
		}
		if len(f)%2 != 0 {
			return nil, fmt.Errorf("line %d: value without unit: %q", line, sc.Text())
		}
		for j := 2; j+1 < len(f); j += 2 {
			v, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			res.values[f[j+1]] = v
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// stat is a variant's summary over its rounds.
type stat struct {
	variant      string
	median, best float64   // of the primary unit
	wall         float64   // median ns/op
	allocs       float64   // median allocs/op, -1 if not reported
	rounds       []float64 // of the primary unit, in the order run
}

// table is one benchmark's variants.
type table struct {
	group, unit string
	stats       []stat
}

// primaryUnit picks what a group is compared by: peak live heap for the
// memory benchmark, CPU time per entry for dumps, CPU time per operation
// where measured, wall time otherwise.
func primaryUnit(rs []result) string {
	for _, r := range rs {
		if _, ok := r.values["peak-live-B"]; ok {
			return "peak-live-B"
		}
	}
	for _, r := range rs {
		for u := range r.values {
			if strings.HasPrefix(u, "cpu-ns/") && u != "cpu-ns/op" {
				return u
			}
		}
	}
	for _, r := range rs {
		if _, ok := r.values["cpu-ns/op"]; ok {
			return "cpu-ns/op"
		}
	}
	return "ns/op"
}

func summarise(runs []result) []table {
	var groups []string
	byGroup := map[string][]result{}
	for _, r := range runs {
		if _, ok := byGroup[r.group]; !ok {
			groups = append(groups, r.group)
		}
		byGroup[r.group] = append(byGroup[r.group], r)
	}
	var out []table
	for _, g := range groups {
		rs := byGroup[g]
		t := table{group: g, unit: primaryUnit(rs)}
		var variants []string
		vals := map[string]map[string][]float64{}
		for _, r := range rs {
			if vals[r.variant] == nil {
				variants = append(variants, r.variant)
				vals[r.variant] = map[string][]float64{}
			}
			for u, v := range r.values {
				vals[r.variant][u] = append(vals[r.variant][u], v)
			}
		}
		// The raw baselines first, the rest as they came.
		slices.SortStableFunc(variants, func(a, b string) int { return rank(a) - rank(b) })
		for _, v := range variants {
			p := vals[v][t.unit]
			if len(p) == 0 {
				continue
			}
			s := stat{variant: v, median: median(p), best: slices.Min(p), wall: median(vals[v]["ns/op"]), allocs: -1, rounds: p}
			if a := vals[v]["allocs/op"]; len(a) > 0 {
				s.allocs = median(a)
			}
			t.stats = append(t.stats, s)
		}
		out = append(out, t)
	}
	return out
}

func rank(variant string) int {
	switch variant {
	case "raw-c":
		return 0
	case "raw-go":
		return 1
	}
	return 2
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func write(w io.Writer, tables []table) {
	for _, t := range tables {
		var bases []stat
		for _, b := range baselines {
			for _, s := range t.stats {
				if s.variant == b && (b != "mdlayher" || len(bases) == 0) {
					bases = append(bases, s)
				}
			}
		}
		fmt.Fprintf(w, "%s (%s: median of the rounds, best in brackets; ratios of the medians, of the bests in brackets)\n\n", t.group, t.unit)
		head := "| variant | " + t.unit + " | rounds |"
		rule := "|---|---|---|"
		for _, b := range bases {
			head += " vs " + b.variant + " |"
			rule += "---|"
		}
		paired := pairedOf(bases)
		for _, b := range paired {
			head += " per round vs " + b.variant + " |"
			rule += "---|"
		}
		fmt.Fprintln(w, head+" wall ns/op | allocs/op |")
		fmt.Fprintln(w, rule+"---|---|")
		for _, s := range t.stats {
			row := fmt.Sprintf("| %s | %s (%s) | %d |", s.variant, num(s.median), num(s.best), len(s.rounds))
			for _, b := range bases {
				row += fmt.Sprintf(" %.2fx (%.2fx) |", s.median/b.median, s.best/b.best)
			}
			for _, b := range paired {
				row += " " + perRound(s.rounds, b.rounds) + " |"
			}
			allocs := "-"
			if s.allocs >= 0 {
				allocs = num(s.allocs)
			}
			fmt.Fprintf(w, "%s %s | %s |\n", row, num(s.wall), allocs)
		}
		fmt.Fprintln(w)
	}
}

// pairedOf returns the bases that get a per-round column.
func pairedOf(bases []stat) []stat {
	var paired []stat
	for _, b := range bases {
		if slices.Contains(pairedBaselines, b.variant) {
			paired = append(paired, b)
		}
	}
	if len(paired) == 0 && len(bases) > 0 {
		paired = bases[:1]
	}
	return paired
}

// perRound pairs the i-th round of v with the i-th of base and prints the
// median of the ratios and, in brackets, their range; "-" if base has no
// round to pair with.
func perRound(v, base []float64) string {
	var ratios []float64
	for i := range min(len(v), len(base)) {
		if base[i] > 0 {
			ratios = append(ratios, v[i]/base[i])
		}
	}
	if len(ratios) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx (%.2fx-%.2fx)", median(ratios), slices.Min(ratios), slices.Max(ratios))
}

// num prints a figure without spurious precision.
func num(v float64) string {
	if v >= 100 || v == float64(int64(v)) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
