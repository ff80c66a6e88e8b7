#!/bin/sh
# bench/build.sh [N] -- `make bench-build`: rendering and building the site
# (issue 3).
#
#  1. One RSS and one Atom document of ITEMS (10 000) full-content items,
#     rendered by tidings (bench/render_bench, the renderers in process)
#     and, alternating in the same run, by node's `feed` package (installed
#     into a temporary folder with npm) from the same articles (written to
#     JSON by render_bench).  Only rendering is timed on both sides.  Two
#     figures per side and round: cold, the first render in a fresh
#     process (as before), and warm, a render timed after one untimed
#     render in the same process (node's JIT has compiled the renderer
#     by then); a ratio for each.
#  2. A full build of the site for N articles (default 100 000): documents
#     per second, MB written, peak RSS (GNU time's %M).
#  3. One more article imported, then `tidings build` again: its time,
#     the documents it rendered, and its share of the full build.  Done
#     ROUNDS times, with a new article each time.
#
# The corpus: bench/gen's pages imported with `tidings import` when GEN
# names that generator (the bench-import corpus); otherwise render_bench
# fill puts articles of the same shape into the store directly.
#
# Environment: TIDINGS, RB (render_bench), GEN (optional), ITEMS, ROUNDS
# (default 3), BENCH_TMP (default /tmp), NPM_FEED (default feed).
set -eu

N=${1:-100000}
ITEMS=${ITEMS:-10000}
ROUNDS=${ROUNDS:-3}
TIDINGS=${TIDINGS:-./tidings}
RB=${RB:-build/bench/render_bench}
GEN=${GEN:-}
NPM_FEED=${NPM_FEED:-feed}
GNUTIME=/usr/bin/time
BENCH=$(cd "$(dirname "$0")" && pwd)

for tool in "$GNUTIME" node npm "$TIDINGS" "$RB"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "bench-build: '$tool' is missing" >&2
        exit 2
    }
done

T=$(mktemp -d "${BENCH_TMP:-/tmp}/tidings-bench-build.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

cat >"$T/tidings.conf" <<EOF
[site]
title = 中国口岸协会 新闻资讯
base_url = https://www.example.org
[store]
path = $T/tidings.db
[build]
out = $T/feeds
[slugs]
新闻资讯 = news
综合新闻 = general
EOF

echo "bench-build: $N articles, $ITEMS-item feeds, $ROUNDS rounds, in $T"
if [ -n "$GEN" ] && [ -x "$GEN" ]; then
    "$GEN" -n "$N" -o "$T/pages" -c "$T/rows.csv" >/dev/null
    "$TIDINGS" -c "$T/tidings.conf" import "$T/pages" 2>/dev/null
    rm -rf "$T/pages" "$T/rows.csv"
    echo "corpus: bench/gen, imported with tidings import"
else
    "$RB" fill "$T/tidings.db" "$N"
    echo "corpus: render_bench fill (bench/gen not given)"
fi

# ---- 1. one RSS and one Atom document of ITEMS items ----------------------
mkdir -p "$T/node"
(cd "$T/node" && npm init -y >/dev/null 2>&1 &&
    npm install --no-audit --no-fund --silent "$NPM_FEED" >/dev/null 2>&1) || {
    echo "bench-build: npm could not install $NPM_FEED" >&2
    exit 2
}
"$RB" feeds "$T/tidings.conf" "$ITEMS" "$T/items.json" 0
echo
echo "== 1. RSS + Atom of $ITEMS items (rounds alternate)"
r=1
while [ "$r" -le "$ROUNDS" ]; do
    # three renders in one process: the first is cold, the second the
    # warm-up, the third the warm figure
    "$RB" feeds "$T/tidings.conf" "$ITEMS" "$T/items.json" 3 >"$T/tr"
    sed -n 1p "$T/tr" | tee -a "$T/t1"
    sed -n '3s/^tidings:/tidings (warm):/p' "$T/tr" | tee -a "$T/t2"
    node "$BENCH/feed_bench.mjs" "$T/node" "$T/items.json" 1 warm >"$T/nr"
    grep -v '(warm)' "$T/nr" | tee -a "$T/n1"
    grep '(warm)' "$T/nr" | tee -a "$T/n2"
    r=$((r + 1))
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ips() { sed -n 's/.*, \([0-9]*\) items\/s.*/\1/p' "$1" | median; }
tid=$(ips "$T/t1")
nod=$(ips "$T/n1")
echo "median: tidings $tid items/s, node feed $nod items/s," \
    "ratio $(awk "BEGIN { printf \"%.1f\", $tid / $nod }")x (cold: one render per process)"
tid=$(ips "$T/t2")
nod=$(ips "$T/n2")
echo "median warm: tidings $tid items/s, node feed $nod items/s," \
    "ratio $(awk "BEGIN { printf \"%.1f\", $tid / $nod }")x (after one untimed render)"

# ---- 2. the full build -------------------------------------------------------
echo
echo "== 2. full build of $N articles"
$GNUTIME -f "%e %U %S %M" -o "$T/time" \
    "$TIDINGS" -c "$T/tidings.conf" build --full 2>"$T/full"
cat "$T/full"
read -r wall user sys rss <"$T/time"
docs=$(sed -n 's/^\([0-9]*\) documents:.*/\1/p' "$T/full")
mb=$(du -sb "$T/feeds" | awk '{ printf "%.0f", $1 / 1e6 }')
echo "full build: $docs documents in ${wall} s (user $user s, sys $sys s):" \
    "$(awk "BEGIN { printf \"%.0f\", $docs / $wall }") documents/s," \
    "$mb MB written (documents and .gz), peak RSS $((rss / 1024)) MB"

# ---- 3. one more article -------------------------------------------------------
echo
echo "== 3. one more article, then build"
# The full build leaves its 2 GB in the page cache, to be written out
# later; without this sync the first rebuild's commit (an fsync) waits for
# that writeback, which is the full build's cost, timed on neither side.
$GNUTIME -f "%e" -o "$T/time" sync
echo "(sync after the full build: $(cat "$T/time") s, not counted)"
r=1
while [ "$r" -le "$ROUNDS" ]; do
    printf -- '---\npublished: 2024-01-%02dT09:00:00+08:00\n---\n首页 > 新闻资讯 > 综合新闻\n口岸新线路开通第%d号\n满洲里海关 王伟\n\n新线路于今日开通，每周往返三班。\n\n口岸通关效率持续提升，进出口货运量稳步增长。\n' \
        "$r" "$r" >"$T/new$r.txt"
    "$TIDINGS" -c "$T/tidings.conf" import "$T/new$r.txt" 2>/dev/null
    $GNUTIME -f "%e %U %S %M" -o "$T/time" \
        "$TIDINGS" -c "$T/tidings.conf" build 2>"$T/inc"
    read -r iwall iuser isys irss <"$T/time"
    sed -n 's/^[0-9]* documents: \(.*\)/\1/p' "$T/inc" | tr '\n' ' '
    echo "in ${iwall} s (user $iuser s, sys $isys s), peak RSS" \
        "$((irss / 1024)) MB: $(awk "BEGIN { printf \"%.2f\", 100 * $iwall / $wall }")%" \
        "of the full build's time"
    r=$((r + 1))
done
