-- POSTs the signup form with a new e-mail address every time. WRK_ARGS names a JSON file:
-- {"csrf": "...", "password": "..."}; the Cookie header carrying the CSRF session comes from -H.
dofile(os.getenv("WRK_LUA_DIR") .. "/common.lua")

function init(args)
  n = 0
  local text = read_args()
  csrf = string.match(text, '"csrf": "([^"]+)"')
  password = string.match(text, '"password": "([^"]+)"')
  run = string.match(text, '"run": "([^"]+)"')
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  n = n + 1
  local email = string.format("bench-%s-%d-%d%%40example.org", run, id, n)
  local body = "csrf_token=" .. csrf .. "&category=citizen&first_name=Bench&last_name=Member&email=" .. email ..
    "&password=" .. password .. "&confirm_password=" .. password ..
    "&city=Springfield&state=IL&zip_code=62701&phone=&email_updates=y"
  return wrk.format(nil, nil, nil, body)
end

function ok_status(status)
  return status == 302
end
