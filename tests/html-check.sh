#!/bin/sh
# Render HTML reports in headless Chromium, offline: the example bundle's
# report and that of the nested-findings index with hostile text
# (tests/unit/test_report.c). Each page must set its rendered mark, log
# no script error, run no script from the bundle, ask for nothing over the
# network, and give a screenshot that is not blank. Skipped, with a
# message, when /usr/bin/chromium is not installed (it is not in
# tools/deps: it would make CI much slower). Ends with "N passed, N
# failed".
set -u
: "${KT_BIN:?KT_BIN must name the kftriage binary}"
: "${KT_BUNDLES:?KT_BUNDLES must name the packed bundles directory}"
: "${KT_NESTED:?KT_NESTED must name the test_report binary}"
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "html-check: skipped: $chromium is not installed" \
        "(apt-get install chromium)"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$KT_BIN" analyze -q --format html "$KT_BUNDLES/example.tar.gz" \
    --db "$work/example.db" -o "$work/example.html"
"$KT_NESTED" --write-db "$work/nested.db"
"$KT_BIN" report --format html "$work/nested.db" -o "$work/nested.html"

run_chromium() { # PAGE ARGS...
    page=$1
    shift
    profile=$(mktemp -d)
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync \
        --user-data-dir="$profile" --enable-logging=stderr --v=0 \
        "$@" "file://$page"
    status=$?
    rm -rf "$profile"
    return $status
}

# Many distinct byte values in the inflated image data: a blank page
# inflates to a few values only (the row filter bytes and one colour).
not_blank() { # PNG
    python3 - "$1" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("not a PNG")
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
pixels = zlib.decompress(idat)
sys.exit(0 if len(set(pixels)) > 16 else "blank screenshot")
PY
}

pass=0
fail=0
for name in example nested; do
    page="$work/$name.html"
    ok=1
    if grep -Eiq '<(img|link|iframe|object|embed)|src=|href=' "$page"; then
        echo "html-check: $name: the page refers to another resource" >&2
        ok=0
    fi
    run_chromium "$page" --dump-dom >"$work/$name.dom" 2>"$work/$name.log"
    if ! grep -q 'data-kftriage="rendered"' "$work/$name.dom"; then
        echo "html-check: $name: the page did not finish rendering" >&2
        ok=0
    fi
    if grep -q '<script>alert' "$work/$name.dom"; then
        echo "html-check: $name: bundle text became a script" >&2
        ok=0
    fi
    run_chromium "$page" --window-size=1200,1600 \
        --screenshot="$work/$name.png" >/dev/null 2>>"$work/$name.log"
    if grep -E 'Uncaught|SyntaxError|Refused to' "$work/$name.log" >&2; then
        echo "html-check: $name: script or policy errors above" >&2
        ok=0
    fi
    if ! not_blank "$work/$name.png"; then
        echo "html-check: $name: the screenshot is blank or missing" >&2
        ok=0
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
done
echo "html-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
