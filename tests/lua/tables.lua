-- table library, metatables, sorting, integer/float keys, next/pairs order of arrays
local t = {5, 2, 8, 1, 9, 3}
table.sort(t) print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end) print(table.concat(t, " "))
local words = {"pear", "Apple", "fig", "banana", "cherry", "apple"}
table.sort(words) print(table.concat(words, ","))
table.sort(words, function(a, b) return a:lower() < b:lower() or (a:lower() == b:lower() and a < b) end) print(table.concat(words, ","))
local recs = {}
for i = 1, 1000 do recs[i] = {k = (i * 7919) % 1000, i = i} end
table.sort(recs, function(a, b) return a.k < b.k end)
local ok = true for i = 2, #recs do if recs[i - 1].k > recs[i].k then ok = false end end
print("sorted 1000:", ok, recs[1].k, recs[1000].k)
print(pcall(table.sort, {3, 1, "x"}))
print(pcall(table.sort, {1, 2, 3}, function() return true end))
local ins = {} table.insert(ins, "a") table.insert(ins, 1, "b") table.insert(ins, 2, "c")
print(table.concat(ins, ","), table.remove(ins), table.remove(ins, 1), #ins, table.concat(ins))
print(table.unpack({1, 2, 3})) print(table.pack(1, nil, 3).n, select("#", table.unpack({1, nil, 3}, 1, 3)))
print(table.concat(table.move({1, 2, 3, 4, 5}, 2, 4, 1), ","), table.concat({1, 2.5, "x"}, "-", 2, 3))
print(pcall(table.concat, {1, {}, 3}), pcall(table.insert, {}, 5, 1))
local mt = {__index = function(_, k) return k * 2 end, __len = function() return 99 end, __call = function(self, a) return "called " .. a end,
  __add = function(a, b) return "add" end, __eq = function() return true end, __lt = function() return true end, __concat = function() return "cat" end,
  __tostring = function() return "OBJ" end, __name = "MyType"}
local o = setmetatable({}, mt)
print(o[21], #o, o(5), o + 1, o == setmetatable({}, mt), o < o, o .. "x", tostring(o))
print(rawlen({1, 2}), rawequal(o, o), rawget(o, 1), next({}), type(next({10})))
local arr = {} for i = 1, 10 do arr[i] = i * i end
local keys = {} for k, v in ipairs(arr) do keys[#keys + 1] = k .. "=" .. v end print(table.concat(keys, " "))
local h = {} h[1.0] = "one" h[2^53] = "big" print(h[1], h[2^53 | 0], math.type(next(h)))
local count = 0 local big = {} for i = 1, 50000 do big[i] = i end for i = 1, 50000, 2 do big[i] = nil end
for _ in pairs(big) do count = count + 1 end print("left:", count)
local s = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 10) end}) s.x = 4 print(s.x)
print(select(-1, 1, 2, 3), select(2, "a", "b", "c"), pcall(select, 0))
local proxy = setmetatable({}, {__pairs = function(t) return function(_, k) if not k then return 1, "one" end end, t, nil end})
for k, v in pairs(proxy) do print("pairs mm:", k, v) end
print(string.format("%.14g", math.fmod(7, 3)), math.max(3, 9, 1), math.min(3, 9, 1), math.abs(-2^63) , math.ult(1, -1))
print(math.floor(-3.5), math.ceil(-3.5), math.sqrt(16), math.exp(0), math.log(8, 2), math.log(100, 10), string.format("%.10f", math.sin(1)))
math.randomseed(42) local r1 = math.random(1, 100) math.randomseed(42) print(r1 == math.random(1, 100), math.random(5, 5))
print(pcall(math.random, 2, 1), math.random(0) ~= nil)
