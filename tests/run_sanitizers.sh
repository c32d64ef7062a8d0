#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds and runs tests with sanitizers in a build directory of their own (GUI and benchmarks off).
#   tests/run_sanitizers.sh [--mode asan|tsan] [BUILD_DIR] [ctest arguments...]
#
# --mode asan (the default; BUILD_DIR defaults to build-asan): the core, weir-cli and every core
#   test with AddressSanitizer + UndefinedBehaviorSanitizer (-DWEIR_SANITIZE=address,undefined).
#   Too slow for the 90-minute CI on 2 cores: run it before merging parser or store changes
#   (or configure with -DWEIR_TEST_ASAN=ON: the ctest entry "sanitizer_asan", label sanitizer).
#   e.g. tests/run_sanitizers.sh build-asan -L core
#   CORE_ONLY=1 builds only weir-cli, the Kafka mock and the test programs of tests/core (the
#   fuzz and bench programs are skipped) and runs the tests labelled "core".
# --mode asan-parse (BUILD_DIR defaults to build-asan-parse): the reduced ASan+UBSan tree CI
#   runs through the ctest entry "sanitizer_asan_parse" (label sanitizer): the tests of
#   tests/core/common and tests/core/parse (weir-cli included: test_parse_hostile and
#   test_parse_geoip run it on hostile input) and every parser fuzz target for a bounded,
#   deterministic run (WEIR_FUZZ_RUNS inputs each), built at -O1 -g1 with only those targets.
# --mode tsan (BUILD_DIR defaults to build-tsan): ThreadSanitizer (-DWEIR_SANITIZE=thread) over
#   the tests of the threaded core: the engine (source threads, bounded queues, engine thread,
#   snapshot publication) and the window operator and processor, including weir-cli runs with
#   windows. Builds only those test programs and weir-cli. CI runs it through the ctest entry
#   "sanitizer_tsan" (label sanitizer, see tests/CMakeLists.txt).
# Any sanitizer report fails the run (halt_on_error).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mode=asan
if [ "${1:-}" = --mode ]; then
    mode=${2:?--mode needs asan or tsan}
    shift 2
fi
case "$mode" in
asan | asan-parse) sanitize=address,undefined ;;
tsan) sanitize=thread ;;
*) echo "run_sanitizers.sh: unknown mode '$mode' (asan, asan-parse or tsan)" >&2; exit 2 ;;
esac
build=${1:-build-$mode}
shift || true
jobs=${JOBS:-2}

only=
# A UBSan finding aborts the test like an ASan one (no recovery, no "runtime error" left in a log).
flags=()
[ "$mode" = tsan ] || flags+=(-DCMAKE_CXX_FLAGS=-fno-sanitize-recover=all)
if [ "$mode" = asan-parse ]; then
    only="core/common;core/parse;fuzz"
    flags+=("-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DWEIR_FUZZ_RUNS=${FUZZ_RUNS:-20000}")
fi
if [ "$mode" = tsan ]; then
    # Only the tests of tests/core/engine and tests/core/window (test_window_cli runs weir-cli:
    # engine and source threads); the tree builds the core, weir-cli and those tests.
    only="core/engine;core/window"
fi
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DWEIR_BUILD_GUI=OFF -DWEIR_BUILD_BENCH=OFF -DWEIR_SANITIZE="$sanitize" \
    -DWEIR_TEST_ONLY="$only" "${flags[@]}"
targets=()
select=()
if [ "${CORE_ONLY:-0}" = 1 ]; then
    mapfile -t targets < <(grep -rhoE 'weir_add_gtest\(test_[a-z0-9_]+' "$here/tests/core" |
        sed 's/weir_add_gtest(//' | sort -u)
    # tests/core/source/bus_tests.cmake names its programs in a loop.
    targets+=(test_mqtt_source test_kafka_source test_kafka_engine_ack test_mqtt_kafka_same_answer)
    targets+=(weir-cli weir-kafka-mock)
    select=(-L core)
fi
if [ "$mode" = asan-parse ]; then
    mapfile -t targets < <(grep -rhoE 'weir_add_gtest\(test_[a-z0-9_]+' "$here/tests/core/common" \
        "$here/tests/core/parse" | sed 's/weir_add_gtest(//' | sort -u)
    mapfile -t -O "${#targets[@]}" targets < <(grep -hoE '^weir_add_fuzz\([a-z0-9_]+' \
        "$here/tests/fuzz/CMakeLists.txt" | sed 's/weir_add_fuzz(/weir-fuzz-/')
    targets+=(weir-cli)
fi
cmake --build "$build" -j"$jobs" ${targets[@]:+--target "${targets[@]}"}

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
export CI=${CI:-true}
# Sanitized code runs 2-15x slower: weir_add_gtest triples the time limits of sanitized builds.
ctest --test-dir "$build" --output-on-failure -j"$jobs" ${select[@]:+"${select[@]}"} "$@"
