#!/bin/sh
# bench/run.sh [BUILD]: the forwarding benchmark against the rule count, plus the
# hook traversal and checksum micro-benchmarks.  Figures go to BENCHMARKS.md by hand.
set -e
B=${1:-build}
U="$B/usnf"
COUNT=${COUNT:-2000000}
echo "# usnf bench forward (generated 64-byte UDP/TCP frames, 1024 flows, batch 32)"
for n in 0 1 10 100 1000 10000; do
	c=$COUNT
	[ "$n" -ge 1000 ] && c=$((COUNT / 10))
	[ "$n" -ge 10000 ] && c=$((COUNT / 100))
	"$U" bench forward -n "$n" -c "$c" 2>/dev/null
done
echo "# usnf bench hooks"
for n in 0 1 4 16; do
	"$U" bench hooks -n "$n" -c 20000000
done
echo "# usnf bench csum"
"$U" bench csum -c 20000000
