-- wrk script for `make bench`: each request is the next line of a requests file
-- (method, path, cookie, CSRF token, body; tab-separated), so every connection
-- rotates through many signed-in practitioners. Set BENCH_REQUESTS to the file.
-- Optional BENCH_RATE (requests per second, all threads): pace requests to a
-- steady rate (wrk 4 has no -R), claiming the next free slot of the schedule.
-- BENCH_EXPECT (a status, e.g. 200) counts every other status as an error.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } timespec;
  int clock_gettime(int clk_id, timespec *tp);
]]
local ts = ffi.new("timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

-- bad is global: done() reads it from each thread with thread:get.
local requests, index, interval, next_at, expect, statuses

function init(args)
  requests = {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, cookie, csrf, body = line:match("^(%S+)\t(%S+)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = { ["Cookie"] = cookie }
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["X-CSRFToken"] = csrf
    else
      body = nil
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  -- Threads start at different places in the list, so they use different users.
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  index = math.floor((id - 1) * #requests / nthreads) % #requests
  local rate = tonumber(os.getenv("BENCH_RATE") or "")
  if rate then
    interval = 1000 * tonumber(os.getenv("BENCH_THREADS") or "1") / rate
  end
  expect = tonumber(os.getenv("BENCH_EXPECT") or "")
  bad, statuses = 0, {}
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function delay()
  if not interval then return 0 end
  local t = now_ms()
  if not next_at then next_at = t end
  local wait = next_at - t
  next_at = math.max(next_at, t - 1000) + interval -- never build up more than 1 s of backlog
  return wait > 0 and wait or 0
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if expect and status ~= expect then bad = bad + 1 end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + (thread:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, ' ..
    '"socket_errors": %d, "http_errors": %d, "unexpected_status": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status, wrong))
end
