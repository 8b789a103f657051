#!/bin/sh
# Golden CLI tests. Each directory under tests/golden/ holds:
#   cmd          one shell command line; $KT is the kftriage binary, run
#                in a scratch directory where every packed fixture bundle
#                is available by its file name (example.tar.gz, ...)
#   expect.out   the exact stdout
#   expect.rc    the exact exit status
#   expect.err   the exact stderr (optional; when absent stderr is free)
# With UPDATE=1 the expectations are rewritten from the actual output
# (review that diff like code). Ends with "N passed, N failed".
set -u
: "${KT_BIN:?KT_BIN must name the kftriage binary}"
: "${KT_BUNDLES:?KT_BUNDLES must name the packed bundles directory}"
top=$(cd "$(dirname "$0")/.." && pwd)
KT=$(cd "$(dirname "$KT_BIN")" && pwd)/$(basename "$KT_BIN")
bundles=$(cd "$KT_BUNDLES" && pwd)
export KT
pass=0
fail=0
for dir in "$top"/tests/golden/*/; do
    name=$(basename "$dir")
    work=$(mktemp -d)
    for b in "$bundles"/*; do
        ln -s "$b" "$work/$(basename "$b")"
    done
    cp -r "$top/fixtures" "$work/fixtures"
    cp "$top/README.md" "$work/README.md"
    (cd "$work" && NO_COLOR=1 sh -c "$(cat "$dir/cmd")" \
        >"$work/.out" 2>"$work/.err" </dev/null)
    echo $? >"$work/.rc"
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$work/.out" "$dir/expect.out"
        cp "$work/.rc" "$dir/expect.rc"
        [ -f "$dir/expect.err" ] && cp "$work/.err" "$dir/expect.err"
    fi
    ok=1
    cmp -s "$work/.out" "$dir/expect.out" || {
        ok=0
        echo "--- $name: stdout differs" >&2
        diff "$dir/expect.out" "$work/.out" | head -20 >&2
    }
    cmp -s "$work/.rc" "$dir/expect.rc" || {
        ok=0
        echo "--- $name: exit status $(cat "$work/.rc")," \
            "expected $(cat "$dir/expect.rc")" >&2
    }
    if [ -f "$dir/expect.err" ] && ! cmp -s "$work/.err" "$dir/expect.err"
    then
        ok=0
        echo "--- $name: stderr differs" >&2
        diff "$dir/expect.err" "$work/.err" | head -20 >&2
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL golden/$name" >&2
    fi
    rm -rf "$work"
done
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
