#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Longer fuzzing runs of every parser with libFuzzer (clang, ASan+UBSan).
# Usage: tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s, all targets)
# Builds build-fuzz/ if needed; crashes are written to build-fuzz/fuzz-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
shift || true
if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DWEIR_FUZZ=ON -DWEIR_BUILD_GUI=OFF -DWEIR_BUILD_BENCH=OFF >/dev/null
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(combined vhost_combined apache_error syslog log4j generic json logfmt csv tsv detect
             timeformat userformat)
fi
cmake --build build-fuzz -j2 --target "${targets[@]/#/weir-fuzz-}"
mkdir -p build-fuzz/fuzz-artifacts build-fuzz/fuzz-corpus
status=0
for t in "${targets[@]}"; do
    corpus=build-fuzz/fuzz-corpus/$t
    mkdir -p "$corpus"
    seed=$(grep -E "weir_add_fuzz\($t " tests/fuzz/CMakeLists.txt | awk '{print $4}' | tr -d ')')
    echo "== $t (${secs}s)"
    if ! "build-fuzz/bin/weir-fuzz-$t" -max_total_time="$secs" -max_len=4096 \
        -seed_inputs="tests/fuzz/seeds/$seed" -artifact_prefix=build-fuzz/fuzz-artifacts/"$t"- \
        -print_final_stats=1 "$corpus"; then
        status=1
    fi
done
exit $status
