-- bench/lua.sh's workload: the same on yolk and in the Linux guest.
-- lua lua_bench.lua [SCALE]: each test's time in ms (os.clock), one line each.
local scale = tonumber(arg and arg[1]) or 1
local function time(name, f)
  local t0 = os.clock()
  local check = f()
  print(string.format("%-14s %10.1f ms  %s", name, (os.clock() - t0) * 1000, tostring(check)))
end
time("fib", function()
  local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
  return fib(20 + math.floor(math.log(scale, 2) + 0.5))
end)
time("sieve", function()
  local n, count = 100000 * scale, 0
  local composite = {}
  for i = 2, n do
    if not composite[i] then
      count = count + 1
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return count
end)
time("string_build", function()
  local parts = {}
  for i = 1, 20000 * scale do parts[#parts + 1] = string.format("%d:%x;", i, i * 3) end
  local s = table.concat(parts)
  local n = 0
  for _ in s:gmatch("%d+:") do n = n + 1 end
  return #s + n
end)
time("table_ops", function()
  local t = {}
  for i = 1, 20000 * scale do t[i] = (i * 7919) % 10007 end
  table.sort(t)
  local h = {}
  for i = 1, #t do h["k" .. t[i]] = i end
  local sum = 0
  for _, v in pairs(h) do sum = sum + v end
  return sum
end)
time("float_math", function()
  local x = 0.0
  for i = 1, 200000 * scale do x = x + math.sin(i) * math.sqrt(i) end
  return string.format("%.3f", x)
end)
print("total")
