#!/bin/sh
# bench/import.sh [N] -- `make bench-import`: page-text import against the
# sqlite3 shell's CSV .import of the same rows (issue 2).
#
# bench/gen writes N synthetic articles (default 100000) and the CSV of the
# rows the articles table should hold for them.  Each round imports the
# pages with `tidings import` into a fresh store, and has the sqlite3 shell
# load the CSV in one transaction into a fresh database holding the same
# articles table (its DDL and indexes are read from a new tidings store).
# Rounds alternate the order (tidings first, then the shell first).  Wall
# time is measured around each command; peak RSS is GNU time's %M, CPU its
# user + system time over all threads (tidings reads and parses on one
# thread and stores on another; the shell has one).  At the end the two
# tables are compared row by row, and tidings' peak RSS is measured again
# at a tenth of N, to show that it does not grow with N.
#
# Environment: TIDINGS and GEN (the binaries; the Makefile sets them),
# ROUNDS (default 3), SEED (default 1), BENCH_TMP (default /tmp).
set -eu

N=${1:-100000}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-1}
TIDINGS=${TIDINGS:-./tidings}
GEN=${GEN:-build/bench/gen}
GNUTIME=/usr/bin/time

for tool in "$GNUTIME" sqlite3 "$TIDINGS" "$GEN"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "bench-import: '$tool' is missing (make deps installs GNU time and sqlite3)" >&2
        exit 2
    }
done

T=$(mktemp -d "${BENCH_TMP:-/tmp}/tidings-bench-import.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }

# run NAME CMD...: runs CMD under GNU time; sets WALL (s), RSS (KiB) and
# CPU (user + system s, all threads).
run() {
    name=$1
    shift
    t0=$(now_ns)
    "$GNUTIME" -f '%M %U %S' -o "$T/$name.time" "$@" >"$T/$name.out" 2>&1 || {
        echo "bench-import: $name failed:" >&2
        cat "$T/$name.out" >&2
        exit 1
    }
    t1=$(now_ns)
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    RSS=$(tail -n 1 "$T/$name.time" | cut -d' ' -f1)
    CPU=$(tail -n 1 "$T/$name.time" | awk '{ printf "%.2f", $2 + $3 }')
}

# row TOOL ROWS BYTES: one line of the table; appends to $T/results.
row() {
    awk -v r="$ROUND" -v tool="$1" -v n="$2" -v b="$3" -v w="$WALL" \
        -v rss="$RSS" -v cpu="$CPU" 'BEGIN {
            printf "%-5s %-8s %10.0f %8.1f %8.2f %8.2f %9.1f\n", r, tool,
                   n / w, b / w / 1e6, w, cpu, rss / 1024
        }'
    echo "$ROUND $1 $WALL $RSS" >>"$T/results"
}

cat >"$T/tidings.conf" <<EOF
[site]
base_url = https://www.example.org
[store]
path = $T/tidings.db
EOF

# tidings_import PATH...: a fresh store, then the import.
tidings_import() {
    rm -f "$T/tidings.db" "$T/tidings.db-wal" "$T/tidings.db-shm"
    run tidings "$TIDINGS" -c "$T/tidings.conf" import "$@"
    grep -q " new, 0 updated, 0 unchanged, 0 rejected" "$T/tidings.out" || {
        echo "bench-import: unexpected import summary:" >&2
        cat "$T/tidings.out" >&2
        exit 1
    }
}

sqlite_import() {
    rm -f "$T/shell.db" "$T/shell.db-journal"
    run sqlite3 sqlite3 "$T/shell.db" ".read $T/shell.sql"
}

echo "bench-import: generating $N articles (seed $SEED) in $T"
"$GEN" -s "$SEED" -n "$N" -o "$T/articles" -c "$T/articles.csv"
# Let the generated files reach the disk first: their write-back would
# otherwise compete with the first round, which is tidings'.
sync -f "$T"
PAGE_BYTES=$(find "$T/articles" -type f -name '*.txt' -exec cat {} + | wc -c)
CSV_BYTES=$(wc -c <"$T/articles.csv")

# The shell's table: the articles table of a new, empty tidings store.
mkdir "$T/empty"
"$TIDINGS" -c "$T/tidings.conf" import "$T/empty" 2>/dev/null
sqlite3 "$T/tidings.db" ".schema articles" >"$T/schema.sql"
{
    echo ".read $T/schema.sql"
    echo "BEGIN;"
    echo ".import --csv $T/articles.csv articles"
    echo "COMMIT;"
} >"$T/shell.sql"

awk -v n="$N" -v p="$PAGE_BYTES" -v c="$CSV_BYTES" 'BEGIN {
    printf "input: %d page-text files, %.1f MB (%.0f bytes each); CSV %.1f MB\n",
           n, p / 1e6, p / n, c / 1e6 }'
BATCH=$("$TIDINGS" help config | awk '$1 == "batch_files" { getline; print $2 }' | tr -d ,)
echo "tidings: $("$TIDINGS" --version 2>&1 | head -n 1), 'tidings import DIR' into a new store" \
    "(default configuration: journal_mode=$(sqlite3 "$T/tidings.db" 'PRAGMA journal_mode')," \
    "page_size=$(sqlite3 "$T/tidings.db" 'PRAGMA page_size'), batch_files=$BATCH;" \
    "src/store.c sets synchronous=NORMAL, src/import.c a 16 MiB cache)"
# What a new database file gets from the shell by default.
sqlite3 "$T/probe.db" "PRAGMA journal_mode; PRAGMA synchronous; PRAGMA page_size;
    PRAGMA cache_size; CREATE TABLE t(x)" | tr '\n' ' ' >"$T/probe"
read -r JM SY PS CS <"$T/probe" || true
case $SY in 0) SY=OFF ;; 1) SY=NORMAL ;; 2) SY=FULL ;; 3) SY=EXTRA ;; esac
echo "sqlite3: $(sqlite3 --version | cut -d' ' -f1), default settings" \
    "(journal_mode=$JM, synchronous=$SY, page_size=$PS, cache_size=$CS)," \
    "given this script:"
sed 's/^/    /' "$T/shell.sql"
echo "  where schema.sql is the articles table of a new tidings store:"
sed -e 's/(  /(\n  /' -e 's/,  /,\n  /g' "$T/schema.sql" | sed 's/^/    /'
echo

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the first round"
printf "%-5s %-8s %10s %8s %8s %8s %9s\n" round tool "rows/s" "MB/s" "wall s" \
    "CPU s" "RSS MB"
: >"$T/results"
ROUND=1
while [ "$ROUND" -le "$ROUNDS" ]; do
    if [ $((ROUND % 2)) -eq 1 ]; then
        tidings_import "$T/articles"
        row tidings "$N" "$PAGE_BYTES"
        sqlite_import
        row sqlite3 "$N" "$CSV_BYTES"
    else
        sqlite_import
        row sqlite3 "$N" "$CSV_BYTES"
        tidings_import "$T/articles"
        row tidings "$N" "$PAGE_BYTES"
    fi
    ROUND=$((ROUND + 1))
done
echo
awk -v n="$N" '
    { wall[$1, $2] = $3; if ($2 == "tidings") { tw += $3; rounds++ } else sw += $3 }
    END {
        for (r = 1; r <= rounds; r++)
            printf "ratio tidings/sqlite3 rows/s, round %d: %.2fx\n", r,
                   wall[r, "sqlite3"] / wall[r, "tidings"]
        printf "ratio tidings/sqlite3 rows/s, all rounds: %.2fx" \
               " (%.0f vs %.0f rows/s)\n", sw / tw, n * rounds / tw,
               n * rounds / sw
    }' "$T/results"

# The last round left both tables: they must hold the same rows.
COLS="id, key, feed_id, slug, title, summary, body, category_id, source_id,
      author_id, published, updated, hash, origin"
DIFF=$(sqlite3 "$T/tidings.db" "ATTACH '$T/shell.db' AS shell;
    SELECT (SELECT count(*) FROM main.articles) - (SELECT count(*) FROM shell.articles)
         + (SELECT count(*) FROM (SELECT $COLS FROM main.articles
                                   EXCEPT SELECT $COLS FROM shell.articles));")
if [ "$DIFF" != 0 ]; then
    echo "bench-import: the two tables differ ($DIFF rows)" >&2
    exit 1
fi
echo "check: both tables hold the same $N rows (all columns but url, which the" \
    "shell stores as '' for NULL, and the clock columns)"

if [ "$N" -ge 20000 ]; then
    SMALL=$((N / 10 / 1000))
    set --
    i=0
    while [ "$i" -lt "$SMALL" ]; do
        set -- "$@" "$T/articles/$(printf %03d "$i")"
        i=$((i + 1))
    done
    tidings_import "$@"
    BIG_RSS=$(awk '$2 == "tidings" { if ($4 > m) m = $4 } END { print m }' "$T/results")
    awk -v s="$((SMALL * 1000))" -v n="$N" -v a="$RSS" -v b="$BIG_RSS" 'BEGIN {
        printf "peak RSS of tidings import: %.1f MB at %d articles, %.1f MB at %d\n",
               a / 1024, s, b / 1024, n }'
fi
