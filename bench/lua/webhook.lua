-- POSTs pre-signed Stripe events, each one once. WRK_ARGS names a JSON file:
-- {"events": "/path/file", "threads": 2}; each line of the file is "<Stripe-Signature>\t<body>".
-- Thread n sends lines n, n + threads, n + 2 * threads, ...
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local function read_args()
  local file = io.open(os.getenv("WRK_ARGS"), "r")
  local text = file:read("*a")
  file:close()
  return text
end

function init(args)
  bad = 0
  not_applied = 0
  sent = 0
  exhausted = 0
  local text = read_args()
  local path = string.match(text, '"events": "([^"]+)"')
  local total = tonumber(string.match(text, '"threads": (%d+)'))
  events = {}
  local line_number = 0
  for line in io.lines(path) do
    if line_number % total == id - 1 then
      local tab = string.find(line, "\t", 1, true)
      table.insert(events, {string.sub(line, 1, tab - 1), string.sub(line, tab + 1)})
    end
    line_number = line_number + 1
  end
  wrk.method = "POST"
end

function request()
  sent = sent + 1
  if sent > #events then
    -- Never send an event twice: stop this thread instead (reported as "exhausted").
    exhausted = 1
    wrk.thread:stop()
    sent = #events
  end
  local event = events[sent]
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Stripe-Signature"] = event[1]}, event[2])
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
  if not string.find(body, '"outcome":"applied"', 1, true) then not_applied = not_applied + 1 end
end

function done(summary, latency, requests)
  local failed, missed, total_sent, out = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("bad")
    missed = missed + thread:get("not_applied")
    total_sent = total_sent + thread:get("sent")
    out = out + thread:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, "failed": %d, "errors": %d, ' ..
    '"not_applied": %d, "sent": %d, "exhausted": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    failed, e.connect + e.read + e.write + e.timeout, missed, total_sent, out))
end
