#!/bin/sh
# bench.sh OUT COUNT YNLBENCH N - run the benchmarks of BENCHMARKS.md in
# COUNT interleaved rounds: each round runs the Go benchmarks of bench/
# (-count 1) and then ynlbench's C baselines, so that the machine's load
# drifting during the run hits every variant alike and ratios compare
# figures of the same run. Writes OUT/bench.txt (all rounds, Go benchmark
# format), OUT/tables.md (bench/cmd/benchtable) and prints both summaries.
set -eu

out=${1:?usage: bench.sh OUT COUNT YNLBENCH N}
count=${2:?}
ynlbench=${3:?}
n=${4:?}
go=${GO:-go}

mkdir -p "$out"
"$go" test -c -o "$out/bench.test" ./bench
"$go" build -o "$out/benchtable" ./bench/cmd/benchtable
txt=$out/bench.txt
: >"$txt"
{
	echo "# bench.sh: $count rounds, $(date -u +%Y-%m-%dT%H:%M:%SZ), kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$txt"
i=1
while [ "$i" -le "$count" ]; do
	echo "bench.sh: round $i of $count" >&2
	# The test binary runs in its package directory, as go test would.
	(cd bench && "../$out/bench.test" -test.run '^$' -test.bench . -test.benchmem -test.cpu 1 -test.count 1) >"$out/round.txt"
	if [ "$i" = 1 ]; then cat "$out/round.txt"; else grep '^Benchmark' "$out/round.txt"; fi >>"$txt"
	"$ynlbench" -n "$n" -count 1 >"$out/round.txt"
	grep '^Benchmark' "$out/round.txt" >>"$txt"
	i=$((i + 1))
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$txt"
# The dump memory benchmark of runtime/ (goal 5) needs no baseline.
"$go" test -run '^$' -bench DumpMemory -benchmem -cpu 1 -count "$count" ./runtime >>"$txt"
rm -f "$out/round.txt"
"$out/benchtable" "$txt" >"$out/tables.md"
cat "$out/tables.md"
