-- garbage collector: counts go down after collection, weak tables, finalizers
collectgarbage("collect")
local base = collectgarbage("count")
local t = {}
for i = 1, 100000 do t[i] = {i, tostring(i)} end
local grown = collectgarbage("count")
print("grew more than 4 MiB:", grown - base > 4096)
t = nil
collectgarbage("collect")
local after = collectgarbage("count")
print("back within 512 KiB:", after - base < 512, after < grown / 4)
print(collectgarbage("isrunning"), collectgarbage("step", 0) ~= nil)
local weak = setmetatable({}, {__mode = "k"})
do local k = {} weak[k] = "v" end
weak[{}] = 1
collectgarbage()
local n = 0 for _ in pairs(weak) do n = n + 1 end
print("weak keys left:", n)
local log = {}
for i = 1, 5 do setmetatable({}, {__gc = function() log[#log + 1] = i end}) end
collectgarbage()
table.sort(log)
print("finalized:", table.concat(log, ","))
print(collectgarbage("incremental"), collectgarbage("generational"), collectgarbage("incremental"))
local s = {}
for i = 1, 20000 do s[#s + 1] = ("x"):rep(i % 50) end
s = nil
collectgarbage()
print("strings freed:", collectgarbage("count") - base < 512)
