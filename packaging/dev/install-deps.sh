#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages Weir needs to build, run and test. Idempotent: only missing
# packages are installed. Usage: install-deps.sh [gui|test|bench|core|all]   (default: all)
set -euo pipefail
what=${1:-all}

build=(build-essential cmake ninja-build pkg-config git)
core=(librdkafka-dev libmosquitto-dev libsimdjson-dev libre2-dev libmaxminddb-dev zlib1g-dev)
# qtkeychain-qt5-dev: passwords in the system keychain (Secret Service, KWallet).
gui=(qtbase5-dev libqt5charts5-dev libqt5svg5-dev qttools5-dev-tools qtkeychain-qt5-dev)
# gnome-keyring, dbus-daemon, dbus-bin: a private Secret Service for the keychain test.
# locales: localedef's sources, for the tests that run in a comma-decimal locale.
test=(googletest libgtest-dev libgmock-dev libbenchmark-dev xvfb xauth mosquitto
      mosquitto-clients kcat clang libclang-rt-14-dev gnome-keyring dbus-daemon dbus-bin locales)
bench=(libbenchmark-dev goaccess time) # bench/replay_access_log.sh compares with goaccess
# Debian package, man pages, icons and their validators (build and test the .deb).
pkg=(dpkg-dev file help2man librsvg2-bin desktop-file-utils appstream)

pkgs=("${build[@]}" "${core[@]}")
case "$what" in
    gui) pkgs+=("${gui[@]}") ;;
    test) pkgs+=("${gui[@]}" "${test[@]}" "${pkg[@]}") ;;
    bench) pkgs+=("${bench[@]}") ;;
    all) pkgs+=("${gui[@]}" "${test[@]}" "${bench[@]}" "${pkg[@]}") ;;
    core) ;;
    *) echo "usage: $0 [gui|test|bench|core|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
