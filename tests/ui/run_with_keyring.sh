#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command in a private D-Bus session with an unlocked gnome-keyring (Secret Service) and
# a temporary HOME, so keychain tests never touch a user's real keyring. Needs dbus-run-session
# and gnome-keyring-daemon (bash packaging/dev/install-deps.sh test).
# Usage: run_with_keyring.sh COMMAND [ARGS...]
set -euo pipefail
if [ "${1:-}" != --inside ]; then
    for tool in dbus-run-session gnome-keyring-daemon; do
        command -v "$tool" >/dev/null ||
            { echo "FAIL: $tool not found (bash packaging/dev/install-deps.sh test)" >&2; exit 1; }
    done
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/weir-keyring.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/home" "$tmp/run"
    chmod 700 "$tmp/run"
    # No `exec`: the trap must remove the temporary HOME afterwards.
    HOME=$tmp/home XDG_DATA_HOME=$tmp/home/.local/share XDG_CONFIG_HOME=$tmp/home/.config \
        XDG_RUNTIME_DIR=$tmp/run timeout 300 dbus-run-session -- "$0" --inside "$@"
    exit $?
fi
shift
# --unlock reads the new login keyring's password on stdin and starts the Secret Service.
printf 'weir-test-keyring' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
# The service is registered once the daemon answers; bounded wait (30 s).
for _ in $(seq 1 300); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q 'boolean true'; then
        break
    fi
    sleep 0.1
done
status=0
"$@" || status=$?
# Stop the daemon this session started (only ours: its pid is in this session's bus).
pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
    awk '/uint32/ {print $2}' || true)
[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
exit $status
