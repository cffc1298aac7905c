-- wrk script for `cargo xtask bench api`.
-- Arguments (after `--`): <tokens file or "-"> <method> <body or "-"> <threads>.
-- With a tokens file, every request carries the next unused access token as its bearer (each
-- thread takes every n-th line), so each request acts as a different person; `wrapped` counts
-- requests that had to reuse one. done() prints one line: WRK_JSON {...}.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  if args[1] ~= "-" then
    for line in io.lines(args[1]) do
      tokens[#tokens + 1] = line
    end
  end
  wrk.method = args[2]
  if args[3] ~= "-" then
    wrk.body = args[3]
    wrk.headers["Content-Type"] = "application/json"
  end
  stride = tonumber(args[4])
  next_token = id
  wrapped = 0
  exhausted = false
end

function request()
  if #tokens == 0 then
    return wrk.request()
  end
  if next_token > #tokens then
    next_token = id
    exhausted = true
  end
  if exhausted then
    wrapped = wrapped + 1
  end
  local headers = { ["Authorization"] = "Bearer " .. tokens[next_token] }
  next_token = next_token + stride
  return wrk.format(nil, nil, headers, nil)
end

function done(summary, latency, requests)
  local reused = 0
  for _, thread in ipairs(threads) do
    reused = reused + (thread:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"status_errors":%d,"socket_errors":%d,"reused_tokens":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout, reused))
end
