-- wrk: hazard events through the HTTP API, each one a real workflow action (an office user
-- extends a deadline) that goes through the session, the rules, the hash chain and a commit.
--
-- Arguments after `--`: a Lua file defining `hazards = { {id, version}, ... }` (open hazards
-- in the user's scope), a run tag (hex, makes event ids unique across runs), the new deadline.
-- Each wrk thread takes every n-th hazard and walks round its share; a hazard's next event comes
-- only after all the others of its share, so its version is known: the first version plus the
-- rounds already made. Arguments: hazards file, run tag (8 hex digits), deadline, thread count.
dofile("scripts/bench.d/report.lua")

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  dofile(args[1])
  tag = args[2]
  deadline = args[3]
  mine = {}
  local step = tonumber(args[4])
  for i = tid, #hazards, step do
    table.insert(mine, hazards[i])
  end
  sent = 0
  -- wrk calls request() once on its first thread's state before any connection opens, to
  -- check the request it builds, and never sends it. That call must not use up a version: it
  -- gets the same request as the first real one (which, were it ever sent, would be a retry of
  -- the same event id, answered as such).
  checking = tid == 1
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local k = #mine
  local h = mine[(sent % k) + 1]
  local round = math.floor(sent / k)
  local body = string.format(
    '{"event_id":"%s-%04x-4000-8000-%012x","action":"extend","expected_version":%d,'
      .. '"reason":"benchmark","deadline":"%s"}',
    tag, tid, sent + 1, h[2] + round, deadline)
  if checking then
    checking = false
  else
    sent = sent + 1
  end
  return wrk.format(nil, "/api/v1/hazards/" .. h[1] .. "/events", nil, body)
end
