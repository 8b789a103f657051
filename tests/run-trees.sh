#!/bin/sh
# Tree tests: each fixtures/multi/NAME bundle is analyzed and its findings
# printed as the tree correlation built, one line per finding, indented
# under the finding that explains it, in rank order:
#   SEVERITY CATEGORY KIND NAMESPACE/NAME (RULE)[: why it is a symptom][ stale]
# The output must equal tests/trees/NAME.tree. UPDATE=1 rewrites them.
# Ends with "trees: N passed, N failed".
set -u
: "${KT_BIN:?}"
: "${KT_BUNDLES:?}"
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
for dir in "$top"/fixtures/multi/*/; do
    name=$(basename "$dir")
    want="$top/tests/trees/$name.tree"
    got="$work/$name.tree"
    "$KT_BIN" analyze -q "$KT_BUNDLES/$name.tar.gz" --db "$work/$name.db" \
        >/dev/null
    rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "FAIL $name: analyze exited $rc" >&2
        fail=$((fail + 1))
        continue
    fi
    "$KT_BIN" query "$work/$name.db" "SELECT substr('        ', 1,
        2 * depth) || severity || ' ' || category || ' ' || kind || ' ' ||
        namespace || '/' || name || ' (' || rule || ')' ||
        coalesce(': ' || because, '') ||
        CASE WHEN stale THEN ' stale' ELSE '' END AS tree FROM findings_tree" |
        tail -n +2 >"$got"
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$got" "$want"
    fi
    if diff -u "$want" "$got" >&2; then
        pass=$((pass + 1))
    else
        echo "FAIL $name: findings tree differs (UPDATE=1 rewrites)" >&2
        fail=$((fail + 1))
    fi
done
echo "trees: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
