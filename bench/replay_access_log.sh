#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Replays a generated access log through weir-cli and compares it, in the same run and on the
# same file, with `wc -l` and goaccess: wall time, lines/s, peak RSS (GNU time), and weir's
# peak RSS beyond the file size per line.
#
#   bench/replay_access_log.sh                       # 1 GiB file (generated once, reused)
#   WEIR_BENCH_BYTES=100000000 bench/replay_access_log.sh   # quick run on 100 MB
#
# Environment:
#   WEIR_BENCH_BYTES     file size in bytes (default 1073741824)
#   WEIR_BENCH_SEED      generator seed (default 1); WEIR_BENCH_SEED_SHARE share of seed-format
#                        lines, the rest Apache combined (default 0.3)
#   WEIR_BENCH_DATA      where the generated file goes (default bench/data, git-ignored)
#   WEIR_BENCH_BUILD     Release build directory (default build-bench); configured and built
#                        here (core only) unless WEIR_CLI is given
#   WEIR_CLI             weir-cli to measure (default $WEIR_BENCH_BUILD/bin/weir-cli)
#   WEIR_BENCH_RUNS      runs of wc and weir-cli; the best is reported (default 3)
#   WEIR_BENCH_GOACCESS  0 to skip goaccess (default 1)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
bytes=${WEIR_BENCH_BYTES:-1073741824}
seed=${WEIR_BENCH_SEED:-1}
share=${WEIR_BENCH_SEED_SHARE:-0.3}
data=${WEIR_BENCH_DATA:-$repo/bench/data}
build=${WEIR_BENCH_BUILD:-$repo/build-bench}
runs=${WEIR_BENCH_RUNS:-3}
with_goaccess=${WEIR_BENCH_GOACCESS:-1}

# --- tools -------------------------------------------------------------------------------------
need=()
[ -x /usr/bin/time ] || need+=(time)
if [ "$with_goaccess" = 1 ] && ! command -v goaccess >/dev/null; then need+=(goaccess); fi
if [ ${#need[@]} -gt 0 ]; then
    echo "replay: installing ${need[*]} from Debian" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${need[@]}" >/dev/null
fi

gen=$build/bin/weir-gen-access-log
if [ -z "${WEIR_CLI:-}" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEIR_BUILD_GUI=OFF \
        -DWEIR_BUILD_TESTS=OFF -DWEIR_BUILD_BENCH=ON >/dev/null
    cmake --build "$build" --target weir-cli weir-gen-access-log >/dev/null
    WEIR_CLI=$build/bin/weir-cli
elif [ ! -x "$gen" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEIR_BUILD_GUI=OFF \
        -DWEIR_BUILD_TESTS=OFF -DWEIR_BUILD_BENCH=ON >/dev/null
    cmake --build "$build" --target weir-gen-access-log >/dev/null
fi

# --- data --------------------------------------------------------------------------------------
mkdir -p "$data"
file=$data/access-$bytes-s$seed-$share.log
if [ ! -s "$file" ] || [ ! -e "$file.done" ]; then
    echo "replay: generating $file" >&2
    rm -f "$file.done"
    "$gen" "$bytes" "$seed" "$share" >"$file"
    touch "$file.done"
fi
size=$(stat -c %s "$file")
cat "$file" >/dev/null # warm the page cache: every tool reads from memory

# --- measuring ---------------------------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: runs CMD under GNU time; sets wall, rss_kb, cpu and keeps stdout in
# $tmp/NAME.out.
measure() {
    local name=$1
    shift
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f '%e %M %U %S' -o "$tmp/$name.time" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || {
        echo "replay: $name failed:" >&2
        cat "$tmp/$name.err" >&2
        return 1
    }
    t1=$(date +%s%N)
    read -r _ rss_kb user sys <"$tmp/$name.time"
    # Wall time to the millisecond (GNU time prints only hundredths).
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

# best NAME RUNS CMD...: the fastest of RUNS runs; sets best_wall, best_rss_kb, best_cpu.
best() {
    local name=$1 n=$2 i
    shift 2
    best_wall=""
    for ((i = 0; i < n; i++)); do
        measure "$name" "$@"
        if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
            best_wall=$wall best_rss_kb=$rss_kb best_cpu=$cpu
            cp "$tmp/$name.out" "$tmp/$name.best"
        fi
    done
}

rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.3f", n / t / 1e6; else print "inf" }'; }

best wc "$runs" wc -l "$file"
lines=$(awk '{ print $1 }' "$tmp/wc.best")
wc_wall=$best_wall wc_rss=$best_rss_kb wc_cpu=$best_cpu

best weir "$runs" "$WEIR_CLI" "$file" --stats
weir_wall=$best_wall weir_rss=$best_rss_kb weir_cpu=$best_cpu
weir_json=$(cat "$tmp/weir.best")
weir_lines=$(grep -o '"lines":[0-9]*' <<<"$weir_json" | cut -d: -f2)
weir_events=$(grep -o '"events":[0-9]*' <<<"$weir_json" | head -1 | cut -d: -f2)
weir_inner=$(grep -o '"seconds":[0-9.e+-]*' <<<"$weir_json" | cut -d: -f2)

# weir-cli's own footprint (binary, libraries, threads) on an empty file.
: >"$tmp/empty.log"
measure weir0 "$WEIR_CLI" "$tmp/empty.log" --stats
base_rss=$rss_kb

one_core=""
if command -v taskset >/dev/null; then
    best weir1 "$runs" taskset -c 0 "$WEIR_CLI" "$file" --stats
    one_core=$best_wall one_core_rss=$best_rss_kb one_core_cpu=$best_cpu
fi

if [ "$with_goaccess" = 1 ]; then
    # One run: it is slow. JSON output, so it also reports how many lines it accepted.
    measure goaccess goaccess "$file" --log-format=COMBINED --no-progress -o "$tmp/goaccess.json"
    ga_wall=$wall ga_rss=$rss_kb ga_cpu=$cpu
    ga_valid=$(grep -o '"valid_requests": *[0-9]*' "$tmp/goaccess.json" | head -1 | grep -o '[0-9]*$')
    ga_failed=$(grep -o '"failed_requests": *[0-9]*' "$tmp/goaccess.json" | head -1 | grep -o '[0-9]*$')
fi

# --- report ------------------------------------------------------------------------------------
echo
echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "weir:     $WEIR_CLI ($("$WEIR_CLI" --version))"
echo "file:     $file"
echo "          $size bytes, $lines lines ($(awk -v b="$size" -v l="$lines" 'BEGIN { printf "%.1f", b / l }') bytes/line), page cache warm"
echo
printf '%-26s %10s %12s %12s %10s\n' tool "wall s" "M lines/s" "peak RSS MB" "CPU s"
printf '%-26s %10s %12s %12s %10s\n' "wc -l" "$wc_wall" "$(rate "$lines" "$wc_wall")" \
    "$((wc_rss / 1024))" "$wc_cpu"
printf '%-26s %10s %12s %12s %10s\n' "weir-cli --stats" "$weir_wall" "$(rate "$lines" "$weir_wall")" \
    "$((weir_rss / 1024))" "$weir_cpu"
if [ -n "$one_core" ]; then
    printf '%-26s %10s %12s %12s %10s\n' "weir-cli (taskset -c 0)" "$one_core" \
        "$(rate "$lines" "$one_core")" "$((one_core_rss / 1024))" "$one_core_cpu"
fi
if [ "$with_goaccess" = 1 ]; then
    printf '%-26s %10s %12s %12s %10s\n' "goaccess COMBINED" "$ga_wall" "$(rate "$lines" "$ga_wall")" \
        "$((ga_rss / 1024))" "$ga_cpu"
fi
echo
echo "best of $runs runs for wc and weir-cli, 1 run for goaccess"
echo "weir-cli: lines=$weir_lines events=$weir_events, its own --stats seconds=$weir_inner"
[ "$weir_lines" = "$lines" ] || echo "WARNING: weir-cli counted $weir_lines lines, wc -l $lines"
awk -v w="$weir_wall" -v c="$wc_wall" 'BEGIN { printf "ratio weir/wc (wall time):        %.2f  (wc is %.2fx faster)\n", w / c, w / c }'
if [ "$with_goaccess" = 1 ]; then
    echo "goaccess: valid_requests=$ga_valid failed_requests=$ga_failed (seed-format lines do not fit COMBINED)"
    awk -v w="$weir_wall" -v g="$ga_wall" 'BEGIN { printf "ratio weir/goaccess (wall time):  %.4f  (weir is %.1fx faster)\n", w / g, g / w }'
fi
awk -v r="$weir_rss" -v s="$size" -v l="$lines" \
    'BEGIN { printf "weir peak RSS - file size:        %.1f MB = %.1f bytes/line\n", (r * 1024 - s) / 1048576, (r * 1024 - s) / l }'
awk -v r="$weir_rss" -v b="$base_rss" -v s="$size" -v l="$lines" \
    'BEGIN { printf "  minus weir-cli baseline (%.1f MB on an empty file): %.1f bytes/line\n", b / 1024, ((r - b) * 1024 - s) / l }'
if [ -n "$one_core" ]; then
    awk -v r="$one_core_rss" -v s="$size" -v l="$lines" \
        'BEGIN { printf "  (taskset -c 0 run:              %.1f MB = %.1f bytes/line)\n", (r * 1024 - s) / 1048576, (r * 1024 - s) / l }'
fi
