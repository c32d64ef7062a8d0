#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 4's engine figure: the fixed 60 s window with 10k keys and count+sum+p95 through
# weir-cli, pinned to one core, CPU seconds (user + sys) per run and the events per CPU second.
# Each round runs every given weir-cli once (interleaved, so a change in load hits them alike),
# plus one run without the window (parse and store only). One command:
#
#   bash bench/window_engine_cpu.sh [WEIR_CLI...]     # default: build-rel/bin/weir-cli
#
# Environment (all optional):
#   WEIR_BENCH_DATA   where window-10k-5M.csv is (generated there by gen_window_csv.py if
#                     missing; default bench/data, git-ignored)
#   WEIR_BENCH_RUNS   rounds (default 5)
#   WEIR_BENCH_CPU    the core to pin to (default 0)
# Each weir-cli's --out CSV is compared with the first one's: they must be byte-identical.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
data=${WEIR_BENCH_DATA:-$repo/bench/data}
runs=${WEIR_BENCH_RUNS:-5}
cpu=${WEIR_BENCH_CPU:-0}
clis=("$@")
[ ${#clis[@]} -gt 0 ] || clis=("$repo/build-rel/bin/weir-cli")
input=$data/window-10k-5M.csv
events=5000000

if [ ! -s "$input" ]; then
    mkdir -p "$data"
    python3 "$here/gen_window_csv.py" "$events" > "$input.tmp" && mv "$input.tmp" "$input"
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cpuSeconds() { # the CPU seconds of one pinned run of "$@"
    /usr/bin/time -f '%U %S' -o "$out/time" taskset -c "$cpu" "$@" > /dev/null 2>&1
    awk '{ printf "%.2f", $1 + $2 }' "$out/time"
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-50s %8s %12s\n' round weir-cli 'CPU s' 'M events/s'
for round in $(seq 1 "$runs"); do
    for i in "${!clis[@]}"; do
        s=$(cpuSeconds "${clis[$i]}" "$input" --format csv --window fixed:60s --key key \
            --agg 'count,sum(v),p95(v)' --out-of-order 5s --emit final --out "$out/out$i.csv")
        printf '%-6s %-50s %8s %12s\n' "$round" "${clis[$i]}" "$s" \
            "$(awk -v s="$s" -v n=$events 'BEGIN { printf "%.2f", n / s / 1e6 }')"
        if [ "$i" -gt 0 ] && ! cmp -s "$out/out0.csv" "$out/out$i.csv"; then
            echo "window_engine_cpu: ${clis[$i]} wrote another --out CSV than ${clis[0]}" >&2
            exit 1
        fi
    done
    s=$(cpuSeconds "${clis[0]}" "$input" --format csv)
    printf '%-6s %-50s %8s\n' "$round" "(no window) ${clis[0]}" "$s"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
