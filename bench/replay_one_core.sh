#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 2's one-core target: `taskset -c 0 weir-cli FILE --stats` on the generated 1 GiB access
# log, repeated, each run next to a `wc -l` of the same file in the same loop, and printed as a
# table with the medians. One command:
#
#   bash bench/replay_one_core.sh
#
# Environment (all optional):
#   WEIR_BENCH_BYTES  file size in bytes (default 1073741824)
#   WEIR_BENCH_DATA   where the generated file is kept (default bench/data, git-ignored); the
#                     file is the one bench/replay_access_log.sh generates (same name, reused)
#   WEIR_BENCH_BUILD  Release build directory (default build-bench), configured and built here
#                     (core only) unless WEIR_CLI is given
#   WEIR_CLI          the weir-cli to measure
#   WEIR_BENCH_RUNS   repetitions (default 7)
#   WEIR_BENCH_CPU    the core to pin to (default 0)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
bytes=${WEIR_BENCH_BYTES:-1073741824}
data=${WEIR_BENCH_DATA:-$repo/bench/data}
build=${WEIR_BENCH_BUILD:-$repo/build-bench}
runs=${WEIR_BENCH_RUNS:-7}
cpu=${WEIR_BENCH_CPU:-0}

for tool in taskset /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "replay_one_core: $tool is missing (apt-get install util-linux time)" >&2
        exit 2
    }
done

gen=$build/bin/weir-gen-access-log
if [ -z "${WEIR_CLI:-}" ] || [ ! -x "$gen" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEIR_BUILD_GUI=OFF \
        -DWEIR_BUILD_TESTS=OFF -DWEIR_BUILD_BENCH=ON >/dev/null
    cmake --build "$build" --target weir-cli weir-gen-access-log >/dev/null
fi
WEIR_CLI=${WEIR_CLI:-$build/bin/weir-cli}

mkdir -p "$data"
file=$data/access-$bytes-s1-0.3.log
if [ ! -s "$file" ] || [ ! -e "$file.done" ]; then
    echo "replay_one_core: generating $file" >&2
    rm -f "$file.done"
    "$gen" "$bytes" 1 0.3 >"$file"
    touch "$file.done"
fi
cat "$file" >/dev/null # warm the page cache

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
printf '| run | `wc -l` s | weir-cli wall s | M lines/s (wall) | weir-cli own s | M lines/s (own) | user+sys CPU s | weir/wc |\n'
printf '|----:|---------:|----------------:|-----------------:|---------------:|----------------:|---------------:|--------:|\n'
for ((i = 1; i <= runs; i++)); do
    t0=$(now)
    wc_lines=$(taskset -c "$cpu" wc -l <"$file")
    t1=$(now)
    wc_s=$(secs "$t0" "$t1")
    t0=$(now)
    /usr/bin/time -f '%U %S' -o "$tmp/time" taskset -c "$cpu" "$WEIR_CLI" "$file" --stats >"$tmp/out"
    t1=$(now)
    wall=$(secs "$t0" "$t1")
    read -r user sys <"$tmp/time"
    lines=$(grep -o '"lines":[0-9]*' "$tmp/out" | cut -d: -f2)
    own=$(grep -o '"seconds":[0-9.e+-]*' "$tmp/out" | cut -d: -f2)
    [ "$lines" = "$wc_lines" ] || echo "WARNING: weir-cli counted $lines lines, wc -l $wc_lines" >&2
    rate_wall=$(awk -v n="$lines" -v t="$wall" 'BEGIN { printf "%.2f", n / t / 1e6 }')
    rate_own=$(awk -v n="$lines" -v t="$own" 'BEGIN { printf "%.2f", n / t / 1e6 }')
    own=$(awk -v t="$own" 'BEGIN { printf "%.3f", t }')
    cpu_s=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    ratio=$(awk -v w="$wall" -v c="$wc_s" 'BEGIN { printf "%.2f", w / c }')
    printf '| %d | %s | %s | %s | %s | %s | %s | %s |\n' "$i" "$wc_s" "$wall" "$rate_wall" "$own" \
        "$rate_own" "$cpu_s" "$ratio"
    echo "$wc_s $wall $rate_wall $own $rate_own $cpu_s $ratio" >>"$tmp/rows"
done
col() { awk -v c="$1" '{ print $c }' "$tmp/rows" | median; }
printf '| **median** | %s | %s | **%s** | %s | **%s** | %s | %s |\n' "$(col 1)" "$(col 2)" "$(col 3)" \
    "$(col 4)" "$(col 5)" "$(col 6)" "$(col 7)"
echo
echo "file: $file ($(stat -c %s "$file") bytes, $lines lines), page cache warm; every command pinned with taskset -c $cpu"
echo "weir-cli: $WEIR_CLI ($("$WEIR_CLI" --version)); M lines/s (own) uses weir-cli's --stats \"seconds\""
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
