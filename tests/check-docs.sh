#!/bin/sh
# The manual page (docs/kftriage.1) and the bash completion
# (tools/kftriage.bash) must name every command and every option that
# `kftriage --help` lists, so that they cannot drift apart. Ends with
# "N passed, N failed".
set -u
: "${KT_BIN:?KT_BIN must name the kftriage binary}"
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$KT_BIN" --help >"$work/help"
# Commands: the first word of the lines under "Commands:".
sed -n '/^Commands:/,/^$/p' "$work/help" |
    sed -n 's/^  \([a-z][a-z]*\) .*/\1/p' >"$work/commands"
# Options: every -x and --long-name the help shows.
grep -oE '(^|[ ,])--?[a-z][a-z-]*' "$work/help" | sed 's/^[ ,]*//' |
    sort -u >"$work/options"
# roff writes a minus as \-; the check reads the page as text.
sed 's/\\-/-/g' "$top/docs/kftriage.1" >"$work/man"
pass=0
fail=0
check() { # FILE LABEL WORD
    if grep -qE -- "(^|[^a-z-])$3([^a-z-]|\$)" "$1"; then
        pass=$((pass + 1))
    else
        echo "FAIL docs: $2 does not name $3" >&2
        fail=$((fail + 1))
    fi
}
for w in $(cat "$work/commands" "$work/options"); do
    check "$work/man" docs/kftriage.1 "$w"
    check "$top/tools/kftriage.bash" tools/kftriage.bash "$w"
done
if [ "$(wc -l <"$work/commands")" -lt 5 ]; then
    echo "FAIL docs: found too few commands in --help" >&2
    fail=$((fail + 1))
fi
echo "docs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
