-- wrk script: one staff login per request (argon2id verify, a new session, an audit entry).
function init(args)
  body = "email=" .. os.getenv("BENCH_EMAIL") .. "&password=" .. os.getenv("BENCH_PASSWORD_ENC") .. "&next=%2Flots"
end

function request()
  return wrk.format("POST", "/lots/logga-in", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT logins=%d non_3xx=%d per_s=%.1f p50_ms=%.1f p99_ms=%.1f\n",
    summary.requests, summary.errors.status, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
