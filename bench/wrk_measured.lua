-- bench/wrk_measured.lua: the latencies wrk measured, before its
-- correction.  bench/serve.sh puts `local conns = N` (wrk's -c) before
-- this file, and for paced cases a delay() function.
--
-- wrk 4.1 does not print the latencies it measured: before printing, it
-- "corrects" them for coordinated omission (stats_correct in its
-- stats.c).  With I = run time / (requests / connections), the mean
-- time between one connection's requests, every measured latency
-- v >= 2I adds one more sample of the same count at v - I, v - 2I, ...
-- down to just above I.  A server that answers faster has a smaller I,
-- so each stall on the client's side (a wrk thread waiting for the CPU)
-- becomes more samples; wrk's printed mean can then exceed what Little's
-- law allows for the connections and requests it counted.
--
-- The correction only ever adds to a bucket from buckets above it, so it
-- can be undone exactly from the top: measured(m) = printed(m) - S(m),
-- where S(m) = measured(m + I) + S(m + I) for m > I, and 0 otherwise.
-- done() prints "measured MEAN_US P99_US N REQUESTS"; N equals REQUESTS
-- when the inversion is exact (every request recorded once).  Runs with
-- no requests, and ranges wider than 200 ms, are skipped: reading wrk's
-- histogram from Lua costs time in proportion to the range for every
-- bucket.

done = function(summary, latency, requests)
    if summary.requests == 0 or latency.max - latency.min > 200000 then
        io.write("measured - - 0 ", summary.requests, "\n")
        return
    end
    local printed, lo, hi = {}, latency.min, latency.max
    for i = 1, #latency do
        local v, c = latency(i)
        printed[v] = c
    end
    local I = math.floor(summary.duration /
                         math.floor(summary.requests / conns))
    local measured, S, n, sum = {}, {}, 0, 0
    for m = hi, lo, -1 do
        local s = 0
        if m > I then s = (measured[m + I] or 0) + (S[m + I] or 0) end
        S[m] = s
        measured[m] = (printed[m] or 0) - s
        n = n + measured[m]
        sum = sum + measured[m] * m
    end
    -- wrk's percentile rule: the first value whose running count
    -- reaches round(p/100 * count + 0.5)
    local rank, seen, p99 = math.floor(0.99 * n + 0.5 + 0.5), 0, hi
    for m = lo, hi do
        seen = seen + measured[m]
        if seen >= rank then p99 = m break end
    end
    io.write(string.format("measured %.1f %d %d %d\n", sum / n, p99, n,
                           summary.requests))
end
