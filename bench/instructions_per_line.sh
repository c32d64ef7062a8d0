#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CPU instructions per line of `weir-cli FILE --stats` on generated access-log lines, counted by
# callgrind: repeatable to a few tenths of a percent even while other jobs load the machine,
# so it is the metric to compare changes of the replay hot path with. The fixed cost (start,
# format detection on the first 1000 lines, exit) is taken out by a second run on the first
# 1000 lines only:
#
#   (instructions on N lines - instructions on 1000 lines) / (N - 1000)
#
#   bash bench/instructions_per_line.sh          # WEIR_CLI=... to measure another build
#
# Environment: WEIR_CLI (default: build-bench/bin/weir-cli, built here), WEIR_BENCH_BUILD,
# WEIR_BENCH_DATA (default bench/data), WEIR_BENCH_BYTES (default 36000000: ~200 000 lines).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
bytes=${WEIR_BENCH_BYTES:-36000000}
data=${WEIR_BENCH_DATA:-$repo/bench/data}
build=${WEIR_BENCH_BUILD:-$repo/build-bench}

command -v valgrind >/dev/null || {
    echo "instructions_per_line: valgrind is missing (apt-get install valgrind)" >&2
    exit 2
}
gen=$build/bin/weir-gen-access-log
if [ -z "${WEIR_CLI:-}" ] || [ ! -x "$gen" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEIR_BUILD_GUI=OFF \
        -DWEIR_BUILD_TESTS=OFF -DWEIR_BUILD_BENCH=ON >/dev/null
    cmake --build "$build" --target weir-cli weir-gen-access-log >/dev/null
fi
WEIR_CLI=${WEIR_CLI:-$build/bin/weir-cli}

mkdir -p "$data"
file=$data/access-$bytes-s1-0.3.log
[ -s "$file" ] || "$gen" "$bytes" 1 0.3 >"$file"
head -1000 "$file" >"$file.1k"

count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$WEIR_CLI" "$1" --stats 2>&1 >/dev/null |
        grep -o 'refs: *[0-9,]*' | tr -d ', ' | cut -d: -f2
}
lines=$(wc -l <"$file")
all=$(count "$file")
fixed=$(count "$file.1k")
awk -v a="$all" -v f="$fixed" -v n="$lines" -v cli="$WEIR_CLI" 'BEGIN {
    printf "%s: %d instructions on %d lines, %d on the first 1000: %.1f instructions per line\n",
        cli, a, n, f, (a - f) / (n - 1000) }'
