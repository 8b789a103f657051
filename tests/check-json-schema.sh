#!/bin/sh
# Every JSON report the tests produce must be valid against
# docs/report.schema.json: the golden expectations that are JSON reports,
# a fresh `analyze --format json` of every packed fixture bundle, and the
# report of the nested-findings index that tests/unit/test_report.c
# writes. Validation is python3-jsonschema from Debian (tools/deps).
# Ends with "N passed, N failed".
set -u
: "${KT_BIN:?KT_BIN must name the kftriage binary}"
: "${KT_BUNDLES:?KT_BUNDLES must name the packed bundles directory}"
: "${KT_NESTED:?KT_NESTED must name the test_report binary}"
top=$(cd "$(dirname "$0")/.." && pwd)
if ! python3 -c 'import jsonschema' 2>/dev/null; then
    echo "schema: python3-jsonschema is missing; run tools/deps" >&2
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for b in "$KT_BUNDLES"/*.tar.gz; do
    name=$(basename "$b" .tar.gz)
    "$KT_BIN" analyze -q --format json "$b" --db "$work/$name.db" \
        >"$work/bundle-$name.json" 2>/dev/null
    # An unreadable bundle prints no report; that is not a schema matter.
    [ -s "$work/bundle-$name.json" ] || rm -f "$work/bundle-$name.json"
done
for f in "$top"/tests/golden/*/expect.out; do
    # A report starts with "{" and has findings; a --jobs summary does not.
    if [ "$(head -c 1 "$f")" = "{" ] && grep -q '"findings":' "$f"; then
        cp "$f" "$work/golden-$(basename "$(dirname "$f")").json"
    fi
done
"$KT_NESTED" --write-db "$work/nested.db" &&
    "$KT_BIN" report --format json "$work/nested.db" >"$work/nested.json"
python3 - "$top/docs/report.schema.json" "$work"/*.json <<'PY'
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
passed = failed = 0
for path in sys.argv[2:]:
    name = path.rsplit("/", 1)[-1]
    try:
        doc = json.load(open(path))
    except ValueError as e:
        print("FAIL %s: not JSON: %s" % (name, e), file=sys.stderr)
        failed += 1
        continue
    errors = sorted(validator.iter_errors(doc), key=lambda e: e.path)
    for e in errors[:5]:
        where = "/".join(str(p) for p in e.absolute_path)
        print("FAIL %s: /%s: %s" % (name, where, e.message), file=sys.stderr)
    if errors:
        failed += 1
    else:
        passed += 1
print("schema: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed or passed == 0 else 0)
PY
