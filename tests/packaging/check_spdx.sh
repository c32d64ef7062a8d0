#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Licence hygiene: every source, CMake and script file of the tree carries
# `SPDX-License-Identifier: GPL-3.0-or-later` in its first lines (after a shebang), no file
# declares another licence, and the Debian copyright file agrees with LICENSE, the headers and
# the AppStream metainfo.
# Usage: check_spdx.sh SOURCE_DIR          check the tree (git ls-files in a checkout, else a walk)
#        check_spdx.sh --self-test         prove the checker fails on a bad tree
set -euo pipefail

want='SPDX-License-Identifier: GPL-3.0-or-later'
# Any declaration (split so that this file does not declare a second licence itself).
any='SPDX-License-''Identifier: [A-Za-z0-9][A-Za-z0-9.+-]*'

# Prints the files to check, one per line, relative to $1.
list_files() {
    local dir=$1
    if git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
        [ "$(git -C "$dir" rev-parse --show-toplevel)" = "$(cd "$dir" && pwd -P)" ]; then
        git -C "$dir" ls-files --cached --others --exclude-standard
    else
        # Not a checkout (a release tarball): everything but build trees and VCS data.
        (cd "$dir" && find . -type f \
            -not -path './.git/*' -not -path './build*' -not -path '*/CMakeFiles/*' \
            -not -name CMakeCache.txt | sed 's|^\./||' | sort)
    fi
}

# Source, build and script files: by name, or any file starting with a shebang.
is_source() {
    local dir=$1 f=$2
    case "$f" in
        */data/* | tests/fuzz/seeds/*) return 1 ;; # test inputs, not sources
        *.cpp | *.cc | *.cxx | *.c | *.h | *.hh | *.hpp | *.ipp) return 0 ;;
        CMakeLists.txt | */CMakeLists.txt | *.cmake | *.cmake.in | *.h.in | *.cpp.in) return 0 ;;
        *.sh | *.bash | *.py | *.pl | *.awk) return 0 ;;
        *.qrc | *.ui) return 0 ;;
    esac
    [ -f "$dir/$f" ] && [ "$(head -c 2 "$dir/$f" 2>/dev/null)" = '#!' ]
}

check_tree() {
    local dir=$1 bad=0 count=0 f other
    [ -d "$dir" ] || { echo "FAIL: no such directory $dir" >&2; return 1; }
    while IFS= read -r f; do
        [ -f "$dir/$f" ] || continue # deleted in the work tree
        is_source "$dir" "$f" || continue
        count=$((count + 1))
        if ! head -n 3 "$dir/$f" | grep -qF "$want"; then
            echo "FAIL: $f: no '$want' in its first lines" >&2
            bad=$((bad + 1))
        fi
        other=$(grep -o -E "$any" "$dir/$f" | grep -v -xF "$want" | head -n 1 || true)
        if [ -n "$other" ]; then
            echo "FAIL: $f declares another licence: $other" >&2
            bad=$((bad + 1))
        fi
    done < <(list_files "$dir")
    echo "checked $count source files in $dir"
    [ "$count" -gt 0 ] || { echo "FAIL: found no source file at all in $dir" >&2; return 1; }
    [ $bad -eq 0 ]
}

# The Debian copyright file, LICENSE and the metainfo tell the same story as the headers.
check_copyright() {
    local dir=$1 bad=0 copyright=$1/packaging/debian/copyright.in
    [ -f "$copyright" ] || { echo "FAIL: no packaging/debian/copyright.in" >&2; return 1; }
    head -n 1 "$copyright" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
        { echo "FAIL: copyright: not a machine-readable copyright file" >&2; bad=1; }
    # The catch-all stanza is GPL-3+, and the licence text stanza says "or later".
    awk '/^Files: \*$/{f=1;next} f&&/^License:/{print $2; exit} /^$/{f=0}' "$copyright" | grep -qx 'GPL-3+' ||
        { echo "FAIL: copyright: 'Files: *' is not 'License: GPL-3+'" >&2; bad=1; }
    grep -q '^License: GPL-3+$' "$copyright" && grep -q 'either version 3 of the License, or' "$copyright" ||
        { echo "FAIL: copyright: no GPL-3+ licence text (version 3 or later)" >&2; bad=1; }
    # Every licence named in a Files stanza has its text in a stand-alone License stanza.
    local lic
    for lic in $(awk '/^Files:/{f=1;next} f&&/^License:/{print $2; f=0}' "$copyright" | sort -u); do
        awk -v l="$lic" 'BEGIN{p=""} /^Files:/{infiles=1} /^$/{infiles=0} !infiles&&$0=="License: " l{found=1} END{exit !found}' "$copyright" ||
            { echo "FAIL: copyright: licence '$lic' has no text stanza" >&2; bad=1; }
    done
    # Every pattern but '*' names files that exist.
    local pat
    while IFS= read -r pat; do
        [ "$pat" = '*' ] && continue
        compgen -G "$dir/$pat" >/dev/null ||
            { echo "FAIL: copyright: 'Files: $pat' matches nothing in the tree" >&2; bad=1; }
    done < <(sed -n 's/^Files: //p' "$copyright" | tr ' ' '\n' | sed '/^$/d')
    grep -q 'GNU GENERAL PUBLIC LICENSE' "$dir/LICENSE" && grep -q 'Version 3, 29 June 2007' "$dir/LICENSE" ||
        { echo "FAIL: LICENSE is not the GNU GPL version 3" >&2; bad=1; }
    local meta=$dir/packaging/linux/weir.metainfo.xml.in
    grep -q '<project_license>GPL-3.0-or-later</project_license>' "$meta" ||
        { echo "FAIL: metainfo project_license is not GPL-3.0-or-later" >&2; bad=1; }
    local metalic
    metalic=$(sed -n 's:.*<metadata_license>\(.*\)</metadata_license>.*:\1:p' "$meta")
    awk -v m="packaging/linux/weir.metainfo.xml.in" '/^Files:/{f=index($0,m)>0;next} f&&/^License:/{print $2; exit}' "$copyright" |
        grep -qx "$metalic" ||
        { echo "FAIL: copyright does not give the metainfo its metadata licence $metalic" >&2; bad=1; }
    [ $bad -eq 0 ] && echo "ok: copyright, LICENSE and metainfo agree (GPL-3+, metadata $metalic)"
    return $bad
}

self_test() {
    local tmp
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/weir-spdx-test.XXXXXX")
    trap 'rm -rf "$tmp"' RETURN
    mkdir -p "$tmp/core/x" "$tmp/tests/data"
    printf '// %s\nint a;\n' "$want" >"$tmp/core/x/good.cpp"
    printf 'cmake_minimum_required(VERSION 3.20)\n' >"$tmp/CMakeLists.txt"
    printf 'no header, but test data\n' >"$tmp/tests/data/input.h"
    if check_tree "$tmp" 2>"$tmp/err"; then
        echo "FAIL: self-test: a CMakeLists.txt without a header passed" >&2
        return 1
    fi
    grep -q 'CMakeLists.txt' "$tmp/err" || { echo "FAIL: self-test: the bad file was not named" >&2; return 1; }
    grep -q 'input.h' "$tmp/err" && { echo "FAIL: self-test: test data was checked" >&2; return 1; }
    printf '# %s\ncmake_minimum_required(VERSION 3.20)\n' "$want" >"$tmp/CMakeLists.txt"
    printf '#!/bin/sh\necho hi\n' >"$tmp/tool"
    if check_tree "$tmp" 2>"$tmp/err"; then
        echo "FAIL: self-test: a script without a header passed" >&2
        return 1
    fi
    printf '#!/bin/sh\n# %s\necho hi\n' "$want" >"$tmp/tool"
    printf '// %s\n// %s\n' "${want%%:*}: MIT" "$want" >"$tmp/core/x/other.h"
    if check_tree "$tmp" 2>"$tmp/err"; then
        echo "FAIL: self-test: a file declaring MIT passed" >&2
        return 1
    fi
    rm "$tmp/core/x/other.h"
    check_tree "$tmp" || { echo "FAIL: self-test: a good tree failed" >&2; return 1; }
    echo "ok: self-test"
}

case "${1:-}" in
    --self-test) self_test ;;
    "") echo "usage: $0 SOURCE_DIR | --self-test" >&2; exit 2 ;;
    *)
        rc=0
        check_tree "$1" || rc=1
        check_copyright "$1" || rc=1
        exit $rc
        ;;
esac
