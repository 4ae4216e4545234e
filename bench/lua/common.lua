-- What every bench script shares: numbered threads, the run's arguments, and the one JSON
-- line that bench/load.py reads. A script loads it with
--   dofile(os.getenv("WRK_LUA_DIR") .. "/common.lua")
-- and defines `ok_status(status)`: which answers count as successes. The others are counted in
-- `bad` (response() below); a script may replace response() and done() to count more.
threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

-- The JSON file named by WRK_ARGS, as text (scripts match the few fields they need).
function read_args()
  local file = io.open(os.getenv("WRK_ARGS"), "r")
  local text = file:read("*a")
  file:close()
  return text
end

-- Sum a per-thread counter over all threads (in done()).
function total(name)
  local sum = 0
  for _, thread in ipairs(threads) do sum = sum + (thread:get(name) or 0) end
  return sum
end

-- Print the summary line; `extra` is a list of {name, value} pairs for script-specific counts.
function report(summary, latency, extra)
  local e = summary.errors
  local line = string.format(
    '{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, "failed": %d, "errors": %d',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    total("bad"), e.connect + e.read + e.write + e.timeout)
  for _, pair in ipairs(extra or {}) do line = line .. string.format(', "%s": %d', pair[1], pair[2]) end
  io.write("BENCH " .. line .. "}\n")
end

bad = 0

function response(status, headers, body)
  if not ok_status(status) then bad = bad + 1 end
end

function done(summary, latency, requests)
  report(summary, latency)
end
