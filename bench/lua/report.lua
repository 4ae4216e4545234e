-- Loads one URL; counts error answers (4xx, 5xx).
dofile(os.getenv("WRK_LUA_DIR") .. "/common.lua")

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status >= 400 then bad = bad + 1 end
end

function done(summary, latency, requests)
  report(summary, latency)
end
