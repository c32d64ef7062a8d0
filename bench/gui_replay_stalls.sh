#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 2's "the GUI stays responsive while a 1 GB file replays", measured rather than asserted:
# `weir FILE --exit-when-finished --print-stats` replays the generated 1 GiB access log and
# reports how late a 10 ms timer on the GUI thread fired (the event loop's stalls: snapshot
# application, layout and painting), as max and p99, plus the snapshot-update costs. Runs on
# the offscreen platform (painting still happens) or under Xvfb. One command:
#
#   bash bench/gui_replay_stalls.sh
#
# Environment (all optional):
#   WEIR_BENCH_BYTES  file size in bytes (default 1073741824)
#   WEIR_BENCH_DATA   where the generated file is kept (default bench/data, git-ignored)
#   WEIR_BENCH_BUILD  Release build directory with the GUI (default build-bench-gui), configured
#                     and built here unless WEIR_GUI is given
#   WEIR_GUI          the weir executable to measure
#   WEIR_BENCH_RUNS   repetitions (default 3)
#   WEIR_BENCH_XVFB   1: run under xvfb-run instead of QT_QPA_PLATFORM=offscreen
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
bytes=${WEIR_BENCH_BYTES:-1073741824}
data=${WEIR_BENCH_DATA:-$repo/bench/data}
build=${WEIR_BENCH_BUILD:-$repo/build-bench-gui}
runs=${WEIR_BENCH_RUNS:-3}
xvfb=${WEIR_BENCH_XVFB:-0}

gen=$build/bin/weir-gen-access-log
if [ -z "${WEIR_GUI:-}" ] || [ ! -x "$gen" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEIR_BUILD_GUI=ON \
        -DWEIR_BUILD_TESTS=OFF -DWEIR_BUILD_BENCH=ON >/dev/null
    cmake --build "$build" --target weir weir-gen-access-log >/dev/null
fi
WEIR_GUI=${WEIR_GUI:-$build/bin/weir}

mkdir -p "$data"
file=$data/access-$bytes-s1-0.3.log
if [ ! -s "$file" ] || [ ! -e "$file.done" ]; then
    echo "gui_replay_stalls: generating $file" >&2
    rm -f "$file.done"
    "$gen" "$bytes" 1 0.3 >"$file"
    touch "$file.done"
fi
cat "$file" >/dev/null # warm the page cache

run_weir() {
    if [ "$xvfb" = 1 ]; then
        xvfb-run -a -s "-screen 0 1400x900x24" "$WEIR_GUI" "$@"
    else
        QT_QPA_PLATFORM=offscreen "$WEIR_GUI" "$@"
    fi
}

field() { grep -o "\"$1\":[^,}]*" <<<"$2" | head -1 | cut -d: -f2; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
printf '| run | wall s | events | loop stall max ms | loop stall p99 ms | GUI CPU busy max ms | GUI CPU busy p99 ms | timer samples | snapshot update max ms | update mean ms |\n'
printf '|----:|-------:|-------:|------------------:|------------------:|--------------------:|--------------------:|--------------:|-----------------------:|---------------:|\n'
for ((i = 1; i <= runs; i++)); do
    t0=$(date +%s%N)
    json=$(run_weir "$file" --exit-when-finished --exit-after 900000 --print-stats 2>/dev/null | tail -1)
    t1=$(date +%s%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
    ms() { awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }
    printf '| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$i" "$wall" "$(field events "$json")" \
        "$(ms "$(field loop_stall_ms_max "$json")")" "$(field loop_stall_ms_p99 "$json")" \
        "$(ms "$(field loop_busy_ms_max "$json")")" "$(field loop_busy_ms_p99 "$json")" \
        "$(field loop_samples "$json")" "$(ms "$(field update_ms_max "$json")")" \
        "$(ms "$(field update_ms_mean "$json")")"
    [ "$(field exit "$json")" = '"finished"' ] || echo "WARNING: run $i ended with exit=$(field exit "$json")" >&2
done
echo
echo "file: $file ($(stat -c %s "$file") bytes); platform: $([ "$xvfb" = 1 ] && echo Xvfb || echo offscreen)"
echo "weir: $WEIR_GUI; loop stall = lateness of a 10 ms Qt::PreciseTimer on the GUI thread; GUI CPU busy = the GUI"
echo "thread's CPU time between two of its timeouts (its own work: on a loaded machine the stall also counts waiting"
echo "for a core); p99 columns in 1 ms buckets (upper bounds)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
