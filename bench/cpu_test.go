package bench

import (
	"testing"

	"golang.org/x/sys/unix"
)

// The machine these benchmarks run on is shared, and wall time per
// operation includes however long the scheduler kept the benchmark off a
// CPU. The process's CPU time (user and system, all threads, so the
// kernel's work for our system calls and the garbage collector are
// included) does not, so every benchmark that talks to the kernel reports
// it too, as cpu-ns/op.

func processCPU() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}

// cpuMeter measures the CPU time of a b.Loop loop.
type cpuMeter struct{ start int64 }

func startCPU() cpuMeter { return cpuMeter{processCPU()} }

// report adds cpu-ns/op and, when per > 0, cpu-ns per unit (per units
// were handled in all).
func (m cpuMeter) report(b *testing.B, per int, unit string) {
	cpu := float64(processCPU() - m.start)
	b.ReportMetric(cpu/float64(b.N), "cpu-ns/op")
	if per > 0 {
		b.ReportMetric(cpu/float64(per), "cpu-ns/"+unit)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(per), "ns/"+unit)
	}
}
