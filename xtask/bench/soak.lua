-- wrk script for `cargo xtask soak`: a steady mix of Cue routes at a moderate rate.
-- Environment: BENCH_TOKEN, BENCH_DATA_DIR (holding validate.json and generate.json),
-- BENCH_DELAY_MS (pause of each connection between requests).
-- Per 10 requests: 4 GET /health, 3 GET /users/me, 2 POST /code/validate,
-- 1 POST /workflows/generate (which stores a workflow each time).

local token = os.getenv("BENCH_TOKEN")
local dir = os.getenv("BENCH_DATA_DIR")
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "10")

local function read(name)
  local f = assert(io.open(dir .. "/" .. name, "rb"))
  local text = f:read("*a")
  f:close()
  return text
end

local auth = { ["Authorization"] = "Bearer " .. token }
local json = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
local requests = {}
local counter = 0

function init(args)
  local health = wrk.format("GET", "/health")
  local me = wrk.format("GET", "/users/me", auth)
  local validate = wrk.format("POST", "/code/validate", json, read("validate.json"))
  local generate = wrk.format("POST", "/workflows/generate", json, read("generate.json"))
  requests = { health, me, validate, health, me, generate, health, validate, me, health }
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function delay()
  return pause
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "CUE_BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
