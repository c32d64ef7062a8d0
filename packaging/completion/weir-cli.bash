# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion for weir-cli                                    -*- shell-script -*-
#
# The options are read from `weir-cli --help` (once per shell and program path), so options added
# to weir-cli complete without editing this file. A value's completion follows the placeholder
# shown in --help: FILE/F/PATH/DIR complete file names, `a|b|TIME` offers a and b, and numbers
# (N, X, MB, ...) offer nothing; --format, --from, --qos and --mqtt-version offer their choices.
# The static list below is used when the program cannot be run.

_weir_cli_fallback_help='
  --demo N
  --seed N
  --format F            input format: auto (default), combined, common, seed, json, csv
  --speed X
  --max-line-bytes N
  --memory-budget MB
  --stats
  -h, --help
  --version'

declare -gA _weir_cli_help_cache 2>/dev/null

# Prints "option<US>placeholder<US>description" (US: the 0x1f unit separator, which unlike a
# tab keeps empty fields when read) per option in the help text on stdin. A description that
# wraps onto deeper-indented lines is joined into one.
_weir_cli_parse_help()
{
    local line opt= arg= desc=
    local re='^ +(-[[:alnum:]], )?(--[[:alnum:]][[:alnum:]-]*)( ([^ ]+))?( +(.*))?$'
    local more='^ {8,}([^ -].*)$'
    while IFS= read -r line; do
        if [[ $line =~ $re ]]; then
            [[ -n $opt ]] && printf '%s\037%s\037%s\n' "$opt" "$arg" "$desc"
            [[ -n ${BASH_REMATCH[1]} ]] && printf '%s\037\037\n' "${BASH_REMATCH[1]%, }"
            opt=${BASH_REMATCH[2]} arg=${BASH_REMATCH[4]} desc=${BASH_REMATCH[6]}
        elif [[ -n $opt && $line =~ $more ]]; then
            desc+=" ${BASH_REMATCH[1]}"
        else
            [[ -n $opt ]] && printf '%s\037%s\037%s\n' "$opt" "$arg" "$desc"
            opt=
        fi
    done
    [[ -n $opt ]] && printf '%s\037%s\037%s\n' "$opt" "$arg" "$desc"
    return 0
}

_weir_cli_table()
{
    local prog=$1 help
    if [[ -z ${_weir_cli_help_cache[$prog]+set} ]]; then
        help=$("$prog" --help 2>/dev/null </dev/null)
        [[ $help == *--* ]] || help=$_weir_cli_fallback_help
        _weir_cli_help_cache[$prog]=$(_weir_cli_parse_help <<<"$help")
    fi
    printf '%s\n' "${_weir_cli_help_cache[$prog]}"
}

_weir_cli_files()
{
    if declare -F _filedir >/dev/null; then
        _filedir
    else
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_weir_cli()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    local prog=${COMP_WORDS[0]} table opt arg desc
    prog=${prog/#\~/$HOME}
    table=$(_weir_cli_table "$prog")

    # The word before the cursor is an option that takes a value: complete the value.
    if [[ $prev == -* ]]; then
        while IFS=$'\037' read -r opt arg desc; do
            [[ $opt == "$prev" && -n $arg ]] || continue
            local words=
            case $opt in # fixed choices that --help states in prose
                --from) words='earliest latest' ;;
                --qos) words='0 1 2' ;;
                --mqtt-version) words='3.1.1 5' ;;
            esac
            if [[ -n $words ]]; then
                COMPREPLY=($(compgen -W "$words" -- "$cur"))
            elif [[ $opt == --format ]]; then
                local formats=${desc#*:}
                formats=${formats//(default)/}
                formats=${formats//,/ }
                COMPREPLY=($(compgen -W "$formats" -- "$cur"))
            elif [[ $arg == *'|'* ]]; then
                words=${arg//[\[\]]/}
                words=${words//|/ }
                COMPREPLY=($(compgen -W "$words" -- "$cur"))
                local w keep=()
                for w in "${COMPREPLY[@]}"; do
                    [[ $w == *[[:lower:]]* ]] && keep+=("$w")
                done
                COMPREPLY=("${keep[@]}")
            elif [[ $arg == F || $arg == *FILE* || $arg == *PATH* || $arg == DIR ]]; then
                _weir_cli_files
            fi
            return 0
        done <<<"$table"
    fi

    if [[ $cur == -* ]]; then
        local opts=()
        while IFS=$'\037' read -r opt arg desc; do
            [[ -n $opt ]] && opts+=("$opt")
        done <<<"$table"
        COMPREPLY=($(compgen -W "${opts[*]}" -- "$cur"))
        return 0
    fi

    _weir_cli_files
}

complete -F _weir_cli weir-cli
