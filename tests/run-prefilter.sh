#!/bin/sh
# Prefilter equivalence (tag:prefilter-equivalence): every test bundle is
# analyzed with the literal prefilter and without it
# (KFTRIAGE_NO_PREFILTER=1), and the two matches tables must be the same
# byte for byte. A bundle that cannot be read at all is skipped. Ends with
# "prefilter: N passed, N failed".
set -u
: "${KT_BIN:?}"
: "${KT_BUNDLES:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
sql='SELECT * FROM matches ORDER BY id'
for bundle in "$KT_BUNDLES"/*.tar.gz; do
    name=$(basename "$bundle" .tar.gz)
    "$KT_BIN" ingest -q "$bundle" --db "$work/with.db" >/dev/null 2>&1
    rc=$?
    KFTRIAGE_NO_PREFILTER=1 "$KT_BIN" ingest -q "$bundle" \
        --db "$work/without.db" >/dev/null 2>&1
    if [ "$rc" -gt 1 ] || [ "$?" -gt 1 ]; then
        continue
    fi
    "$KT_BIN" query "$work/with.db" "$sql" >"$work/with.txt"
    "$KT_BIN" query "$work/without.db" "$sql" >"$work/without.txt"
    if cmp -s "$work/with.txt" "$work/without.txt"; then
        pass=$((pass + 1))
    else
        echo "FAIL $name: the matches differ with the prefilter:" >&2
        diff "$work/without.txt" "$work/with.txt" | head -n 10 >&2
        fail=$((fail + 1))
    fi
    rm -f "$work"/*.db
done
echo "prefilter: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
