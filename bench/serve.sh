#!/bin/sh
# bench/serve.sh -- `make bench-serve`: tidings serve against nginx (issue 4).
#
# bench/gen writes ARTICLES synthetic articles (the corpus of `make
# bench-import`), `tidings import` stores them and `tidings build` writes
# the site (files, .gz beside them, the nginx include) into a temporary
# folder; the script checks that it holds at least 1 000 documents.
# tidings serves it with `serve --from` and nginx serves the same folder with
# `etag on; gzip_static on;` through the include the build wrote, from its
# own configuration and pid file in the temporary folder, with one worker.
# wrk drives /rss.xml (its sizes are printed): plain 200, gzip 200, and 304 by
# If-None-Match with each server's own ETag, at 64 connections (2 threads)
# and at 1 connection, for DURATION seconds each.  The servers alternate
# within every case, and the order flips each round, over ROUNDS rounds.
# Both servers are pinned to CPU SERVER_CPU and wrk to CPU WRK_CPU
# (taskset), tidings runs one thread to match nginx's one worker, and
# neither writes an access log.  Printed: every run, then per case the
# median over rounds of req/s, mean and p99 latency, and tidings/nginx.
# tidings' resident memory is read from /proc after loading and at the end,
# and once more from a `tidings serve` over the store (no --from), which
# renders the same site itself, after it has loaded.
#
# The closed-loop cases run every server as fast as it goes, so the faster
# server also saturates wrk (two threads sharing one CPU), and requests
# that wait for the other wrk thread's scheduler slice show up in that
# server's p99.  The "paced" cases therefore offer both servers the same
# load, below either's capacity (each connection waits PACE_MS between
# requests, through wrk's Lua delay()), so that their latencies compare
# the servers rather than the client.  The "1t" cases run the same 64
# connections from one wrk thread, which has no other thread to wait for.
#
# wrk 4.1 prints latencies "corrected" for coordinated omission, which
# adds samples in proportion to how fast the server is; a second table
# gives the latencies wrk measured (bench/wrk_measured.lua undoes the
# correction exactly) and, from GNU time, wrk's CPU share and how often
# its threads waited for responses or were descheduled with work left.
#
# Environment: TIDINGS and GEN (the binaries; the Makefile sets them),
# ARTICLES (200), ROUNDS (3), DURATION (10), SERVER_CPU (0), WRK_CPU (1),
# BENCH_TMP (/tmp),
# THREADS (1: tidings' threads and nginx's workers), CASES (the list
# below, as name:connections:wrk-threads), PACE_MS (1).
set -eu

TIDINGS=${TIDINGS:-./tidings}
GEN=${GEN:-build/bench/gen}
ARTICLES=${ARTICLES:-200}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
PACE_MS=${PACE_MS:-1}
THREADS=${THREADS:-1}
# CASES: name:connections:wrk-threads, space-separated
CASES=${CASES:-"plain-200:64:2 gzip-200:64:2 304:64:2 plain-200:1:1 gzip-200:1:1
304:1:1 gzip-200-paced:64:2 304-paced:64:2 gzip-200-1t:64:1 304-1t:64:1"}
SERVER_CPU=${SERVER_CPU:-0}
WRK_CPU=${WRK_CPU:-1}
T_PORT=${T_PORT:-18480}
HERE=$(dirname "$0")
GNUTIME=/usr/bin/time
N_PORT=${N_PORT:-18481}
S_PORT=${S_PORT:-18482}

for tool in wrk nginx curl taskset "$GNUTIME" "$TIDINGS" "$GEN"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "bench-serve: '$tool' is missing (make bench-serve installs nginx and wrk)" >&2
        exit 2
    }
done

tmp=$(mktemp -d "${BENCH_TMP:-/tmp}/tidings-bench-serve.XXXXXX")
chmod 755 "$tmp" # nginx workers run as another user
tpid= spid=
cleanup() {
    [ -n "$tpid" ] && kill "$tpid" 2>/dev/null && wait "$tpid" 2>/dev/null
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
    sleep 0.3
    [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

cat >"$tmp/tidings.conf" <<EOF
[site]
base_url = https://www.example.org
[serve]
bind = 127.0.0.1
access_log =
threads = $THREADS
max_connections = 1024
[store]
path = $tmp/tidings.db
[build]
out = $tmp/site
EOF

"$GEN" -s 1 -n "$ARTICLES" -o "$tmp/articles" -c "$tmp/articles.csv"
"$TIDINGS" -c "$tmp/tidings.conf" import "$tmp/articles" >"$tmp/import.out" 2>&1 &&
    "$TIDINGS" -c "$tmp/tidings.conf" build >"$tmp/build.out" 2>&1 || {
    echo "bench-serve: building the site failed:" >&2
    cat "$tmp/import.out" "$tmp/build.out" >&2
    exit 1
}
docs=$(find "$tmp/site" -type f ! -name '*.gz' ! -name '.tidings-*' \
    ! -name _headers ! -name tidings.nginx.conf | wc -l)
[ "$docs" -ge 1000 ] || {
    echo "bench-serve: $ARTICLES articles make $docs documents, not 1 000; raise ARTICLES" >&2
    exit 1
}

mkdir -p "$tmp/nginx"
cat >"$tmp/nginx.conf" <<EOF
worker_processes $THREADS;
daemon on;
pid $tmp/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx;
    proxy_temp_path $tmp/nginx;
    fastcgi_temp_path $tmp/nginx;
    uwsgi_temp_path $tmp/nginx;
    scgi_temp_path $tmp/nginx;
    server {
        listen 127.0.0.1:$N_PORT;
        root $tmp/site;
        include $tmp/site/tidings.nginx.conf;
    }
}
EOF

# setsid: a session, and so a scheduling autogroup, of its own, as nginx
# gets by daemonizing; in one with wrk, tidings would share wrk's CPU time
# whenever the CPU sets overlap
taskset -c "$SERVER_CPU" setsid "$TIDINGS" -c "$tmp/tidings.conf" serve \
    --port "$T_PORT" --from "$tmp/site" 2>"$tmp/tidings.err" </dev/null &
tpid=$!
taskset -c "$SERVER_CPU" nginx -c "$tmp/nginx.conf" -p "$tmp/nginx" 2>"$tmp/nginx.err"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    curl -fs -o /dev/null "http://127.0.0.1:$T_PORT/healthz" &&
        curl -fs -o /dev/null "http://127.0.0.1:$N_PORT/rss.xml" && break
    sleep 0.2
done
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$tpid/status"; }
rss_loaded=$(rss_kb)

etag() { # server port, accept-encoding
    curl -fsI -H "Accept-Encoding: $2" "http://127.0.0.1:$1/rss.xml" |
        tr -d '\r' | awk 'tolower($1) == "etag:" { print $2 }'
}
for s in t n; do
    port=$T_PORT; [ $s = n ] && port=$N_PORT
    eval "etag_$s=\$(etag $port identity)"
    eval "size_$s=\$(curl -fs http://127.0.0.1:$port/rss.xml | wc -c)"
    eval "gz_$s=\$(curl -fs -H 'Accept-Encoding: gzip' http://127.0.0.1:$port/rss.xml | wc -c)"
done
[ "$size_t" = "$size_n" ] && [ "$gz_t" = "$gz_n" ] || {
    echo "bench-serve: the servers disagree on /rss.xml ($size_t/$gz_t vs $size_n/$gz_n bytes)" >&2
    exit 1
}

# run NAME SERVER CONNS THREADS PACED [HEADER]: one wrk run, one result
# line: case server req/s mean_ms p99_ms measured_mean_ms measured_p99_ms
# wrk_cpu% wrk_waits/s wrk_preempted/s.  wrk's script (run.lua) is
# wrk_measured.lua after the connection count and, when paced, a delay()
# of PACE_MS.  GNU time gives wrk's CPU share and its context switches:
# voluntary (a thread waited for responses) and involuntary (a thread
# that still had work was descheduled).
run() {
    name=$1 server=$2 conns=$3 threads=$4 paced=$5
    shift 5
    port=$T_PORT; [ "$server" = nginx ] && port=$N_PORT
    {
        echo "local conns = $conns"
        [ "$paced" = 1 ] && echo "function delay() return $PACE_MS end"
        cat "$HERE/wrk_measured.lua"
    } >"$tmp/run.lua"
    taskset -c "$WRK_CPU" "$GNUTIME" -o "$tmp/time.out" -f '%w %c %P' \
        wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency \
        -s "$tmp/run.lua" "$@" "http://127.0.0.1:$port/rss.xml" >"$tmp/wrk.out"
    awk -v name="$name" -v server="$server" -v secs="$DURATION" '
        function ms(v) {
            if (v ~ /us$/) return v / 1000
            if (v ~ /ms$/) return v + 0
            if (v ~ /s$/) return v * 1000
            return v
        }
        FILENAME ~ /time.out$/ { vol = $1; invol = $2; cpu = $3 + 0; next }
        /^ +Latency / && !mean { mean = ms($2) }
        /^ +99% / { p99 = ms($2) }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx/ { bad = $NF }
        # the inversion is exact when it finds every request once
        /^measured / && $4 == $5 { mmean = $2 / 1000; mp99 = $3 / 1000 }
        END { printf "%s %s %.0f %.3f %.3f %.3f %.3f %d %.0f %.0f%s\n", name,
              server, rps, mean, p99, mmean, mp99, cpu, vol / secs, invol / secs,
              bad ? " (" bad " non-2xx/3xx)" : "" }' "$tmp/time.out" "$tmp/wrk.out"
}

one_case() { # name conns threads server-order
    name=$1 conns=$2 threads=$3 order=$4
    for server in $order; do
        paced=0
        case $name in *paced*) paced=1 ;; esac
        case $name in
        *gzip*) run "$name" "$server" "$conns" "$threads" $paced -H "Accept-Encoding: gzip" ;;
        *304*)
            tag=$etag_t; [ "$server" = nginx ] && tag=$etag_n
            run "$name" "$server" "$conns" "$threads" $paced -H "If-None-Match: $tag" ;;
        *) run "$name" "$server" "$conns" "$threads" $paced ;;
        esac
    done
}

echo "bench-serve: $docs documents; /rss.xml $size_t bytes, $gz_t gzip;" \
    "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg);" \
    "servers on CPU $SERVER_CPU, wrk on CPU $WRK_CPU; $ROUNDS rounds of ${DURATION}s"
echo "bench-serve: ETags: tidings $etag_t, nginx $etag_n"
: >"$tmp/results"
r=1
while [ $r -le "$ROUNDS" ]; do
    order="tidings nginx"
    [ $((r % 2)) -eq 0 ] && order="nginx tidings"
    for c in $CASES; do
        set -- $(echo "$c" | tr ':' ' ')
        one_case "$1@$2" "$2" "$3" "$order" | tee -a "$tmp/results" |
            sed "s/^/round $r: /"
    done
    r=$((r + 1))
done
rss_end=$(rss_kb)

# The same site from the store: serve renders it itself, on a port of its
# own, and is stopped once its memory is read.
"$TIDINGS" -c "$tmp/tidings.conf" serve --port "$S_PORT" \
    2>"$tmp/store.err" </dev/null &
spid=$!
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do
    curl -fs -o /dev/null "http://127.0.0.1:$S_PORT/healthz" && break
    sleep 0.2
done
rss_store=$(awk '/^VmRSS/ { print $2 }' "/proc/$spid/status")
store_etag=$(etag $S_PORT identity)
kill "$spid" && wait "$spid" || true
spid=
[ "$store_etag" = "$etag_t" ] || {
    echo "bench-serve: serving the store gives /rss.xml the ETag $store_etag, the folder $etag_t" >&2
    exit 1
}

echo
printf '%-18s %12s %12s %7s %10s %10s %10s %10s\n' case "tidings r/s" \
    "nginx r/s" ratio "t mean ms" "n mean ms" "t p99 ms" "n p99 ms"
med() { # server column: the median over rounds of case $c
    awk -v c="$c" -v s="$1" '$1 == c && $2 == s { print $'"$2"' }' \
        "$tmp/results" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
for c in $(echo "$CASES" | tr ' ' '\n' | sed 's/^\([^:]*\):\([^:]*\):.*/\1@\2/'); do
    tr=$(med tidings 3) nr=$(med nginx 3)
    printf '%-18s %12s %12s %7s %10s %10s %10s %10s\n' "$c" "$tr" "$nr" \
        "$(awk -v a="$tr" -v b="$nr" 'BEGIN { printf "%.2f", a / b }')" \
        "$(med tidings 4)" "$(med nginx 4)" "$(med tidings 5)" "$(med nginx 5)"
done
echo "(paced: each of 64 connections waits ${PACE_MS} ms between requests;" \
    "equal offered load, so compare the latencies; 1t: one wrk thread)"
echo
echo "The latencies wrk measured, before its coordinated-omission correction" \
    "(bench/wrk_measured.lua), and wrk's own CPU:"
printf '%-16s %9s %9s %9s %9s %6s %6s %8s %8s %8s %8s\n' case "t mean ms" \
    "n mean ms" "t p99 ms" "n p99 ms" "t wrk%" "n wrk%" "t waits" "n waits" \
    "t preem" "n preem"
for c in $(echo "$CASES" | tr ' ' '\n' | sed 's/^\([^:]*\):\([^:]*\):.*/\1@\2/'); do
    printf '%-16s %9s %9s %9s %9s %6s %6s %8s %8s %8s %8s\n' "$c" \
        "$(med tidings 6)" "$(med nginx 6)" "$(med tidings 7)" "$(med nginx 7)" \
        "$(med tidings 8)" "$(med nginx 8)" "$(med tidings 9)" "$(med nginx 9)" \
        "$(med tidings 10)" "$(med nginx 10)"
done
echo "(0.000: the inversion did not account for every request; waits and" \
    "preem: wrk's voluntary and involuntary context switches a second)"
echo
echo "tidings resident memory: $((rss_loaded / 1024)) MB with $docs documents loaded, $((rss_end / 1024)) MB after the runs;" \
    "$((rss_store / 1024)) MB serving the same site from the store"
