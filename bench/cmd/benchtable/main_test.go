package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	in := `goos: linux
BenchmarkGetFamily/genlgen 	 1000	 9000 ns/op	 8000 cpu-ns/op	 352 B/op	 5 allocs/op
BenchmarkGetFamily/raw-c 	 1000	 5000 ns/op	 4000 cpu-ns/op
BenchmarkGetFamily/genlgen 	 1000	 9900 ns/op	 9000 cpu-ns/op	 352 B/op	 5 allocs/op
BenchmarkGetFamily/raw-c 	 1000	 5500 ns/op	 5000 cpu-ns/op
BenchmarkGetFamily/genlgen 	 1000	 9500 ns/op	 6000 cpu-ns/op	 352 B/op	 5 allocs/op
BenchmarkGetFamily/raw-c 	 1000	 5200 ns/op	 6000 cpu-ns/op
BenchmarkDump/libynl 	 1000	 300 ns/op
BenchmarkDump/libynl-fixed 	 1000	 400 ns/op
BenchmarkDump/genlgen 	 1000	 360 ns/op
BenchmarkDecode/x/genlgen 	 1000	 100 ns/op
BenchmarkDecode/x/mdlayher 	 1000	 400 ns/op
BenchmarkNoVariants 	 1000	 400 ns/op
`
	rs, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	write(&out, summarise(rs))
	got := out.String()
	for _, want := range []string{
		// raw-c first; medians 5000 and 8000; best 4000 and 6000;
		// round by round 8000/4000, 9000/5000 and 6000/6000.
		"| raw-c | 5000 (4000) | 3 | 1.00x (1.00x) | 1.00x (1.00x-1.00x) | 5200 | - |",
		"| genlgen | 8000 (6000) | 3 | 1.60x (1.50x) | 1.80x (1.00x-2.00x) | 9500 | 5 |",
		"| genlgen | 100 (100) | 1 | 0.25x (0.25x) | 0.25x (0.25x-0.25x) | 100 | - |",
		// Both libynl columns, in the order of baselines.
		"| variant | ns/op | rounds | vs libynl | vs libynl-fixed | per round vs libynl | per round vs libynl-fixed |",
		"| genlgen | 360 (360) | 1 | 1.20x (1.20x) | 0.90x (0.90x) | 1.20x (1.20x-1.20x) | 0.90x (0.90x-0.90x) | 360 | - |",
		"GetFamily (cpu-ns/op",
		"Decode/x (ns/op",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "| - | 400 (400) | 1 | 400 | - |") {
		t.Errorf("a benchmark without variants has no row:\n%s", got)
	}
	if _, err := parse(strings.NewReader("BenchmarkA/b 1 2 ns/op 3\n")); err == nil {
		t.Error("a value without a unit was accepted")
	}
}
