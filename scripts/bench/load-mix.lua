-- One kind of traffic of scripts/bench/load, for `wrk -s scripts/bench/load-mix.lua`.
--
-- Environment (read when wrk loads the script):
--   LOAD_PATHS     a file of requests, one a line, tab-separated:
--                    GROUP  METHOD  PATH  EXPECTED_STATUS  COOKIE  BODY
--                  GROUP 0: every thread cycles through all the group-0 lines, each from its own
--                  offset (all of them must expect the same status);
--                  GROUP n > 0: thread n (modulo the number of groups) plays the lines of group n
--                  in order, again and again: a sequence such as draft, submit, return. Run such a
--                  file with as many threads as connections (-t N -c N), so that each response
--                  belongs to the request the thread sent last.
--                  COOKIE: "-" or the name of an environment variable holding a Cookie header.
--                  BODY: "-" or a form (application/x-www-form-urlencoded); "{n}" in it becomes
--                  a counter modulo 100, so that successive saves change something.
--   LOAD_CHECK     "1": compare every status with EXPECTED_STATUS (a signed-in page answering
--                  303 to /login counts as an error); wrk itself only counts statuses >= 400.
--   LOAD_PAUSE_MS  pause before each request on a connection, 0.5 to 1.5 times this (writes
--                  "now and then"); wrk's latency excludes the pause.
--   LOAD_GZIP      "1": send Accept-Encoding: gzip, as browsers do.
--
-- done() prints one line for scripts/bench/load to read:
--   LOAD-RESULT requests=N seconds=S p50=MS p90=MS p99=MS max=MS status_errors=N
--               socket_errors=N timeouts=N unexpected=N first_unexpected=STATUS[:METHOD:PATH]
-- wrk leaves out of its latency distribution every response slower than --timeout (it counts
-- them as timeouts instead), so the percentiles are only those of the faster ones.

local threads = {}
local thread_count = 0

function setup(thread)
    thread_count = thread_count + 1
    thread:set("id", thread_count)
    table.insert(threads, thread)
end

local function split(line)
    local fields = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do
        table.insert(fields, field)
    end
    return fields
end

local gzip = os.getenv("LOAD_GZIP") == "1"

-- Reads LOAD_PATHS; returns this thread's requests and whether they form a sequence.
local function load_requests(thread_id)
    local path = os.getenv("LOAD_PATHS") or error("LOAD_PATHS is not set")
    local file = io.open(path) or error("cannot read " .. path)
    local shared, groups, names = {}, {}, {}
    for line in file:lines() do
        if line ~= "" then
            local f = split(line)
            if #f < 6 then error(path .. ": six tab-separated fields expected: " .. line) end
            local headers = {}
            if gzip then headers["Accept-Encoding"] = "gzip" end
            if f[5] ~= "-" then
                headers["Cookie"] = os.getenv(f[5]) or error("cookie variable " .. f[5] .. " is not set")
            end
            local body = nil
            if f[6] ~= "-" then
                body = f[6]
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            end
            local r = { method = f[2], path = f[3], expect = tonumber(f[4]), headers = headers, body = body }
            if not (body and body:find("{n}", 1, true)) then
                r.static = wrk.format(r.method, r.path, r.headers, r.body)
            end
            local group = tonumber(f[1])
            if group == 0 then
                table.insert(shared, r)
            else
                if not groups[group] then
                    groups[group] = {}
                    table.insert(names, group)
                end
                table.insert(groups[group], r)
            end
        end
    end
    file:close()
    if #names > 0 then
        table.sort(names)
        return groups[names[(thread_id - 1) % #names + 1]], true
    end
    if #shared == 0 then error(path .. " holds no requests") end
    for _, r in ipairs(shared) do
        if r.expect ~= shared[1].expect then error(path .. ": group-0 lines must all expect one status") end
    end
    return shared, false
end

function init(args)
    requests, sequence = load_requests(id or 1)
    -- Threads of one kind start at different places of a shared list.
    index = sequence and 0 or ((id or 1) * 7919) % #requests
    current = requests[1]
    counter = 0
    unexpected = 0
    first_unexpected = ""
end

function request()
    index = index % #requests + 1
    current = requests[index]
    if current.static then return current.static end
    counter = counter + 1
    local body = current.body:gsub("{n}", tostring(counter % 100))
    return wrk.format(current.method, current.path, current.headers, body)
end

if os.getenv("LOAD_CHECK") == "1" then
    function response(status, headers, body)
        -- Statuses >= 400 are already wrk's errors; count the others that were not expected.
        if status ~= current.expect and status < 400 then
            unexpected = unexpected + 1
        end
        -- Which request a response answers is known only when the thread plays a sequence
        -- on one connection; otherwise only the status is kept.
        if status ~= current.expect and first_unexpected == "" then
            first_unexpected = tostring(status) .. (sequence and (":" .. current.method .. ":" .. current.path) or "")
        end
    end
end

local pause = tonumber(os.getenv("LOAD_PAUSE_MS") or "0") or 0
if pause > 0 then
    function delay()
        return math.floor(pause * (0.5 + math.random()))
    end
end

function done(summary, latency, requests_)
    local bad, first = 0, ""
    for _, thread in ipairs(threads) do
        bad = bad + (thread:get("unexpected") or 0)
        local sample = thread:get("first_unexpected") or ""
        if first == "" then first = sample end
    end
    local e = summary.errors
    local ms = function(p) return latency:percentile(p) / 1000 end
    io.write(string.format(
        "LOAD-RESULT requests=%d seconds=%.3f p50=%.3f p90=%.3f p99=%.3f max=%.3f status_errors=%d socket_errors=%d timeouts=%d unexpected=%d first_unexpected=%s\n",
        summary.requests, summary.duration / 1e6, ms(50), ms(90), ms(99), latency.max / 1000, e.status,
        e.connect + e.read + e.write, e.timeout, bad, first == "" and "-" or first))
end
