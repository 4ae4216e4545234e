-- POSTs pre-signed Stripe events, each one once. WRK_ARGS names a JSON file:
-- {"events": "/path/file", "threads": 2}; each line of the file is "<Stripe-Signature>\t<body>".
-- Thread n sends lines n, n + threads, n + 2 * threads, ...
dofile(os.getenv("WRK_LUA_DIR") .. "/common.lua")

function init(args)
  not_stored = 0
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

function ok_status(status)
  return status == 200
end

function response(status, headers, body)
  if not ok_status(status) then bad = bad + 1 end
  if not string.find(body, '"outcome":"queued"', 1, true) then not_stored = not_stored + 1 end
end

function done(summary, latency, requests)
  report(summary, latency, {{"not_stored", total("not_stored")}, {"sent", total("sent")},
                            {"exhausted", total("exhausted")}})
end
