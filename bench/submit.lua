-- wrk script: every request is a new, valid self-referral with its own idempotency key, so each
-- one is stored (a repeated key would only be looked up).
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  run = tonumber(os.getenv("BENCH_RUN") or "0") or 0
end

function request()
  counter = counter + 1
  local key = string.format("bench%06d%03d%012d", run % 1000000, id, counter)
  -- Names hold letters only; spell the key's digits as letters so every request differs.
  local name = "Anna+" .. string.gsub(string.format("%d%03d%d", run, id, counter), "%d", function(d)
    return string.char(97 + tonumber(d))
  end)
  local body = "name=" .. name .. "&phone=070-123+45+67&call_time=morning&interests=culture"
    .. "&help=Jag+vill+tr%C3%A4ffa+fler+m%C3%A4nniskor.&consent=yes&key=" .. key
  return wrk.format("POST", "/kontakt", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d non_3xx=%d socket_errors=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
