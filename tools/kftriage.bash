# SPDX-License-Identifier: MIT
# Bash completion for kftriage, installed by `make install` to
# $(PREFIX)/share/bash-completion/completions/kftriage. Commands and
# options are those of `kftriage --help` (tests/check-docs.sh checks).

_kftriage()
{
    local cur prev cmd i
    local commands="analyze ingest report timeline search query patterns"
    local opts="--component --db --depth-limit --fail-on --format --help
        --jobs --level --match-limit --max-db --max-depth --max-doc-depth
        --max-entries --max-entry --max-line --max-path --max-ratio
        --max-total --namespace --output --patterns --quiet --reindex
        --since --until --verbose --version -h -j -n -o -q -v"

    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        analyze | ingest | report | timeline | search | query | patterns)
            cmd=${COMP_WORDS[i]}
            break
            ;;
        esac
    done

    case $prev in
    --format)
        case $cmd in
        query) COMPREPLY=($(compgen -W "table tsv csv json" -- "$cur")) ;;
        timeline | search | patterns)
            COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text json markdown html" -- "$cur")) ;;
        esac
        return
        ;;
    --fail-on)
        COMPREPLY=($(compgen -W "critical error warning info" -- "$cur"))
        return
        ;;
    --level)
        COMPREPLY=($(compgen -W "fatal error warning info debug trace" \
            -- "$cur"))
        return
        ;;
    --db | -o | --output)
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --patterns)
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    --max-entries | --max-entry | --max-total | --max-ratio | --max-depth | \
        --max-db | --max-line | --max-path | --max-doc-depth | \
        --match-limit | --depth-limit | --since | --until | -j | --jobs | \
        --component | -n | --namespace)
        return
        ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    elif [[ $cmd == patterns ]]; then
        COMPREPLY=($(compgen -W "list check test" -- "$cur"))
    elif [[ $cmd == analyze || $cmd == ingest ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -f -X '!*.db' -- "$cur") \
            $(compgen -d -- "$cur"))
    fi
}
complete -F _kftriage kftriage
