#!/bin/sh
# Tests on data produced by real clusters, read in place from
# ../shared/real (or $KT_REAL): never copied into the repository.
# Ends with "N passed, N failed".
set -u
: "${KT_BIN:?}"
top=$(cd "$(dirname "$0")/.." && pwd)
real=${KT_REAL:-$top/../shared/real}
if [ ! -d "$real" ]; then
    echo "real: $real is missing; these tests need the shared real data" >&2
    echo "real: 0 passed, 1 failed"
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

check() { # check DESCRIPTION GOT WANT
    if [ "$2" = "$3" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL $1: got '$2', expected '$3'" >&2
        fail=$((fail + 1))
    fi
}

q() { # q DB SQL: the rows without the header
    "$KT_BIN" query "$1" "$2" | tail -n +2
}

# The first root finding about one object, as "category".
first_category() {
    q "$1" "SELECT category FROM findings WHERE parent_id IS NULL
        AND name = '$2' ORDER BY rank LIMIT 1"
}

# troubleshoot-objects, read as a directory and packed as a tar.gz.
objects="$real/troubleshoot-objects"
tar -C "$objects" -czf "$work/objects.tar.gz" .
for input in "$objects" "$work/objects.tar.gz"; do
    db="$work/objects-$(basename "$input").db"
    "$KT_BIN" analyze -q "$input" --db "$db" >"$work/report.txt"
    check "objects exit status ($input)" "$?" 0
    check "pending GPU pod" \
        "$(first_category "$db" pending-pod-resources-5fddcf7688-djjfc)" \
        gpu-scheduling
    check "scheduler message quoted" \
        "$(q "$db" "SELECT count(*) > 0 FROM evidence e
            JOIN findings f ON f.id = e.finding_id
            WHERE f.name = 'pending-pod-resources-5fddcf7688-djjfc'
            AND e.text LIKE '0/1 nodes are available: 1 Insufficient nvidia.com/gpu.%'")" 1
    check "node affinity pod" \
        "$(first_category "$db" kotsadm-b6cb54c8f-zgzrn)" resource-scheduling
    check "OOMKilled pod" "$(first_category "$db" oom-kill-job3-gbb89)" oom
    check "crash-looping pod" "$(first_category "$db" init-demo)" crashloop
    check "image pull pod" \
        "$(first_category "$db" no-image-deployment-849c4c4958-rxqmt)" \
        image-pull
    check "failed mount pod" \
        "$(first_category "$db" troubleshoot-copyfromhost-4m79m-psdjm)" \
        pvc-storage
    check "report names the pending pod" \
        "$(grep -c 'pending-pod-resources-5fddcf7688-djjfc' "$work/report.txt" |
            awk '{print ($1 > 0)}')" 1
    check "every pod indexed" \
        "$(q "$db" "SELECT count(*) FROM objects WHERE kind = 'Pod'")" 7
    check "every node indexed" \
        "$(q "$db" "SELECT count(*) FROM objects WHERE kind = 'Node'")" 7
    check "every event indexed" "$(q "$db" "SELECT count(*) FROM events")" 93
done

# The k3s support bundle: read without error, every entry accounted for.
bundle="$real/troubleshoot-k3s-support-bundle.tar.gz"
db="$work/k3s.db"
"$KT_BIN" analyze -q "$bundle" --db "$db" >/dev/null
check "k3s exit status" "$?" 0
check "k3s every entry in files" \
    "$(q "$db" "SELECT count(*) FROM files")" \
    "$(tar -tzf "$bundle" | grep -vc '/$')"
check "k3s layout" "$(q "$db" "SELECT value FROM meta WHERE key = 'layout'")" \
    troubleshoot
check "k3s nothing skipped" \
    "$(q "$db" "SELECT count(*) FROM files WHERE status IN ('skipped','partial')")" 0
check "k3s symlinks recorded" \
    "$(q "$db" "SELECT count(*) FROM files WHERE type = 'symlink'")" \
    "$(tar -tvzf "$bundle" | grep -c '^l')"
check "k3s pods" "$(q "$db" "SELECT count(*) FROM objects WHERE kind = 'Pod'")" 8
check "k3s custom resources from YAML" \
    "$(q "$db" "SELECT group_concat(kind || ':' || n, ' ') FROM (SELECT kind,
        count(*) AS n FROM objects WHERE kind IN ('Addon', 'HelmChart',
        'IngressRoute') GROUP BY kind ORDER BY kind)")" \
    "Addon:12 HelmChart:2 IngressRoute:1"
check "k3s every JSON and YAML file parsed" \
    "$(q "$db" "SELECT count(*) FROM files WHERE type IN ('json', 'yaml')
        AND status != 'indexed'")" 0
check "k3s log files" \
    "$(q "$db" "SELECT count(*) FROM files WHERE type = 'log'")" 19
check "k3s previous logs" \
    "$(q "$db" "SELECT count(*) FROM files WHERE type = 'log' AND previous = 1")" 8
check "k3s log lines all stored" \
    "$(q "$db" "SELECT sum(lines) FROM files WHERE type = 'log'")" \
    "$(tar -xzOf "$bundle" --wildcards 'support-bundle/cluster-resources/pods/logs/*' |
        awk 'END {print NR}')"
check "k3s collected_at from the archive" \
    "$(q "$db" "SELECT value FROM meta WHERE key = 'collected_at'")" \
    2022-12-21T16:44:51Z
# Its six pods restarted 25 to 189 times. Six containers ended at once
# with reason Unknown (exit code 255): the k3d node restarted, and that is
# the one root cause, with each pod's restart storm under it.
check "k3s root cause is the node restart" \
    "$(q "$db" "SELECT rule || ' ' || kind || ' ' || name FROM findings
        WHERE parent_id IS NULL ORDER BY rank")" \
    "node.restarted Node k3d-mycluster-server-0"
check "k3s restart storms are its symptoms" \
    "$(q "$db" "SELECT count(*) FROM findings WHERE parent_id = (SELECT id
        FROM findings WHERE rule = 'node.restarted')
        AND rule = 'crashloop.restart-storm'")" 6
check "k3s a restart storm quotes the previous run's panic" \
    "$(q "$db" "SELECT count(*) FROM evidence v JOIN files f
        ON f.id = v.file_id WHERE f.path LIKE
        '%metrics-server-previous.log' AND v.text LIKE 'panic: %'")" 1
check "k3s object graph" \
    "$(q "$db" "SELECT group_concat(relation || '=' || n, ' ') FROM (SELECT
        relation, count(*) AS n FROM edges GROUP BY relation
        ORDER BY relation)")" \
    "bound to=4 owned by=14 runs as=8 runs on=8 selects=3 uses class=4"
check "k3s a Service selects its pod" \
    "$(q "$db" "SELECT to_name FROM edges WHERE relation = 'selects'
        AND from_name = 'metrics-server'")" metrics-server-668d979685-wttxd
check "k3s without gateway logs the redirect-loop check is not run" \
    "$(q "$db" "SELECT count(*) FROM not_checked
        WHERE rule = 'auth.gateway-redirect-loop'")" 1

echo "real: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
