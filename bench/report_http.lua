-- wrk script for bench/report_http.py: POSTs the QR report form, each request with a new
-- client_report_id, and writes the reference of every acknowledged report to REFS_FILE.
local threads, counter = {}, 0
refs, refused = {}, {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local body = "description=%E9%A1%B6%E6%9D%BF%E6%8E%89%E6%B8%A3&category=roof&lang=zh-CN&client_report_id=bench-"
    .. tid .. "-" .. counter
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

response = function(status, headers, body)
  if status == 201 then
    local ref = string.match(body, 'id="ref"[^>]*>(YH%-[%d%-]+)<')
    if ref then refs[#refs + 1] = ref end
  else
    refused[status] = (refused[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("REFS_FILE"), "w")
  for _, thread in ipairs(threads) do
    for _, ref in ipairs(thread:get("refs")) do out:write(ref, "\n") end
    for status, count in pairs(thread:get("refused")) do print("refused with status " .. status .. ": " .. count) end
  end
  out:close()
end
