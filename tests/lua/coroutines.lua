-- coroutines: generators, status, wrap, yield across pcall, errors
local function gen(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i, i * i) end return "done" end)
end
local g = gen(4)
for _ = 1, 5 do print(g()) end
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  return d + e
end)
print(coroutine.status(co), coroutine.resume(co, 1, 2))
print(coroutine.status(co), coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4), coroutine.status(co))
print(coroutine.resume(co))
local bad = coroutine.create(function() error("boom") end)
print(coroutine.resume(bad))
print(coroutine.isyieldable(), select(2, coroutine.running()), type(coroutine.running()))
local inner = coroutine.wrap(function()
  local ok, v = pcall(function() coroutine.yield("from pcall") return "after" end)
  coroutine.yield(tostring(ok) .. " " .. v)
end)
print(inner(), inner())
-- producer / consumer
local prod = coroutine.create(function() for _, w in ipairs({"a", "b", "c"}) do coroutine.yield(w) end end)
local out = {}
while true do
  local ok, w = coroutine.resume(prod)
  if not w then break end
  out[#out + 1] = w
end
print(table.concat(out, "-"), coroutine.status(prod))
local closable = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() print("closed") end}) coroutine.yield() end)
coroutine.resume(closable)
print(coroutine.close(closable), coroutine.status(closable))
-- many coroutines
local sum = 0
for i = 1, 2000 do
  local c = coroutine.wrap(function(x) local y = coroutine.yield(x + 1) return y * 2 end)
  sum = sum + c(i) + c(i)
end
print(sum)
