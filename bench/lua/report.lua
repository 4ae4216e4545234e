-- Loads one URL; counts error answers (4xx, 5xx).
dofile(os.getenv("WRK_LUA_DIR") .. "/common.lua")

function ok_status(status)
  return status < 400
end
