#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the core, weir-cli and every core test with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DWEIR_SANITIZE=address,undefined, GUI off) in its own build directory and runs the tests.
# Any sanitizer report fails the run (halt_on_error). Too slow for the 90-minute CI on 2 cores:
# run it before merging parser or store changes.
#   tests/run_sanitizers.sh [BUILD_DIR] [ctest arguments...]   (default BUILD_DIR: build-asan)
#   e.g. tests/run_sanitizers.sh build-asan -L core
# CORE_ONLY=1 builds only weir-cli, the Kafka mock and the test programs of tests/core (the
# fuzz and bench programs are skipped) and runs the tests labelled "core".
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-asan}
shift || true
jobs=${JOBS:-2}

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DWEIR_BUILD_GUI=OFF -DWEIR_BUILD_BENCH=OFF -DWEIR_SANITIZE=address,undefined
targets=()
label=()
if [ "${CORE_ONLY:-0}" = 1 ]; then
    mapfile -t targets < <(grep -rhoE 'weir_add_gtest\(test_[a-z0-9_]+' "$here/tests/core" |
        sed 's/weir_add_gtest(//' | sort -u)
    # tests/core/source/bus_tests.cmake names its programs in a loop.
    targets+=(test_mqtt_source test_kafka_source test_kafka_engine_ack test_mqtt_kafka_same_answer)
    targets+=(weir-cli weir-kafka-mock)
    label=(-L core)
fi
cmake --build "$build" -j"$jobs" ${targets[@]:+--target "${targets[@]}"}

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export CI=${CI:-true}
# Sanitized code runs 2-5x slower: weir_add_gtest triples the time limits of sanitized builds.
ctest --test-dir "$build" --output-on-failure -j"$jobs" ${label[@]:+"${label[@]}"} "$@"
