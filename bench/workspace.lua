-- wrk script: one staff page, read again and again with a signed-in session (BENCH_COOKIE) as a
-- browser asks for it. Counts every answer that is not 2xx: a redirect or 401/403 means the
-- session was not accepted, and the figures would measure the wrong page.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non_2xx = 0
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["Accept"] = "text/html"
  wrk.headers["Accept-Language"] = "sv"
  local encoding = os.getenv("BENCH_ENCODING") or ""
  if encoding ~= "" then
    wrk.headers["Accept-Encoding"] = encoding
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non_2xx")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d non_2xx=%d socket_errors=%d rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
