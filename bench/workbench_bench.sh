#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 6's workbench figures in one command (see bench/RESULTS.md, "The log table up to 100 M
# rows" and "The log table at 10 M rows"):
#   - table scroll frame time, 1000-row append cost and memory per row, in stages up to
#     WEIR_BENCH_ROWS (default 100 M small rows; stops early when memory runs short),
#   - chart refresh with 8 series of 1 M points (offscreen raster; with OpenGL series under
#     Xvfb when xvfb-run is installed),
#   - filters of 10 M rows through the background worker with a GUI-thread timer probe.
#
#   bash bench/workbench_bench.sh
#
# Environment (all optional):
#   WEIR_BENCH_BUILD  build directory with the GUI and bench programs (default build-bench-gui),
#                     configured (Release) and built here
#   WEIR_BENCH_ROWS   rows for the table stages (default 100000000; ~7 GB of RAM at 100 M)
#   WEIR_BENCH_FILTER_ROWS  rows for the filter run (default 10000000)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${WEIR_BENCH_BUILD:-$repo/build-bench-gui}
rows=${WEIR_BENCH_ROWS:-100000000}
filterRows=${WEIR_BENCH_FILTER_ROWS:-10000000}

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEIR_BUILD_GUI=ON \
        -DWEIR_BUILD_TESTS=OFF -DWEIR_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" --target weir-bench-table weir-bench-ui >/dev/null

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## table (WEIR_BENCH_ROWS=$rows, offscreen)"
WEIR_BENCH_ROWS=$rows QT_QPA_PLATFORM=offscreen "$build/bin/weir-bench-table" table 2>/dev/null
echo
echo "## charts, offscreen"
QT_QPA_PLATFORM=offscreen "$build/bin/weir-bench-table" chart 2>/dev/null
if command -v xvfb-run >/dev/null; then
    echo
    echo "## charts under Xvfb, raster then OpenGL series"
    WEIR_BENCH_OPENGL=1 QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" \
        "$build/bin/weir-bench-table" chart 2>/dev/null
fi
echo
echo "## filters of $filterRows rows with a GUI-thread probe (weir-bench-ui)"
WEIR_BENCH_ROWS=$filterRows QT_QPA_PLATFORM=offscreen "$build/bin/weir-bench-ui" 2>/dev/null
echo
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
