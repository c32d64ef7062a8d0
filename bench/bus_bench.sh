#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Message-bus ingestion benchmarks, loopback only, same data and same run for every tool:
#  1. Kafka: consume -> parse -> store from librdkafka's mock cluster (weir-kafka-mock) with
#     weir-cli, against `kcat -C -e` reading the same topic (both read the partitions directly,
#     without a consumer group, from the beginning).
#  2. MQTT: weir-cli subscribed to a real mosquitto while `mosquitto_pub -l` publishes at its
#     maximum rate; weir-cli's CPU time over the publishing time is its share of a core, and
#     its CPU time over that of `mosquitto_sub` (subscribed alongside, printing every message
#     to a file) is the ratio to the reference client.
#
#   bench/bus_bench.sh                                 # defaults below
#   WEIR_BENCH_MESSAGES=100000 bench/bus_bench.sh      # smaller run
#
# Environment:
#   WEIR_BENCH_MESSAGES   Kafka messages (default 160000; the mock keeps only a few MB per
#                         partition, stay under ~12000 access-log lines per partition)
#   WEIR_BENCH_PARTITIONS Kafka partitions (default 16)
#   WEIR_BENCH_MQTT       MQTT messages (default 200000)
#   WEIR_BENCH_MQTT_QOS   QoS levels to run (default "0"; with QoS 1 `mosquitto_pub -l` quits
#                         at end of input before its queued messages are sent, so it is no
#                         load generator there)
#   WEIR_BENCH_BUILD      Release build directory (default build-bench); configured and the
#                         needed targets built here unless WEIR_CLI and WEIR_KAFKA_MOCK are given
#   WEIR_BENCH_RUNS       runs per tool, the best is reported (default 3)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
messages=${WEIR_BENCH_MESSAGES:-160000}
parts=${WEIR_BENCH_PARTITIONS:-16}
mqtt_messages=${WEIR_BENCH_MQTT:-200000}
mqtt_qos=${WEIR_BENCH_MQTT_QOS:-0}
build=${WEIR_BENCH_BUILD:-$repo/build-bench}
runs=${WEIR_BENCH_RUNS:-3}

for tool in kcat mosquitto mosquitto_pub /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "bus_bench: $tool is missing" >&2; exit 2; }
done

if [ -z "${WEIR_CLI:-}" ] || [ -z "${WEIR_KAFKA_MOCK:-}" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEIR_BUILD_GUI=OFF \
        -DWEIR_BUILD_TESTS=ON >/dev/null
    cmake --build "$build" --target weir-cli weir-kafka-mock weir-gen-access-log >/dev/null
fi
cli=${WEIR_CLI:-$build/bin/weir-cli}
mock=${WEIR_KAFKA_MOCK:-$build/bin/weir-kafka-mock}
gen=${WEIR_GEN:-$build/bin/weir-gen-access-log}

work=$(mktemp -d /tmp/weir-bus-bench-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Access-log lines (~200 bytes each), the same generator as the file replay benchmark.
total=$(( messages > mqtt_messages ? messages : mqtt_messages ))
"$gen" $(( total * 260 )) 7 0.3 > "$work/all.raw"
head -n "$total" "$work/all.raw" > "$work/all.log"
rm "$work/all.raw"
[ "$(wc -l < "$work/all.log")" -eq "$total" ] || { echo "bus_bench: generator too short" >&2; exit 1; }
head -n "$messages" "$work/all.log" > "$work/kafka.log"
head -n "$mqtt_messages" "$work/all.log" > "$work/mqtt.log"
kafka_bytes=$(stat -c %s "$work/kafka.log")

now() { date +%s.%N; }
best() { sort -g | head -n 1; }

echo "## Message-bus ingestion ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r))"
echo
echo "Command: \`WEIR_BENCH_MESSAGES=$messages WEIR_BENCH_PARTITIONS=$parts WEIR_BENCH_MQTT=$mqtt_messages bench/bus_bench.sh\`"
echo

# --- Kafka ---------------------------------------------------------------------------------
mkfifo "$work/mock.ctl"
"$mock" --brokers 1 --topic "bench:$parts" < "$work/mock.ctl" > "$work/mock.out" 2>&1 &
pids+=($!)
exec 3> "$work/mock.ctl"
for _ in $(seq 100); do grep -q BOOTSTRAP "$work/mock.out" && break; sleep 0.1; done
boot=$(awk '/BOOTSTRAP/ {print $2}' "$work/mock.out")
t0=$(now)
# Evenly, partition by partition: the mock drops the oldest messages of a partition that grows
# beyond a few MB, and kcat's default partitioner spreads unevenly.
split -n "l/$parts" -d -a 3 "$work/kafka.log" "$work/part."
for p in $(seq 0 $((parts - 1))); do
    kcat -P -b "$boot" -t bench -p "$p" -X linger.ms=20 < "$work/part.$(printf %03d "$p")"
done
t1=$(now)
produce_s=$(python3 -c "print(f'{$t1-$t0:.2f}')")

kcat_times=()
for _ in $(seq "$runs"); do
    t0=$(now)
    got=$(kcat -C -b "$boot" -t bench -o beginning -e -q | wc -l)
    t1=$(now)
    [ "$got" -eq "$messages" ] || { echo "kcat read $got of $messages" >&2; exit 1; }
    kcat_times+=("$(python3 -c "print($t1-$t0)")")
done
kcat_s=$(printf '%s\n' "${kcat_times[@]}" | best)

part_args=()
for p in $(seq 0 $((parts - 1))); do part_args+=(--partition "$p"); done
weir_times=()
for _ in $(seq "$runs"); do
    t0=$(now)
    "$cli" --kafka "$boot" --topic bench "${part_args[@]}" --from earliest \
        --max-events "$messages" --idle-exit 20 --format combined --stats \
        > "$work/weir.json" 2> "$work/weir.err"
    t1=$(now)
    events=$(python3 -c "import json;d=json.load(open('$work/weir.json'));print(d['lines'])")
    [ "$events" -eq "$messages" ] || { echo "weir-cli read $events of $messages" >&2; exit 1; }
    weir_times+=("$(python3 -c "print($t1-$t0)")")
done
weir_s=$(printf '%s\n' "${weir_times[@]}" | best)
exec 3>&-

python3 - "$messages" "$kafka_bytes" "$kcat_s" "$weir_s" "$produce_s" "$parts" <<'EOF'
import sys
n, b, k, w, prod, parts = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
print(f"Kafka (librdkafka mock cluster, 1 broker, {parts} partitions, {n} access-log lines, "
      f"{b/1e6:.1f} MB; produced with kcat in {prod} s). Best wall time of the runs, process start "
      "to exit:")
print()
print("| consumer | seconds | messages/s | MB/s | vs kcat |")
print("| --- | --- | --- | --- | --- |")
print(f"| `kcat -C -o beginning -e` | {k:.2f} | {n/k:,.0f} | {b/k/1e6:.1f} | 1.00 |")
print(f"| `weir-cli --kafka` (consume, parse, store) | {w:.2f} | {n/w:,.0f} | {b/w/1e6:.1f} | {k/w:.2f} |")
print()
EOF

# --- MQTT ----------------------------------------------------------------------------------
port=$(python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
{
    echo "listener $port 127.0.0.1"
    echo "allow_anonymous true"
    echo "persistence false"
    echo "max_queued_messages 0"
    [ "$(id -u)" -ne 0 ] || echo "user root"
} > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
pids+=($!)
sleep 0.5

rows=()
for qos in $mqtt_qos; do
    : > "$work/mqtt.err"
    /usr/bin/time -f "%U %S" -o "$work/mqtt.time" \
        "$cli" --mqtt "127.0.0.1:$port" --topic 'bench/#' --qos "$qos" \
        --max-events "$mqtt_messages" --idle-exit 5 --format combined --stats \
        > "$work/mqtt.json" 2> "$work/mqtt.err" &
    wpid=$!
    # A reference subscriber: what the broker actually delivered.
    # Its CPU time is the reference for weir-cli's (both receive the same messages).
    /usr/bin/time -f "%U %S" -o "$work/sub.time" \
        mosquitto_sub -h 127.0.0.1 -p "$port" -t 'bench/#' -q "$qos" > "$work/sub.out" &
    spid=$!
    for _ in $(seq 100); do grep -q subscribed "$work/mqtt.err" && break; sleep 0.1; done
    sleep 0.5
    t0=$(now)
    mosquitto_pub -h 127.0.0.1 -p "$port" -t bench/access -q "$qos" -l < "$work/mqtt.log"
    t1=$(now)
    wait "$wpid" || true
    # The broker may drop messages for mosquitto_sub (QoS 0), so it cannot count to the end:
    # stop it (the child of `time`, which then still reports its CPU time) once weir-cli ended.
    sleep 1
    pkill -TERM -P "$spid" 2>/dev/null || true
    wait "$spid" 2>/dev/null || true
    sub=$(wc -l < "$work/sub.out")
    rows+=("$(python3 - "$qos" "$mqtt_messages" "$t0" "$t1" "$work/mqtt.time" "$work/mqtt.json" "$sub" "$work/sub.time" <<'EOF'
import json, sys
qos, n, t0, t1 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
u, s = map(float, open(sys.argv[5]).read().split()[-2:])
d = json.load(open(sys.argv[6]))
sub = int(sys.argv[7])
su, ss = map(float, open(sys.argv[8]).read().split()[-2:])
pub = t1 - t0
ratio = f"{(u+s)/(su+ss):.2f}" if su + ss > 0 else "n/a"
print(f"| {qos} | {n} | {pub:.2f} | {n/pub:,.0f} | {sub} | {d['lines']} | {d['dropped']} | "
      f"{u+s:.2f} | {100*(u+s)/pub:.0f} % | {su+ss:.2f} | {ratio} |")
EOF
)")
done
echo "MQTT (mosquitto 2.0 on loopback, \`mosquitto_pub -l\` at its maximum rate, access-log lines;"
echo "\`mosquitto_sub\` subscribed alongside shows what the broker delivered):"
echo
echo "| QoS | lines given to mosquitto_pub | publish seconds | lines/s | mosquitto_sub received | weir-cli received | weir-cli dropped | weir-cli CPU s | CPU share of one core | mosquitto_sub CPU s | weir-cli CPU / mosquitto_sub CPU |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
echo
