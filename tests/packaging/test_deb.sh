#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the Debian package from an already built tree, unpacks it into a temporary root and
# checks what a user would get: the programs run, and the desktop entry, metainfo, icons, man
# pages, completion, examples and copyright file are there and valid.
# Usage: test_deb.sh BUILD_DIR CPACK VERSION GUI(ON|OFF)
set -euo pipefail

build=$1
cpack=$2
version=$3
gui=$4
case "$gui" in ON | on | TRUE | true | 1) gui=1 ;; *) gui=0 ;; esac

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
ok() { echo "ok: $*"; }
need() {
    command -v "$1" >/dev/null || { echo "FAIL: $1 not found (bash packaging/dev/install-deps.sh test)" >&2; exit 1; }
}
for tool in dpkg-deb dpkg-shlibdeps dpkg-parsechangelog file desktop-file-validate appstreamcli gzip timeout; do need "$tool"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/weir-deb-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

# 1. Build the package from the existing tree (cpack only re-checks that it is up to date).
if ! timeout 300 "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" \
    >"$tmp/cpack.log" 2>&1; then
    cat "$tmp/cpack.log" >&2
    echo "FAIL: cpack -G DEB" >&2
    exit 1
fi
debs=("$tmp"/out/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { ls -l "$tmp/out" >&2; echo "FAIL: expected one .deb" >&2; exit 1; }
deb=${debs[0]}
ok "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# 2. Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = weir ] || fail "Package is '$(field Package)'"
deb_version=$(field Version)
case "$deb_version" in "$version"-[0-9]*) ;; *) fail "Version is '$deb_version', want $version-N" ;; esac
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Section)" ] || fail "no Section"
[ -n "$(field Description)" ] || fail "no Description"
depends=$(field Depends)
echo "Depends: $depends"
twice=$(echo "$depends" | tr ',|' '\n\n' | sed -E 's/^ +//; s/[ (].*//' | sort | uniq -d)
[ -z "$twice" ] && ok "no package twice in Depends" || fail "Depends lists more than once: $twice"
case "$depends" in *libc6*) ok "Depends filled by dpkg-shlibdeps" ;; *) fail "Depends lacks libc6: '$depends'" ;; esac
if [ $gui -eq 1 ]; then
    case "$depends" in *libqt5widgets5*) ok "Depends has Qt" ;; *) fail "Depends lacks libqt5widgets5" ;; esac
    case "$depends" in *libqt5keychain1*) ok "Depends has QtKeychain" ;; *) fail "Depends lacks libqt5keychain1" ;; esac
    case "$depends" in *libqt5svg5*) ok "Depends has the SVG icon engine" ;; *) fail "Depends lacks libqt5svg5" ;; esac
fi

# 3. Contents: everything under /usr/{bin,share}, owned by root.
dpkg-deb -c "$deb" >"$tmp/contents"
if awk '{print $2}' "$tmp/contents" | grep -v '^root/root$' >/dev/null; then
    fail "files not owned by root/root"
fi
stray=$(awk '{print $6}' "$tmp/contents" | grep -v -E '^\./$|^\./usr/$|^\./usr/(bin|share)/' || true)
[ -z "$stray" ] || fail "files outside /usr/bin and /usr/share: $stray"

dpkg-deb -x "$deb" "$root"
have() {
    if [ -f "$root$1" ] && [ -s "$root$1" ]; then ok "$1"; else fail "missing or empty $1"; fi
}

# 4. The programs run from the unpacked tree, with no display.
cli=$root/usr/bin/weir-cli
if [ -x "$cli" ]; then
    out=$(env -u DISPLAY -u WAYLAND_DISPLAY timeout 30 "$cli" --version) || fail "weir-cli --version exited $?"
    [ "$out" = "weir-cli $version" ] && ok "weir-cli --version: $out" || fail "weir-cli --version printed '$out'"
    timeout 60 "$cli" --demo 2000 --stats >"$tmp/stats.json" || fail "unpacked weir-cli --demo 2000 --stats failed"
    grep -q '"' "$tmp/stats.json" || fail "weir-cli --stats printed no JSON"
else
    fail "missing /usr/bin/weir-cli"
fi
case "$(file -b "$cli")" in *"not stripped"*) fail "weir-cli is not stripped" ;; esac

if [ $gui -eq 1 ]; then
    gui_bin=$root/usr/bin/weir
    if [ -x "$gui_bin" ]; then
        out=$(env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen timeout 30 "$gui_bin" --version 2>/dev/null) ||
            fail "weir --version exited $?"
        case "$out" in *"$version"*) ok "weir --version: $out" ;; *) fail "weir --version printed '$out'" ;; esac
    else
        fail "missing /usr/bin/weir"
    fi
else
    [ ! -e "$root/usr/bin/weir" ] || fail "GUI off, yet /usr/bin/weir is packaged"
fi

# 5. Desktop entry, metainfo and icons (GUI builds); validated either way.
share=$root/usr/share
if [ $gui -eq 1 ]; then
    desktops=("$share"/applications/*.desktop)
    metainfos=("$share"/metainfo/*.metainfo.xml)
    [ ${#desktops[@]} -eq 1 ] && [ -f "${desktops[0]}" ] || fail "expected one .desktop file"
    [ ${#metainfos[@]} -eq 1 ] && [ -f "${metainfos[0]}" ] || fail "expected one metainfo file"
    have /usr/share/icons/hicolor/scalable/apps/weir.svg
    for size in 16 22 24 32 48 64 128 256; do
        png=/usr/share/icons/hicolor/${size}x${size}/apps/weir.png
        have "$png"
        case "$(file -b "$root$png")" in
            "PNG image data, $size x $size"*) ;;
            *) fail "$png is not a ${size}x$size PNG" ;;
        esac
    done
    grep -q '^Icon=weir$' "${desktops[0]}" || fail ".desktop does not name the weir icon"
    grep -q '^Exec=weir ' "${desktops[0]}" || fail ".desktop does not run weir"
else
    [ ! -d "$share/applications" ] || fail "GUI off, yet a .desktop file is packaged"
    desktops=("$build"/packaging/*.desktop)
    metainfos=("$build"/packaging/*.metainfo.xml)
fi
desktop=${desktops[0]}
metainfo=${metainfos[0]}
desktop-file-validate "$desktop" >"$tmp/dfv.log" 2>&1 || true
if [ -s "$tmp/dfv.log" ]; then cat "$tmp/dfv.log" >&2; fail "desktop-file-validate $(basename "$desktop")"; else ok "desktop-file-validate"; fi
if appstreamcli validate --no-net "$metainfo" >"$tmp/as.log" 2>&1; then
    ok "appstreamcli validate"
else
    cat "$tmp/as.log" >&2
    fail "appstreamcli validate $(basename "$metainfo")"
fi
desktop_id=$(basename "$desktop")
grep -q "<launchable type=\"desktop-id\">$desktop_id</launchable>" "$metainfo" ||
    fail "metainfo does not launch $desktop_id"
grep -q "<id>$(basename "$metainfo" .metainfo.xml)</id>" "$metainfo" ||
    fail "metainfo's <id> does not match its file name"
newest=$(grep -o '<release version="[^"]*"' "$metainfo" | head -n1 | cut -d'"' -f2)
[ "$newest" = "$version" ] || fail "metainfo's newest release is '$newest', the project is $version (add a <release>)"

# 6. Man pages: gzip'd, and they document every option --help lists.
pages=(weir-cli)
[ $gui -eq 1 ] && pages+=(weir)
for page in "${pages[@]}"; do
    man=/usr/share/man/man1/$page.1.gz
    have "$man"
    [ -f "$root$man" ] || continue
    gzip -t "$root$man" || fail "$man is not valid gzip"
    zcat "$root$man" >"$tmp/$page.1"
    grep -q "^\.TH \"\?${page^^}\"\? " "$tmp/$page.1" || fail "$man has no .TH $page header"
    env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen timeout 30 "$root/usr/bin/$page" --help \
        2>/dev/null | grep -o -E '^ +(-[[:alnum:]], )?--[[:alnum:]][[:alnum:]-]*' |
        grep -o -E -- '--[[:alnum:]-]+' >"$tmp/$page.opts" || true
    [ -s "$tmp/$page.opts" ] || fail "$page --help lists no options"
    while read -r opt; do
        grep -q -F -- "${opt//-/\\-}" "$tmp/$page.1" || fail "man page $page.1 lacks $opt"
    done <"$tmp/$page.opts"
done

# 7. Bash completion: completing `--` offers every option weir-cli --help lists.
comp=/usr/share/bash-completion/completions/weir-cli
have "$comp"
if [ -f "$root$comp" ] && [ -s "$tmp/weir-cli.opts" ]; then
    offered=$(bash --norc --noprofile -c '
        source "$1" || exit 1
        COMP_WORDS=("$2" --); COMP_CWORD=1; _weir_cli; printf "%s\n" "${COMPREPLY[@]}"
        COMP_WORDS=("$2" --format ""); COMP_CWORD=2; _weir_cli; printf "format:%s\n" "${COMPREPLY[@]}"
    ' _ "$root$comp" "$cli") || fail "sourcing the completion failed"
    while read -r opt; do
        grep -q -x -- "$opt" <<<"$offered" || fail "completion does not offer $opt"
    done <"$tmp/weir-cli.opts"
    grep -q -x 'format:json' <<<"$offered" || fail "completion of --format does not offer json"
    ok "completion offers $(wc -l <"$tmp/weir-cli.opts") options"
fi

# 8. Examples and copyright.
for f in README workspace.example.json rules.example.json; do have "/usr/share/weir/examples/$f"; done
# The unpacked weir-cli accepts the unpacked rules example (it exits 2 on an invalid rule).
if [ -x "$cli" ] && [ -f "$share/weir/examples/rules.example.json" ]; then
    if timeout 60 "$cli" --demo 3000 --rules "$share/weir/examples/rules.example.json" \
        --alerts-out "$tmp/alerts.jsonl" 2>"$tmp/rules.err"; then
        ok "weir-cli runs the rules example"
    else
        cat "$tmp/rules.err" >&2
        fail "weir-cli rejects rules.example.json"
    fi
fi
if command -v python3 >/dev/null; then
    for f in "$share"/weir/examples/*.json; do
        python3 -m json.tool "$f" >/dev/null || fail "$(basename "$f") is not valid JSON"
    done
fi
copyright=/usr/share/doc/weir/copyright
have "$copyright"
if [ -f "$root$copyright" ]; then
    [ "$(head -n1 "$root$copyright")" = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" ] ||
        fail "copyright is not in DEP-5 format"
    grep -q '^Files: \*$' "$root$copyright" || fail "copyright has no 'Files: *' paragraph"
    grep -q '^License: GPL-3+$' "$root$copyright" || fail "copyright does not say GPL-3+"
fi
changelog=/usr/share/doc/weir/changelog.Debian.gz
have "$changelog"
if [ -f "$root$changelog" ]; then
    zcat "$root$changelog" >"$tmp/changelog"
    logged=$(dpkg-parsechangelog -l "$tmp/changelog" -S Version 2>&1) || fail "changelog: $logged"
    [ "$logged" = "$deb_version" ] || fail "changelog's version is '$logged', the package's $deb_version"
fi

if [ $failures -ne 0 ]; then
    echo "$failures packaging check(s) failed" >&2
    exit 1
fi
echo "all packaging checks passed"
