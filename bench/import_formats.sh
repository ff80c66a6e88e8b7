#!/bin/sh
# bench/import_formats.sh [N] -- `make bench-import-formats`: the HTML and
# feed importers against the page-text importer (issue 5).
#
# bench/gen_formats writes N synthetic articles (default 10000) three
# times: as page-text files, as saved HTML pages, and as one RSS 2.0 file
# with N items.  Each round imports each form with `tidings import` into a
# fresh store and times it; the page-text figure is measured in the same
# round, so the ratios compare like with like on a shared machine.  Rounds
# rotate the order of the three.  Peak RSS is GNU time's %M.
#
# Target (issue 5): HTML and feed each at least 0.5x page text.
#
# Environment: TIDINGS and GEN (the binaries; the Makefile sets them),
# ROUNDS (default 2), SEED (default 1), BENCH_TMP (default /tmp).
set -eu

N=${1:-10000}
ROUNDS=${ROUNDS:-2}
SEED=${SEED:-1}
TIDINGS=${TIDINGS:-./tidings}
GEN=${GEN:-build/bench/gen_formats}
GNUTIME=/usr/bin/time

for tool in "$GNUTIME" "$TIDINGS" "$GEN"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "bench-import-formats: '$tool' is missing" >&2
        exit 2
    }
done

T=$(mktemp -d "${BENCH_TMP:-/tmp}/tidings-bench-formats.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }

cat >"$T/tidings.conf" <<CONF
[site]
base_url = https://www.example.org
[store]
path = $T/tidings.db
CONF

echo "bench-import-formats: generating $N articles in three forms (seed $SEED)"
"$GEN" -s "$SEED" -n "$N" -o "$T/corpus"
BYTES_text=$(du -sb "$T/corpus/text" | cut -f1)
BYTES_html=$(du -sb "$T/corpus/html" | cut -f1)
BYTES_feed=$(wc -c <"$T/corpus/feed.xml")
PATH_text=$T/corpus/text
PATH_html=$T/corpus/html
PATH_feed=$T/corpus/feed.xml

# import FORMAT: a fresh store, then the import; sets WALL (s), RSS (KiB).
import() {
    eval "src=\$PATH_$1"
    rm -f "$T/tidings.db" "$T/tidings.db-wal" "$T/tidings.db-shm"
    t0=$(now_ns)
    "$GNUTIME" -f %M -o "$T/rss" "$TIDINGS" -c "$T/tidings.conf" import \
        "$src" >"$T/out" 2>&1 || {
        echo "bench-import-formats: import of $1 failed:" >&2
        tail -5 "$T/out" >&2
        exit 1
    }
    t1=$(now_ns)
    grep -q "^$N new, 0 updated, 0 unchanged, 0 rejected" "$T/out" || {
        echo "bench-import-formats: unexpected summary for $1:" >&2
        tail -5 "$T/out" >&2
        exit 1
    }
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    RSS=$(tail -n 1 "$T/rss")
}

printf '%-5s %-9s %9s %8s %8s %9s %12s\n' round format articles/s MB/s \
    seconds "peak MB" "vs text"
ROUND=1
while [ "$ROUND" -le "$ROUNDS" ]; do
    case $((ROUND % 3)) in
    1) ORDER="text html feed" ;;
    2) ORDER="html feed text" ;;
    0) ORDER="feed text html" ;;
    esac
    for f in $ORDER; do
        import "$f"
        eval "WALL_$f=$WALL RSS_$f=$RSS"
    done
    for f in text html feed; do
        eval "w=\$WALL_$f r=\$RSS_$f b=\$BYTES_$f"
        awk -v round="$ROUND" -v f="$f" -v n="$N" -v w="$w" -v r="$r" \
            -v b="$b" -v wt="$WALL_text" 'BEGIN {
                printf "%-5s %-9s %9.0f %8.1f %8.2f %9.1f %11.2fx\n", round,
                       f, n / w, b / w / 1e6, w, r / 1024, wt / w }'
    done
    ROUND=$((ROUND + 1))
done
echo "target: html and feed >= 0.50x text (articles/s, same round)"
