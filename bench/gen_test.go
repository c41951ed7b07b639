package bench

import (
	"github.com/genlgen/genlgen/internal/corpus"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"

	"github.com/genlgen/genlgen/internal/gogen"
	"github.com/genlgen/genlgen/internal/kgen"
	"github.com/genlgen/genlgen/spec"
)

// BenchmarkGenerate is goal 4: one op loads every genetlink spec of the
// corpus (14 of them; the netlink-raw ones are not generic netlink) and
// generates both the Go package and the kernel C for each. ns/op is the
// total; the goal is under 0.5 s.
func BenchmarkGenerate(b *testing.B) {
	specs := genetlinkSpecs(b)
	b.ReportMetric(float64(len(specs)), "specs")
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		for _, p := range specs {
			generateOne(b, p)
		}
	}
	cpu.report(b, 0, "")
}

// BenchmarkGenerateParallel is goal 4 as the CLI runs it
// (`genlgen -go DIR -kmod DIR SPEC...`): one worker per CPU, each taking
// the next spec.
func BenchmarkGenerateParallel(b *testing.B) {
	specs := genetlinkSpecs(b)
	b.ReportMetric(float64(len(specs)), "specs")
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		next := make(chan string, len(specs))
		for _, p := range specs {
			next <- p
		}
		close(next)
		var wg sync.WaitGroup
		for range goruntime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range next {
					generateOne(b, p)
				}
			}()
		}
		wg.Wait()
	}
	cpu.report(b, 0, "")
}

func generateOne(b *testing.B, p string) {
	f, err := spec.Load(p)
	if err != nil {
		b.Errorf("%s: %v", p, err)
		return
	}
	if _, err := gogen.Generate(f, gogen.Options{}); err != nil {
		b.Errorf("%s: %v", p, err)
	}
	if _, err := kgen.Generate(f, kgen.Options{}); err != nil {
		b.Errorf("%s: %v", p, err)
	}
}

// genetlinkSpecs lists the corpus specs genlgen generates (not netlink-raw).
func genetlinkSpecs(b *testing.B) []string {
	dir := corpus.Require(b)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	var specs []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(string(data), "netlink-raw") {
			specs = append(specs, p)
		}
	}
	if len(specs) == 0 {
		b.Fatalf("no spec corpus in %s", dir)
	}
	return specs
}
