-- GETs a list of distinct requests in turn, so the load is many requests, not one repeated.
-- WRK_ARGS names a JSON file: {"requests": "/path/file", "threads": 2}; each line of the file is a path, then
-- tab-separated "Name: value" headers (a member's Cookie, a User-Agent). Every thread goes through
-- the whole list, each from its own starting point. Any answer but 200 counts as failed (a session
-- that no longer logs in is redirected to /login).
dofile(os.getenv("WRK_LUA_DIR") .. "/common.lua")

function init(args)
  local text = read_args()
  local path = string.match(text, '"requests": "([^"]+)"')
  requests = {}
  for line in io.lines(path) do
    local fields = {}
    for field in string.gmatch(line, "[^\t]+") do table.insert(fields, field) end
    local headers = {}
    for i = 2, #fields do
      local colon = string.find(fields[i], ": ", 1, true)
      headers[string.sub(fields[i], 1, colon - 1)] = string.sub(fields[i], colon + 2)
    end
    table.insert(requests, wrk.format("GET", fields[1], headers))
  end
  local count = tonumber(string.match(text, '"threads": (%d+)'))
  n = math.floor((id - 1) * #requests / count)
end

function request()
  n = n % #requests + 1
  return requests[n]
end

function ok_status(status)
  return status == 200
end
