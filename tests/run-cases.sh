#!/bin/sh
# Case tests: every fixture listed in tests/cases.tsv is analyzed, and the
# root finding ranked first must have the listed category and subject.
# For category "none" no live (not stale) root finding may be of severity
# error or critical. A namespace of "-" stands for none (a cluster-scoped
# object, or a file that belongs to no pod: its subject is kind File, name
# the path), since read would fold an empty tab-separated field. Ends with
# "N passed, N failed".
set -u
: "${KT_BIN:?}"
: "${KT_BUNDLES:?}"
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
tab=$(printf '\t')
while IFS="$tab" read -r fixture category kind namespace name; do
    case "$fixture" in '#'* | '') continue ;; esac
    [ "$namespace" = - ] && namespace=
    bundle="$KT_BUNDLES/$(basename "$fixture").tar.gz"
    db="$work/$(basename "$fixture").db"
    "$KT_BIN" analyze -q "$bundle" --db "$db" >/dev/null
    rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "FAIL $fixture: analyze exited $rc" >&2
        fail=$((fail + 1))
        continue
    fi
    if [ "$category" = none ]; then
        got=$("$KT_BIN" query "$db" "SELECT count(*) FROM findings
            WHERE parent_id IS NULL AND NOT stale
            AND severity IN ('critical','error')" |
            tail -n 1)
        want=0
    else
        got=$("$KT_BIN" query "$db" "SELECT category, kind, namespace, name
            FROM findings WHERE parent_id IS NULL AND rank = 1" |
            tail -n +2)
        want="$category$tab$kind$tab$namespace$tab$name"
    fi
    if [ "$got" = "$want" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL $fixture: first finding is '$got', expected '$want'" >&2
        fail=$((fail + 1))
    fi
done <"$top/tests/cases.tsv"
echo "cases: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
