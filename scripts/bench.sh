#!/bin/sh
# bench.sh OUT COUNT YNLBENCH N - run the benchmarks of BENCHMARKS.md in
# COUNT interleaved rounds: each round runs each group of Go benchmarks of
# bench/ (-count 1) right next to ynlbench's C baselines of that group, so
# that the machine's load drifting during the run hits every variant alike
# and ratios compare figures of the same run. Writes OUT/bench.txt (all
# rounds, Go benchmark format), OUT/tables.md (bench/cmd/benchtable) and
# prints both summaries.
set -eu

out=${1:?usage: bench.sh OUT COUNT YNLBENCH N}
count=${2:?}
ynlbench=${3:?}
n=${4:?}
go=${GO:-go}

mkdir -p "$out"
out=$(cd "$out" && pwd) # the Go benchmarks run in bench/
"$go" test -c -o "$out/bench.test" ./bench
"$go" build -o "$out/benchtable" ./bench/cmd/benchtable
txt=$out/bench.txt
: >"$txt"
{
	echo "# bench.sh: $count rounds, $(date -u +%Y-%m-%dT%H:%M:%SZ), kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$txt"
# go_bench REGEXP: one run of the Go benchmarks of bench/ matching REGEXP,
# appended to $txt (with go test's header lines the first time).
first=1
go_bench() {
	# The test binary runs in its package directory, as go test would.
	(cd bench && "$out/bench.test" -test.run '^$' -test.bench "$1" -test.benchmem -test.cpu 1 -test.count 1) >"$out/round.txt"
	if [ "$first" = 1 ]; then cat "$out/round.txt"; else grep '^Benchmark' "$out/round.txt"; fi >>"$txt"
	first=0
}
# c_bench NAME: one run of the C baselines whose names contain NAME.
c_bench() {
	"$ynlbench" -run "$1" -n "$n" -count 1 >"$out/round.txt"
	grep '^Benchmark' "$out/round.txt" >>"$txt"
}
# pair REGEXP NAME: a group of Go benchmarks right next to its C baselines,
# the C ones first in every other round, so that the host's speed drifting
# (10-15% within minutes, seen here) hits both sides of a ratio alike.
pair() {
	if [ $((i % 2)) = 1 ]; then
		go_bench "$1"
		c_bench "$2"
	else
		c_bench "$2"
		go_bench "$1"
	fi
}
i=1
while [ "$i" -le "$count" ]; do
	echo "bench.sh: round $i of $count" >&2
	pair 'GetFamily' GetFamily
	pair 'Dump(Families|Devices)' Dump
	go_bench 'Encode|Decode|Generate'
	i=$((i + 1))
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$txt"
# The dump memory benchmark of runtime/ (goal 5) needs no baseline.
"$go" test -run '^$' -bench DumpMemory -benchmem -cpu 1 -count "$count" ./runtime >>"$txt"
rm -f "$out/round.txt"
"$out/benchtable" "$txt" >"$out/tables.md"
cat "$out/tables.md"
